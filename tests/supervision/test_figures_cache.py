"""The figure pages are rendered once per edition of the summaries and kept in the cache
(supervision/pages.py): a new edition shows at once, and a cached page never crosses a viewer's
scope or language."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from supervision.figures import pass_rates
from tests.conftest import logged_in
from tests.supervision import report_data
from tests.supervision.report_data import first_attempts, recompute_all
from tests.supervision.test_reports import PAGES, en, url

pytestmark = pytest.mark.django_db

FIGURE_PAGES = [name for name in PAGES if name != "cohorts"] + ["institutions", "items"]


def counted(response) -> int:
    """The page's "N trainee–course pairs counted"."""
    text = response.content.decode().split(" trainee–course pairs counted")[0].rsplit(">", 1)[-1]
    return int(text.strip().replace(",", ""))


def test_a_new_edition_of_the_figures_shows_at_once(world, program_office, institution, other_institution):
    client = logged_in(program_office)
    before = counted(en(client, url("pass_rates")))
    assert before == counted(en(client, url("pass_rates"))) == len(first_attempts(world))
    report_data.build([institution, other_institution], scale=1, seed=11, ledger=world)
    recompute_all()
    assert counted(en(client, url("pass_rates"))) == len(first_attempts(world)) > before


def test_a_cached_page_costs_less_and_builds_nothing(world, program_office, monkeypatch):
    client = logged_in(program_office)
    with CaptureQueriesContext(connection) as first:
        assert en(client, url("pass_rates")).status_code == 200

    def not_again(*args, **kwargs):
        raise AssertionError("the figures were built again from the summaries")

    monkeypatch.setattr(pass_rates, "total", not_again)
    with CaptureQueriesContext(connection) as second:
        again = en(client, url("pass_rates"))
    assert again.status_code == 200 and "Pass rates by course" in again.content.decode()
    assert len(second) < len(first)


def test_cached_figures_never_cross_the_viewers_scope(
    world, program_office, institution_admin, institution, other_institution
):
    office = logged_in(program_office)
    for name in FIGURE_PAGES:  # the office's figures of every institution, cached first
        assert en(office, url(name)).status_code == 200, name
    assert other_institution.name in en(office, url("pass_rates")).content.decode()
    staff = logged_in(institution_admin)
    for name in FIGURE_PAGES:
        response = en(staff, url(name))
        if name in ("institutions", "items"):
            assert response.status_code == 403, name
            continue
        assert response.status_code == 200 and other_institution.name not in response.content.decode(), name
    narrowed = en(office, url("pass_rates"), {"institution": other_institution.pk})
    assert counted(narrowed) == sum(r["institution"] == other_institution.pk for r in first_attempts(world))


