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
