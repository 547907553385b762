"""Enrolments over the API: enrol, list with hours per mode, withdraw; conflicts; retries."""

import pytest

from courses import services as training
from courses.models import Enrolment
from tests.factories import CohortFactory, TraineeProfileFactory, TrainingSessionFactory

from .conftest import assert_problem


@pytest.fixture
def cohort(db):
    return CohortFactory(capacity=1)


def test_it_enrols_an_employee_pending_approval(cast, employee_a, cohort):
    response = cast.api_a.post("/api/v1/enrollments/", {"employee": employee_a.pk, "cohort": cohort.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "pending" and body["employee"] == employee_a.pk and body["cohort_code"] == cohort.code
    assert set(body["hours"]["done"]) >= {"face_to_face", "remote", "self_study", "exam_prep", "total"}


def test_a_retried_enrolment_with_the_same_key_enrols_once(cast, employee_a, cohort):
    payload = {"employee": employee_a.pk, "cohort": cohort.pk}
    first = cast.api_a.post("/api/v1/enrollments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="enrol-1")
    again = cast.api_a.post("/api/v1/enrollments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="enrol-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Enrolment.objects.count() == 1
    cohort.refresh_from_db()
    assert cohort.seats_taken == 1


def test_a_full_cohort_is_a_409(cast, employee_a, cohort):
    other = TraineeProfileFactory(employer=cast.hr_a.employer)
    training.do_enrol(trainee=other.user, cohort=cohort)
    body = assert_problem(
        cast.api_a.post("/api/v1/enrollments/", {"employee": employee_a.pk, "cohort": cohort.pk}, format="json"), 409
    )
    assert body["type"].endswith("/full")


def test_it_cannot_enrol_another_employers_employee(cast, employee_b, cohort):
    response = cast.api_a.post("/api/v1/enrollments/", {"employee": employee_b.pk, "cohort": cohort.pk}, format="json")
    assert_problem(response, 404)
    assert not Enrolment.objects.exists()


def test_it_withdraws_and_frees_the_seat(cast, employee_a, cohort):
    enrolment = training.do_enrol(trainee=employee_a.user, cohort=cohort)
    response = cast.api_a.post(f"/api/v1/enrollments/{enrolment.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    cohort.refresh_from_db()
    assert cohort.seats_taken == 0
    assert_problem(cast.api_a.post(f"/api/v1/enrollments/{enrolment.pk}/withdraw/"), 409)


def test_another_employers_enrolment_is_not_found(cast, employee_b, cohort):
    enrolment = training.do_enrol(trainee=employee_b.user, cohort=cohort)
    assert_problem(cast.api_a.get(f"/api/v1/enrollments/{enrolment.pk}/"), 404)
    assert_problem(cast.api_a.post(f"/api/v1/enrollments/{enrolment.pk}/withdraw/"), 404)
    assert cast.api_a.get("/api/v1/enrollments/").json()["results"] == []
    assert Enrolment.objects.get().state == "pending"


def test_hours_done_are_shown_per_mode(cast, employee_a):
    cohort = CohortFactory()
    enrolment = training.do_approve_enrolment(enrolment=training.do_enrol(trainee=employee_a.user, cohort=cohort))
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    training.do_record_attendance(session=session, enrolment=enrolment, hours=6)
    hours = cast.api_a.get(f"/api/v1/enrollments/{enrolment.pk}/").json()["hours"]
    assert hours["done"]["face_to_face"] == 6
    assert hours["owed"]["teaching"] == 64 and hours["owed"]["exam_prep"] == 8


@pytest.mark.parametrize("size", [2, 20])
def test_the_list_runs_a_fixed_number_of_queries(cast, size, django_assert_max_num_queries):
    cohort = CohortFactory(capacity=50)
    for profile in TraineeProfileFactory.create_batch(size, employer=cast.hr_a.employer):
        training.do_enrol(trainee=profile.user, cohort=cohort)
    with django_assert_max_num_queries(12):
        response = cast.api_a.get("/api/v1/enrollments/?page_size=100")
    assert len(response.json()["results"]) == size
