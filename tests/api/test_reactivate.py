"""Reactivating an employee (an integrator's report): a deactivation through the HR API could not be undone — PATCH
``is_active`` is no field, a bulk upsert of the row is "unchanged", a create with its number is
``employee_number_taken`` and an enrolment ``trainee_inactive`` — so a mistaken sync locked people out until the
program office stepped in. ``POST /api/v1/employees/{id}/reactivate/`` undoes what deactivate did, as idempotent as
it, and refuses (409) where a reactivation would be wrong: the row a person left behind when they moved to another
employer, and an employee the program office deactivated.

A deactivation ends the employment, not the person's account (tests/hr_api/test_employment_end.py): the person keeps
their log-in and records, self-funded, and a reactivation brings them back to the bank's row (the same id)."""

import re
import uuid

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from accounts import audit
from accounts.models import TraineeProfile, User
from career.models import ManagerGrade
from tests.conftest import PASSWORD
from tests.factories import CohortFactory, TraineeProfileFactory

from .conftest import assert_problem

REACTIVATE = "/api/v1/employees/{}/reactivate/"


def deactivate(api, profile_id: int):
    return api.post(f"/api/v1/employees/{profile_id}/deactivate/")


def reactivate(api, profile_id: int, **headers):
    return api.post(REACTIVATE.format(profile_id), **headers)


def can_log_in(user: User) -> bool:
    """The log-in page takes the person's address and the password they had."""
    browser = Client()
    browser.post("/en/accounts/login/", {"username": user.email, "password": PASSWORD})
    return browser.session.get("_auth_user_id") == str(user.pk)


def test_a_deactivated_employee_reactivated_is_the_banks_again_and_is_enrolled_again(cast, employee_a):
    person = employee_a.user
    assert deactivate(cast.api_a, employee_a.pk).status_code == 200
    assert can_log_in(person)  # the employment ended, not their account
    assert TraineeProfile.objects.get(user=person).employer is None  # self-funded meanwhile
    cohort = CohortFactory()
    enrol = {"employee": employee_a.pk, "cohort": cohort.pk}
    assert_problem(cast.api_a.post("/api/v1/enrollments/", enrol, format="json"), 409)
    deactivated_at = TraineeProfile.objects.get(pk=employee_a.pk).updated_at

    answer = reactivate(cast.api_a, employee_a.pk)
    assert answer.status_code == 200, answer.content
    assert answer.json()["is_active"] is True and answer.json()["id"] == employee_a.pk
    row = TraineeProfile.objects.get(pk=employee_a.pk)
    assert row.user_id == person.pk and row.user.is_active  # the person's own account, back on the bank's row
    assert TraineeProfile.objects.filter(user=person).count() == 1  # their self-funded profile merged into it
    assert row.updated_at > deactivated_at  # a sync sees it
    assert can_log_in(person)  # with the password they had
    assert cast.api_a.post("/api/v1/enrollments/", enrol, format="json").status_code == 201
    changed = cast.api_a.get("/api/v1/employees/", {"updated_since": answer.json()["updated_at"]}).json()
    assert [row["id"] for row in changed["results"]] == [employee_a.pk]


def test_reactivating_an_active_employee_changes_nothing(cast, employee_a):
    stored = TraineeProfile.objects.get(pk=employee_a.pk).updated_at
    answer = reactivate(cast.api_a, employee_a.pk)
    assert answer.status_code == 200 and answer.json()["is_active"] is True
    assert TraineeProfile.objects.get(pk=employee_a.pk).updated_at == stored

    deactivate(cast.api_a, employee_a.pk)
    first = reactivate(cast.api_a, employee_a.pk)
    stamped = TraineeProfile.objects.get(pk=employee_a.pk).updated_at
    again = reactivate(cast.api_a, employee_a.pk)
    assert again.status_code == 200 and again.json() == first.json()
    assert TraineeProfile.objects.get(pk=employee_a.pk).updated_at == stamped


