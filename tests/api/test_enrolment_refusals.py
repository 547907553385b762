"""Every refusal the enrolment API can answer: 409 with its code, worded for the HR system, in the
request's language (issue 15, items 9 and 11).

The services word a refusal for the trainee ("You already have an active enrolment …"); the API
never passes that text through (hr_api.views.enrolments.HR_MESSAGES). SCENARIOS holds one request per
code the API answers, and a test keeps it equal to CONFLICT_CODES: a new refusal needs its HR
wording and its scenario here.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.employees import do_deactivate_employee
from courses import services as training
from courses.models import Cohort
from hr_api.views.enrolments import CONFLICT_CODES, HR_MESSAGES, raise_training_error
from tests.factories import CohortFactory, InstitutionFactory, TraineeProfileFactory

from .conftest import assert_problem

CJK = re.compile(r"[\u3400-\u9fff]")
SECOND_PERSON = re.compile(r"\b(you|your)\b", re.IGNORECASE)


def enrol(cast, employee, cohort, language):
    return cast.api_a.post(
        "/api/v1/enrollments/",
        {"employee": employee.pk, "cohort": cohort.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def full(cast, employee, language):
    cohort = CohortFactory(capacity=1)
    training.do_enrol(trainee=TraineeProfileFactory().user, cohort=cohort)
    return enrol(cast, employee, cohort, language)


def closed(cast, employee, language):
    return enrol(cast, employee, CohortFactory(status=Cohort.Status.CLOSED), language)


def not_open_yet(cast, employee, language):
    return enrol(
        cast, employee, CohortFactory(enrolment_opens_at=timezone.now() + datetime.timedelta(days=2)), language
    )


def window_passed(cast, employee, language):
    cohort = CohortFactory(
        enrolment_opens_at=timezone.now() - datetime.timedelta(days=9),
        enrolment_closes_at=timezone.now() - datetime.timedelta(days=2),
    )
    return enrol(cast, employee, cohort, language)


def not_authorized(cast, employee, language):
    lapsed = InstitutionFactory(authorized_until=timezone.localdate() - datetime.timedelta(days=1))
    return enrol(cast, employee, CohortFactory(institution=lapsed), language)


def already_enrolled(cast, employee, language):
    training.do_enrol(trainee=employee.user, cohort=CohortFactory())  # the same curriculum
    return enrol(cast, employee, CohortFactory(), language)


def trainee_inactive(cast, employee, language):
    do_deactivate_employee(profile=employee)
    return enrol(cast, employee, CohortFactory(), language)


def bad_state(cast, employee, language):
    enrolment = training.do_enrol(trainee=employee.user, cohort=CohortFactory())
    training.do_withdraw_enrolment(enrolment=enrolment)
    return cast.api_a.post(f"/api/v1/enrollments/{enrolment.pk}/withdraw/", HTTP_ACCEPT_LANGUAGE=language)


SCENARIOS = {
    f.__name__: f
    for f in (full, closed, not_open_yet, window_passed, not_authorized, already_enrolled, trainee_inactive, bad_state)
}

ENGLISH = {
    "already_enrolled": "This employee already has an active enrolment in ",
    "trainee_inactive": "This employee is deactivated, so they cannot be enrolled.",
    "full": " is full.",
    "closed": " is not open for enrolment.",
    "bad_state": "This enrolment is withdrawn; only a pending",
}


def test_every_code_the_api_answers_has_a_scenario_and_hr_wording():
    assert set(SCENARIOS) == set(CONFLICT_CODES)
    assert set(HR_MESSAGES) >= set(CONFLICT_CODES)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_each_refusal_is_a_409_worded_for_the_hr_system_in_english(cast, employee_a, code):
    body = assert_problem(SCENARIOS[code](cast, employee_a, "en"), 409)
    assert body["type"].endswith(f"/{code}")
    assert not SECOND_PERSON.search(body["detail"]), body["detail"]
    assert not CJK.search(body["title"] + body["detail"]), body
    assert ENGLISH.get(code, "") in body["detail"]


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_each_refusal_is_in_chinese_when_asked(cast, employee_a, code):
    body = assert_problem(SCENARIOS[code](cast, employee_a, "zh-Hant"), 409)
    assert CJK.search(body["title"]) and CJK.search(body["detail"]), body


def service_codes() -> set[str]:
    source = (Path(training.__file__)).read_text(encoding="utf-8")
    return set(re.findall(r'TrainingError\(\s*"(\w+)"', source))


@pytest.mark.parametrize("code", sorted(service_codes()))
def test_no_service_wording_ever_reaches_the_hr_system(db, code):
    """Whatever code a service raises, now or later, the API answers in its own words."""
    trainee_words = "You already have an active enrolment (trainee wording)."
    cohort = CohortFactory()
    with pytest.raises(Exception) as answered:
        raise_training_error(training.TrainingError(code, trainee_words), cohort=cohort)
    text = str(answered.value.detail)
    assert "trainee wording" not in text
    assert not SECOND_PERSON.search(text), text


def test_the_trainees_page_keeps_the_trainees_wording(client, db):
    profile = TraineeProfileFactory()
    training.do_enrol(trainee=profile.user, cohort=CohortFactory())
    client.force_login(profile.user)
    response = client.post(f"/en/cohorts/{CohortFactory().code}/enrol/", follow=True)
    assert "You already have an active enrolment" in response.content.decode()
