"""Two labels a trainee reads the same way wherever they meet them: an online cohort's "Where" is "Online" on the
cohort's page (and the catalog) as on the enrol page, never "online" on one and "Online" on the other; and a
self-funded trainee's profile says "Employer: none (self-funded)", not "Employer: self-funded"."""

import re

import pytest

from tests.conftest import logged_in
from tests.factories import CohortFactory, EmployerFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def defined(html: str, term: str) -> str:
    """The text of the ``<dd>`` after the ``<dt>`` that reads ``term``."""
    found = re.search(rf"<dt[^>]*>{re.escape(term)}</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert found, term
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_an_online_cohort_is_online_capitalised_on_its_page_the_catalog_and_the_enrol_page():
    cohort = CohortFactory(code="ONLINE-1", is_online=True, offers_remote=True)
    client = logged_in(UserFactory())
    for path in ("/en/cohorts/ONLINE-1/", "/en/cohorts/", "/en/cohorts/ONLINE-1/enrol/"):
        html = client.get(path).content.decode()
        assert defined(html, "Where") == "Online", path
    zh = client.get(f"/zh-hant/cohorts/{cohort.code}/").content.decode()
    assert defined(zh, "地點") == "線上"


def test_a_self_funded_trainees_employer_line_says_none():
    user = UserFactory(preferred_language="en")
    TraineeProfileFactory(user=user, employer=None, employee_number="")
    html = logged_in(user).get("/en/accounts/profile/").content.decode()
    assert defined(html, "Employer") == "none (self-funded)"


def test_an_employed_trainees_employer_line_names_the_bank():
    user = UserFactory(preferred_language="en")
    employer = EmployerFactory()
    TraineeProfileFactory(user=user, employer=employer)
    html = logged_in(user).get("/en/accounts/profile/").content.decode()
    assert defined(html, "Employer") == str(employer)
