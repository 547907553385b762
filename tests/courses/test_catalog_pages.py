"""The cohort finder in pages, cached until a cohort changes (issue 9)."""

import re

import pytest
from django.test import Client

from courses import services
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(html: str) -> list[str]:
    return re.findall(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', html)


def test_the_finder_shows_24_cohorts_a_page_and_keeps_the_filters_in_the_pager():
    for n in range(30):
        CohortFactory(code=f"P-{n:02d}", city="TXG")
    first = Client().get("/en/cohorts/?city=TXG").content.decode()
    assert len(codes(first)) == 24 and "Page 1 of 2" in first
    second = Client().get("/en/cohorts/?city=TXG&page=2").content.decode()
    assert len(codes(second)) == 6 and set(codes(first)).isdisjoint(codes(second))
    assert "page=1" in second and "city=" in second


def test_a_cohort_that_fills_up_shows_full_at_once_despite_the_cache():
    cohort = CohortFactory(code="ONE-SEAT", capacity=1)
    assert "Details and enrolment" in Client().get("/en/cohorts/").content.decode()
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    assert ">Full<" in Client().get("/en/cohorts/").content.decode()


def test_the_finder_costs_the_same_queries_with_many_more_cohorts(django_assert_max_num_queries):
    client = Client()
    client.force_login(UserFactory())
    for _ in range(3):
        CohortFactory()
    with django_assert_max_num_queries(12) as few:
        client.get("/en/cohorts/")
    for _ in range(40):
        CohortFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(codes(client.get("/en/cohorts/").content.decode())) == 24


def test_the_dashboards_cached_self_study_form_follows_the_trainees_own_cohorts():
    """The empty form is rendered once and reused, but never shows another person's or an old cohort."""
    from courses.models import Enrolment

    first, second = UserFactory(), UserFactory()
    for trainee, code in ((first, "MINE-1"), (second, "THEIRS-1")):
        enrolment = services.do_enrol(trainee=trainee, cohort=CohortFactory(code=code))
        services.do_approve_enrolment(enrolment=enrolment)

    def form_of(trainee) -> str:
        client = Client()
        client.force_login(trainee)
        html = client.get("/en/dashboard/").content.decode()
        return html[html.index('action="/en/dashboard/self-study/"') :]

    assert "MINE-1" in form_of(first) and "MINE-1" in form_of(first)
    assert "THEIRS-1" in form_of(second) and "MINE-1" not in form_of(second)
    services.do_approve_enrolment(
        enrolment=services.do_enrol(trainee=first, cohort=CohortFactory(code="MINE-2", curriculum=_assistant()))
    )
    assert "MINE-2" in form_of(first) and Enrolment.objects.filter(trainee=first).count() == 2


def _assistant():
    from tests.factories import curriculum_of

    return curriculum_of("assistant")
