"""My certificates renders the empty "Report an activity" form once per language and set of institutions it
offers (certification.views, issue 20), with DEBUG off as in production: the same HTML as crispy renders
each time, and an institution added, renamed or no longer active shows on the next visit."""

import re

import pytest
from django.test import override_settings

from accounts.models import Institution
from tests.conftest import in_english, logged_in
from tests.factories import CertificateFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def client():
    holder = in_english(CertificateFactory().trainee)  # only holders see the form
    return logged_in(holder)


def form(client, language: str = "en") -> str:
    page = client.get(f"/{language}/certificates/").content.decode()
    start = page.index('<form method="post" id="self-report">')
    return CSRF.sub("", page[start : page.index("</form>", start)])


def test_the_cached_form_is_the_form_crispy_renders(client):
    InstitutionFactory(name_en="Harbour Banking Institute")
    with override_settings(DEBUG=True):  # rendered afresh
        fresh = form(client)
    with override_settings(DEBUG=False):
        assert form(client) == fresh  # rendered, then cached
        assert form(client) == fresh  # from the cache
    assert "Harbour Banking Institute" in fresh


@override_settings(DEBUG=False)
def test_an_institution_added_renamed_or_no_longer_active_shows_on_the_next_visit(client):
    first = InstitutionFactory(name_en="Harbour Banking Institute")
    assert "Harbour Banking Institute" in form(client)
    second = InstitutionFactory(name_en="Lakeside Finance Academy")
    assert "Lakeside Finance Academy" in form(client)
    first.name_en = "Harbour Banking Institute (renamed)"
    first.save()
    assert "Harbour Banking Institute (renamed)" in form(client)
    second.status = Institution.Status.SUSPENDED
    second.save()
    assert "Lakeside Finance Academy" not in form(client)


@override_settings(DEBUG=False)
def test_each_language_has_its_own_form(client):
    InstitutionFactory(name_zh="港灣金融學院", name_en="Harbour Banking Institute")
    english, chinese = form(client, "en"), form(client, "zh-hant")
    assert "Harbour Banking Institute" in english and "港灣金融學院" not in english
    assert "港灣金融學院" in chinese and "Harbour Banking Institute" not in chinese


@override_settings(DEBUG=False)
def test_a_refused_report_shows_the_visitors_input_and_errors(client):
    institution = InstitutionFactory()
    form(client)  # the empty form cached
    response = client.post(
        "/en/certificates/", {"institution": institution.pk, "title": "Seminar typed", "completed_on": "", "hours": "3"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'value="Seminar typed"' in body and "invalid-feedback" in body
