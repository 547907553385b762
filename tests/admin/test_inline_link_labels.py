"""An inline's link to each of its rows (``show_change_link``) says what the row's own page lets the viewer do:
"Change" where its admin lets them change that row, "View" where it only shows it, as Django words a view-only
page. Django's templates labelled it by the *inline*'s permission (on the inline's own fields), so a row whose
page only shows it was linked "Change", and a read-only inline linked "View" to a row its page changes. The site's
copies of Django's two inline templates ask the row's admin (config.admin._PermittedInlineForm.link_changes_row)."""

import re
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.contrib import admin
from django.utils import translation
from django.utils.translation import gettext

from certification.admin import CEEnrolmentInline
from certification.models import CECourse, CEEnrolment
from tests.conftest import in_english, logged_in

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(
    r'<a href="/(?:en|zh-hant)/admin/certification/ceenrolment/(\d+)/change/" class="(inline\w+link)">([^<]*)</a>'
)


def row_links(client, course: CECourse, language: str = "en") -> dict[int, tuple[str, str]]:
    """{enrolment's id: (the link's class, its label)} on the course's change page."""
    page = client.get(f"/{language}/admin/certification/cecourse/{course.pk}/change/").content.decode()
    return {int(pk): (css, label) for pk, css, label in ROW_LINK.findall(page)}


def only_viewed(monkeypatch, *, rows=None) -> None:
    """The enrolments' admin lets nobody change ``rows`` (all of them if None): their page only shows them."""
    enrolment_admin = admin.site._registry[CEEnrolment]
    allowed = enrolment_admin.has_change_permission

    def has_change_permission(request, obj=None):
        refused = obj is not None and (rows is None or obj.pk in rows)
        return not refused and allowed(request, obj)

    monkeypatch.setattr(enrolment_admin, "has_change_permission", has_change_permission)


def test_rows_the_viewer_may_change_are_linked_change(ce_course, institution_admin):
    links = row_links(logged_in(in_english(institution_admin)), ce_course)
    assert len(links) == 2 and set(links.values()) == {("inlinechangelink", "Change")}


def test_rows_whose_page_only_shows_them_are_linked_view(ce_course, institution_admin, monkeypatch):
    only_viewed(monkeypatch)
    client = logged_in(in_english(institution_admin))
    links = row_links(client, ce_course)
    assert len(links) == 2 and set(links.values()) == {("inlineviewlink", "View")}
    page = client.get(f"/en/admin/certification/ceenrolment/{next(iter(links))}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # the page only shows it


def test_each_row_is_labelled_by_what_its_own_page_allows(ce_course, institution_admin, monkeypatch):
    shown, changed = CEEnrolment.objects.filter(course=ce_course).order_by("pk")
    only_viewed(monkeypatch, rows={shown.pk})
    links = row_links(logged_in(in_english(institution_admin)), ce_course)
    assert links == {shown.pk: ("inlineviewlink", "View"), changed.pk: ("inlinechangelink", "Change")}


def test_a_read_only_inline_links_change_to_rows_the_viewer_may_change(ce_course, institution_admin, monkeypatch):
    monkeypatch.setattr(CEEnrolmentInline, "has_change_permission", lambda self, request, obj=None: False)
    links = row_links(logged_in(in_english(institution_admin)), ce_course)
    assert len(links) == 2 and set(links.values()) == {("inlinechangelink", "Change")}


def test_the_labels_are_djangos_words_in_the_readers_language(ce_course, institution_admin, monkeypatch):
    shown, _changed = CEEnrolment.objects.filter(course=ce_course).order_by("pk")
    only_viewed(monkeypatch, rows={shown.pk})
    links = row_links(logged_in(institution_admin), ce_course, "zh-hant")
    with translation.override("zh-hant"):
        assert sorted(label for _css, label in links.values()) == sorted([gettext("View"), gettext("Change")])


@pytest.mark.parametrize("name", ["tabular", "stacked"])
def test_the_sites_inline_templates_are_djangos_but_for_the_label(name):
    """A copy of Django's template: another Django's changes to it are to be copied too (this fails until then)."""
    djangos = Path(django.__file__).parent / f"contrib/admin/templates/admin/edit_inline/{name}.html"
    ours = Path(settings.BASE_DIR) / f"templates/admin/edit_inline/{name}.html"
    header, copied = ours.read_text().split("\n", 1)
    assert header.startswith("{#") and header.endswith("#}")
    expected = djangos.read_text().replace(
        "inline_admin_formset.has_change_permission", "inline_admin_form.link_changes_row"
    )
    assert copied == expected
    assert copied.count("inline_admin_form.link_changes_row") == 2
