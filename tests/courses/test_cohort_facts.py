"""A cohort's facts read naturally: a one-day cohort (or enrolment window) is its day, and the seats say how
many of how many are taken, in the singular for a single seat."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses import services
from tests.factories import CohortFactory, UserFactory
from tests.page_text import text_of

pytestmark = pytest.mark.django_db


def facts(client, code: str) -> str:
    body = client.get(f"/en/cohorts/{code}/").content.decode()
    return body[body.index('<dl class="row small mb-0">') :]


def nowrap(date: str) -> str:
    """A date as the facts write it: on one line (tests/courses/test_no_break_inside.py)."""
    return f'<span class="text-nowrap">{date}</span>'


def test_a_one_day_cohort_is_its_day(client):
    day = timezone.localdate() + datetime.timedelta(days=30)
    CohortFactory(code="ONE-DAY", starts_on=day, ends_on=day)
    with translation.override("en"):
        text = date_format(day)
    html = facts(client, "ONE-DAY")
    assert f'<dd class="col-7">{nowrap(text)}</dd>' in html and f"{nowrap(text)} – {nowrap(text)}" not in html


def test_a_longer_cohort_and_its_enrolment_window_are_their_first_and_last_days(client):
    cohort = CohortFactory(code="LONG")
    html = facts(client, "LONG")
    with translation.override("en"):
        dates = f"{nowrap(date_format(cohort.starts_on))} – {nowrap(date_format(cohort.ends_on))}"
        window = (
            f"{nowrap(date_format(timezone.localtime(cohort.enrolment_opens_at).date()))} – "
            f"{nowrap(date_format(timezone.localtime(cohort.enrolment_closes_at).date()))}"
        )
    assert dates in html and window in html


def test_the_seats_read_as_taken_of_capacity(client):
    services.do_enrol(trainee=UserFactory(), cohort=CohortFactory(code="BIG", capacity=30))
    assert "1 of 30 seats taken" in text_of(facts(client, "BIG"))  # "30 seats" on one line on a phone
    assert "0 of 1 seat taken" in text_of(facts(client, CohortFactory(code="SMALL", capacity=1).code))