def test_cached_figures_are_in_the_readers_language(world, program_office):
    client = logged_in(program_office)
    assert "Pass rates by course" in en(client, url("pass_rates")).content.decode()
    with translation.override("zh-hant"):
        chinese = client.get(reverse("supervision:pass_rates"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
        by_course = translation.gettext("Pass rates by course")
    assert by_course != "Pass rates by course" and by_course in chinese and "Pass rates by course" not in chinese


def test_the_cohorts_pages_form_is_in_the_readers_language_and_starts_today(world, institution_admin, monkeypatch):
    client = logged_in(institution_admin)
    with translation.override("zh-hant"):
        chinese = client.get(reverse("supervision:cohorts"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
        label = translation.gettext("Expiring from")
    english = en(client, url("cohorts")).content.decode()
    assert label != "Expiring from" and label in chinese and "Expiring from" not in chinese
    assert "Expiring from" in english
    today = timezone.localdate()
    for day in (today, today + datetime.timedelta(days=90)):
        assert f'value="{day.isoformat()}"' in english
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert f'value="{tomorrow.isoformat()}"' in en(client, url("cohorts")).content.decode()


def filter_options(response) -> list[str]:
    """The institution filter's choices as shown, the chosen one marked with "*"."""
    body = response.content.decode()
    select = body.split('id="institution-filter"', 1)[1].split("</select>", 1)[0]
    return [
        ("*" if " selected" in option.split(">", 1)[0] else "") + option.split(">", 1)[1].split("<", 1)[0]
        for option in select.split("<option")[2:]  # after "every institution"
    ]


def test_the_institution_filter_follows_the_institutions_on_cached_and_built_pages(
    world, program_office, institution, other_institution
):
    from accounts.models import Institution
    from tests.factories import InstitutionFactory

    client = logged_in(program_office)

    def expected(chosen=None) -> list[str]:
        return [("*" if i.pk == chosen else "") + i.name for i in Institution.objects.order_by("code")]

    for name in ("pass_rates", "cohorts"):  # a cached figure page and a page built on every request
        assert filter_options(en(client, url(name))) == expected(), name
    added = InstitutionFactory(code="zz-added", name_en="A newly authorized institution")
    renamed = Institution.objects.get(pk=other_institution.pk)
    renamed.name_en = "An institution with a new name"
    renamed.save()
    for name in ("pass_rates", "cohorts"):
        shown = filter_options(en(client, url(name)))
        assert shown == expected() and "A newly authorized institution" in shown, name
        assert "An institution with a new name" in shown and other_institution.name not in shown, name
        narrowed = en(client, url(name), {"institution": renamed.pk})
        assert filter_options(narrowed) == expected(chosen=renamed.pk), name
    added.delete()
    for name in ("pass_rates", "cohorts"):
        assert "A newly authorized institution" not in filter_options(en(client, url(name))), name


def cohort_row(response, code: str) -> str | None:
    """The cohorts table's row of ``code`` as text, or None when the page does not list it."""
    body = response.content.decode()
    marker = f"<td>{code}</td>"
    if marker not in body:
        return None
    return body.split(marker, 1)[1].split("</tr>", 1)[0]


def test_the_cohorts_page_follows_the_cohorts_and_never_stands_in_for_another_page(world, program_office, institution):
    from courses.models import Cohort
    from tests.factories import CohortFactory

    client = logged_in(program_office)
    first = en(client, url("cohorts"))
    assert first.status_code == 200 and "cohorts-heading" in first.content.decode()
    # The expiring page shares the cohorts page's tab: it is its own page, not the cached cohorts.
    expiring = en(client, url("expiring")).content.decode()
    assert "cohorts-heading" not in expiring and 'name="valid_from"' in expiring
    soon = timezone.localdate() + datetime.timedelta(days=400)  # listed first (latest start first)
    cohort = CohortFactory(
        institution=institution, code="C-NEWEST", starts_on=soon, ends_on=soon + datetime.timedelta(days=30)
    )
    assert "open for enrolment" in cohort_row(en(client, url("cohorts")), "C-NEWEST")
    cohort = Cohort.objects.get(pk=cohort.pk)
    cohort.status = Cohort.Status.RUNNING
    cohort.save()
    assert "running" in cohort_row(en(client, url("cohorts")), "C-NEWEST")
    cohort.delete()
    assert cohort_row(en(client, url("cohorts")), "C-NEWEST") is None


def test_a_process_reads_which_edition_to_show_at_most_once_per_setting_and_then_afresh(
    world, program_office, settings, monkeypatch
):
    from supervision import selectors
    from tests.factories import InstitutionFactory

    settings.SUPERVISION_STATE_SECONDS = 1
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(selectors, "_last_read", None)
    client = logged_in(program_office)
    assert en(client, url("pass_rates")).status_code == 200
    InstitutionFactory(code="zz-added", name_en="A newly authorized institution")
    clock[0] += 0.9
    with CaptureQueriesContext(connection) as queries:
        within = en(client, url("pass_rates"))
    assert not [q for q in queries if "supervision_recomputerun" in q["sql"]]  # the state as read
    assert "A newly authorized institution" not in filter_options(within)
    clock[0] += 0.2
    assert "A newly authorized institution" in filter_options(en(client, url("pass_rates")))