def test_an_idempotency_key_replays_the_first_answer(cast, employee_a):
    deactivate(cast.api_a, employee_a.pk)
    key = str(uuid.uuid4())
    first = reactivate(cast.api_a, employee_a.pk, HTTP_IDEMPOTENCY_KEY=key)
    deactivate(cast.api_a, employee_a.pk)
    replayed = reactivate(cast.api_a, employee_a.pk, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == replayed.status_code == 200
    assert replayed["Idempotent-Replayed"] == "true" and replayed.json() == first.json()
    row = TraineeProfile.objects.get(pk=employee_a.pk)  # the replay did nothing again: the row stays deactivated,
    assert not row.user.is_active and row.user_id != employee_a.user_id  # without the person
    assert TraineeProfile.objects.get(user_id=employee_a.user_id).employer is None


@pytest.mark.parametrize("deactivated", [False, True])
def test_another_banks_employee_is_not_found(cast, employee_b, deactivated):
    if deactivated:
        deactivate(cast.api_b, employee_b.pk)
    assert_problem(reactivate(cast.api_a, employee_b.pk), 404)
    assert TraineeProfile.objects.get(pk=employee_b.pk).user.is_active is not deactivated  # untouched
    assert reactivate(cast.api_a, employee_b.pk).content == reactivate(cast.api_a, 999_999_999).content


def link_in(message) -> str:
    return re.search(r"https?://[^\s\"<]+", message.body).group(0).split("testserver", 1)[1]


def test_the_row_a_person_left_behind_when_they_moved_is_not_reactivated(cast, django_capture_on_commit_callbacks):
    """Bank A's row of a person who moved to bank B: reactivating it would ask them back to A (its placeholder's
    request) or give A their records again."""
    at_a = TraineeProfileFactory(
        employer=cast.hr_a.employer, employee_number="A-0001", user__email="mover@bank.example"
    )
    person = at_a.user
    with django_capture_on_commit_callbacks(execute=True):
        at_b = cast.api_b.post(
            "/api/v1/employees/",
            {"employee_number": "B-1", "email": "mover@bank.example", "display_name": "周杰"},
            format="json",
        ).json()["id"]
    web = Client()
    web.force_login(person)
    assert web.post(link_in(mail.outbox[-1])).status_code == 200
    left = TraineeProfile.objects.get(pk=at_a.pk)
    assert left.user != person and not left.user.is_active
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        body = assert_problem(reactivate(cast.api_a, at_a.pk), 409)
    assert body["type"].endswith("/employee_moved")
    left.refresh_from_db()
    assert not left.user.is_active and mail.outbox == []
    assert TraineeProfile.objects.get(user=person).pk == at_b  # still bank B's
    assert cast.api_a.get("/api/v1/enrollments/", {"employee": at_a.pk}).json()["results"] == []


def test_an_employee_the_program_office_deactivated_is_not_reactivated(cast, employee_a, program_office):
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = program_office
    bound = audit.bind_request(request)  # as the user admin's change form does
    try:
        user = User.objects.get(pk=employee_a.user_id)
        user.is_active = False
        user.save()
    finally:
        audit.unbind_request(bound)
    body = assert_problem(reactivate(cast.api_a, employee_a.pk), 409)
    assert body["type"].endswith("/deactivated_by_program_office")
    assert not User.objects.get(pk=employee_a.user_id).is_active


def test_a_placeholder_reactivated_asks_its_addresss_owner_again(cast, employee_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        placeholder = cast.api_a.post(
            "/api/v1/employees/",
            {"employee_number": "A-9", "email": employee_b.user.email, "display_name": "周杰"},
            format="json",
        ).json()["id"]
        deactivate(cast.api_a, placeholder)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = reactivate(cast.api_a, placeholder)
    assert answer.status_code == 200 and answer.json()["email"] == employee_b.user.email
    assert [m.to for m in mail.outbox] == [[employee_b.user.email]]
    assert TraineeProfile.objects.get(pk=employee_b.pk).employer == cast.hr_b.employer  # only their consent moves it


def test_the_grade_stays_ended_until_the_bank_grades_them_again(cast, employee_a, django_capture_on_commit_callbacks):
    ManagerGrade.objects.create(
        employer=cast.hr_a.employer, employee=employee_a, manager_class="personal", level="junior"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the grade ends once the deactivation commits
        deactivate(cast.api_a, employee_a.pk)
    assert reactivate(cast.api_a, employee_a.pk).status_code == 200
    assert not ManagerGrade.objects.filter(employee=employee_a).exists()
    assert ManagerGrade.with_ended.filter(employee=employee_a).count() == 1


def test_the_schema_documents_the_operation(cast):
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/employees/{id}/reactivate/"]["post"]
    assert "requestBody" not in operation
    assert {"200", "404", "409"} <= set(operation["responses"])
    assert "`employee_moved`" in operation["responses"]["409"]["description"]
    assert "`deactivated_by_program_office`" in operation["responses"]["409"]["description"]
    assert any(p.get("name") == "Idempotency-Key" for p in operation["parameters"])
    assert "enroll" in operation["responses"]["403"]["description"]
    problems = Client().get("/api/v1/problems/").content.decode()
    assert "employee_moved" in problems and "deactivated_by_program_office" in problems
