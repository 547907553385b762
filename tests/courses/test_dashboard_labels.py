"""The dashboard and the cohort page as a trainee reads them on a phone: the upcoming sessions' cohort cell is
one block (its name, then its code on a line of its own), hours carry the page's unit, and status
badges are the models' labels, capitalised."""

import datetime
import re

import pytest
from django.utils import timezone

from courses import services
from tests.conftest import logged_in
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def approved_with_a_session_to_come(language: str = "en"):
    trainee = UserFactory(preferred_language=language)
    cohort = CohortFactory(code="INST-A-STANDARD-RETAIL")
    enrolment = services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))
    TrainingSessionFactory(cohort=cohort, held_on=timezone.localdate() + datetime.timedelta(days=2), hours=8)
    return trainee, enrolment


def sessions_table(html: str) -> str:
    return re.search(r'<table[^>]*id="upcoming-sessions".*?</table>', html, re.S).group(0)


def test_the_session_cohort_cell_is_one_block_with_the_code_on_its_own_line():
    trainee, _enrolment = approved_with_a_session_to_come()
    table = sessions_table(logged_in(trainee).get("/en/dashboard/").content.decode())
    cell = re.search(r'<td data-label="Cohort">(.*?)</td>', table, re.S).group(1)
    # On a phone each cell is a flex row beside its label: one child, or the name and code squeeze side by side.
    assert cell.startswith('<div class="session-cohort">') and cell.endswith("</div>")
    assert re.search(r'<span class="d-block[^"]*cohort-code">INST-A-STANDARD-RETAIL</span></div>$', cell)


def test_session_hours_carry_the_unit_of_class_hours():
    trainee, _enrolment = approved_with_a_session_to_come()
    table = sessions_table(logged_in(trainee).get("/en/dashboard/").content.decode())
    assert re.search(r'<td data-label="Hours"[^>]*>8 h</td>', table)


def test_status_badges_are_the_models_labels_capitalised():
    trainee = UserFactory(preferred_language="en")
    cohort = CohortFactory(code="TPE-1")
    services.do_enrol(trainee=trainee, cohort=cohort)
    client = logged_in(trainee)
    dashboard = client.get("/en/dashboard/").content.decode()
    assert re.search(r'<span class="badge [^"]*">Pending approval</span>', dashboard)
    page = client.get("/en/cohorts/TPE-1/").content.decode()
    assert '<span class="badge text-bg-secondary">Open for enrolment</span>' in page
    assert ">Face-to-face</span>" in page and ">Self-study</span>" in page
