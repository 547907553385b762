"""A bank's HR system deactivates an employee who left (``POST /api/v1/employees/{id}/deactivate/``): the employment
ends, not the person. Before, the person's own account was switched off, so someone who left a bank could no longer
log in to see their certificates, results and history. Now the bank keeps an inactive row under the same id (shown
as before: deactivated), and the person goes on, self-funded, with their account and records; the bank no longer
sees or hears of what they do next. Reactivating brings them back to the bank unless they joined another employer
meanwhile (409 ``employee_moved``) or their account is gone (409 ``account_deleted``). A person who moved to another
bank can be registered again by the bank they left (the row they left behind no longer blocks their number or
address)."""

import re

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from accounts import audit
from accounts.models import TraineeProfile, User
from career.models import ManagerGrade
from courses import services as training
from hr_api.models import WebhookDelivery
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_problem
from tests.conftest import PASSWORD
from tests.factories import CertificateFactory, CohortFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db

cast, employee_a = api_fixtures.cast, api_fixtures.employee_a  # the API tests' cast (tests/api/conftest.py)


def deactivate(api, pk: int):
    return api.post(f"/api/v1/employees/{pk}/deactivate/")


def reactivate(api, pk: int):
    return api.post(f"/api/v1/employees/{pk}/reactivate/")


def can_log_in(user: User) -> bool:
    browser = Client()
    browser.post("/en/accounts/login/", {"username": user.email, "password": PASSWORD})
    return browser.session.get("_auth_user_id") == str(user.pk)


def link_in(message) -> str:
    return re.search(r"https?://[^\s\"<]+", message.body).group(0).split("testserver", 1)[1]


def listed(api, path: str, **params) -> list[dict]:
    return api.get(path, params).json()["results"]


@pytest.fixture
def person(cast, employee_a):
    """Bank A's employee with an enrolment and a certificate, logged in on a phone."""
    training.do_enrol(trainee=employee_a.user, cohort=CohortFactory())
    CertificateFactory(trainee=employee_a.user)
    return employee_a.user


def test_the_person_who_left_keeps_their_account_and_records(cast, employee_a, person):
    phone = Client()
    assert phone.post("/en/accounts/login/", {"username": person.email, "password": PASSWORD}).status_code == 302
    before = cast.api_a.get(f"/api/v1/employees/{employee_a.pk}/").json()

    answer = deactivate(cast.api_a, employee_a.pk)

    assert answer.status_code == 200, answer.content
    person.refresh_from_db()
    assert person.is_active and can_log_in(person)
    assert phone.get("/en/certificates/").status_code == 200  # their session goes on
    own = TraineeProfile.objects.get(user=person)
    assert own.pk != employee_a.pk and own.employer is None and own.employee_number == ""
    assert own.registered_by == employee_a.registered_by  # the institution that registered them still sees them
    assert person.enrolments.count() == 1 and person.certificates.count() == 1
    # The bank's row: the same id, number and fields, deactivated, changed for a sync.
    row = answer.json()
    assert row == cast.api_a.get(f"/api/v1/employees/{employee_a.pk}/").json()
    assert {**row, "is_active": True, "updated_at": before["updated_at"]} == before
    assert row["is_active"] is False and row["updated_at"] > before["updated_at"]
    assert [e["id"] for e in listed(cast.api_a, "/api/v1/employees/", updated_since=before["updated_at"])] == [
        employee_a.pk
    ]


def test_the_bank_no_longer_sees_or_hears_of_what_the_person_does_next(cast, employee_a):
    """Isolation: after the departure, bank A sees none of the person's records and is told of nothing new."""
    person = employee_a.user
    register = cast.api_a.post(
        "/api/v1/webhooks/",
        {"url": "https://hr.alpha.example/hook", "events": ["enrollment.status_changed", "certificate.issued"]},
        format="json",
    )
    assert register.status_code == 201, register.content
    deactivate(cast.api_a, employee_a.pk)
    told = WebhookDelivery.objects.count()

    later = training.do_enrol(trainee=person, cohort=CohortFactory())
    CertificateFactory(trainee=person)

    for path in ("/api/v1/enrollments/", "/api/v1/certificates/", "/api/v1/exam-results/"):
        assert listed(cast.api_a, path) == [], path
        assert listed(cast.api_a, path, employee=employee_a.pk) == [], path
    assert WebhookDelivery.objects.count() == told
    assert later.trainee_id == person.pk
    # Nor can the bank enrol the row it kept: it is deactivated.
    refused = cast.api_a.post(
        "/api/v1/enrollments/", {"employee": employee_a.pk, "cohort": CohortFactory().pk}, format="json"
    )
    assert assert_problem(refused, 409)["type"].endswith("/trainee_inactive")


def test_the_grade_ends_once_the_departure_commits(cast, employee_a, django_capture_on_commit_callbacks):
    ManagerGrade.objects.create(
        employer=cast.hr_a.employer, employee=employee_a, manager_class="personal", level="junior"
    )
    with django_capture_on_commit_callbacks(execute=True):
        deactivate(cast.api_a, employee_a.pk)
    assert not ManagerGrade.objects.filter(employee=employee_a).exists()
    assert ManagerGrade.with_ended.get(employee=employee_a).ended_at is not None


def test_reactivation_brings_the_person_back_to_the_bank(cast, employee_a, person):
    deactivate(cast.api_a, employee_a.pk)
    deactivated = cast.api_a.get(f"/api/v1/employees/{employee_a.pk}/").json()

    answer = reactivate(cast.api_a, employee_a.pk)

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["id"] == employee_a.pk and body["is_active"] is True and body["email"] == person.email
    assert body["updated_at"] > deactivated["updated_at"]
    assert TraineeProfile.objects.get(user=person).pk == employee_a.pk  # the self-funded profile merged back
    assert TraineeProfile.objects.filter(employer=None, user=person).count() == 0
    assert User.objects.filter(email__endswith="@stand-in.invalid").count() == 0  # the row's stand-in is gone
    assert can_log_in(person)
    assert len(listed(cast.api_a, "/api/v1/enrollments/")) == 1
    assert len(listed(cast.api_a, "/api/v1/certificates/")) == 1
    again = reactivate(cast.api_a, employee_a.pk)
    assert again.status_code == 200 and again.json() == body  # nothing changes twice


def test_an_address_given_while_they_were_away_is_asked_of_them_when_they_come_back(
    cast, employee_a, person, django_capture_on_commit_callbacks
):
    deactivate(cast.api_a, employee_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        patched = cast.api_a.patch(
            f"/api/v1/employees/{employee_a.pk}/", {"email": "chen.new@bank-alpha.example"}, format="json"
        )
    assert patched.status_code == 200, patched.content
    assert patched.json()["pending_email"] == "chen.new@bank-alpha.example"
    assert User.objects.get(pk=person.pk).email == "trainee01@demo.test" and mail.outbox == []
    assert not User.objects.filter(email="chen.new@bank-alpha.example").exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert reactivate(cast.api_a, employee_a.pk).status_code == 200
    assert [m.to for m in mail.outbox] == [[person.email]]  # the confirmation of the change, at their log-in


def test_a_person_who_joined_another_bank_since_is_not_reactivated(
    cast, employee_a, person, django_capture_on_commit_callbacks
):
    deactivate(cast.api_a, employee_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        at_b = cast.api_b.post(
            "/api/v1/employees/",
            {"employee_number": "B-1", "email": person.email, "display_name": "陳怡君"},
            format="json",
        ).json()["id"]
    web = Client()
    web.force_login(person)
    assert web.post(link_in(mail.outbox[-1])).status_code == 200
    assert TraineeProfile.objects.get(user=person).pk == at_b

    body = assert_problem(reactivate(cast.api_a, employee_a.pk), 409)

    assert body["type"].endswith("/employee_moved")
    assert TraineeProfile.objects.get(user=person).pk == at_b
    assert listed(cast.api_a, "/api/v1/enrollments/") == []
    assert len(listed(cast.api_b, "/api/v1/enrollments/")) == 1


def test_a_person_whose_account_is_gone_is_not_reactivated(cast, employee_a):
    deactivate(cast.api_a, employee_a.pk)
    User.objects.get(pk=employee_a.user_id).delete()  # the program office deleted the account (it held no records)

    body = assert_problem(reactivate(cast.api_a, employee_a.pk), 409)

    assert body["type"].endswith("/account_deleted")
    row = cast.api_a.get(f"/api/v1/employees/{employee_a.pk}/").json()
    assert row["is_active"] is False and row["email"] == "trainee01@demo.test"


def test_the_program_offices_deactivation_of_the_account_stays_one(cast, employee_a, program_office):
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = program_office
    bound = audit.bind_request(request)
    try:
        user = User.objects.get(pk=employee_a.user_id)
        user.is_active = False
        user.save()
    finally:
        audit.unbind_request(bound)
    row = cast.api_a.get(f"/api/v1/employees/{employee_a.pk}/").json()
    assert row["is_active"] is False
    assert TraineeProfile.objects.get(pk=employee_a.pk).user_id == user.pk  # the person's own account, off
    assert assert_problem(reactivate(cast.api_a, employee_a.pk), 409)["type"].endswith("/deactivated_by_program_office")
    # Switched on again in the user admin, the employee is active and no reason is left on the row.
    user.is_active = True
    user.save()
    assert TraineeProfile.objects.get(pk=employee_a.pk).deactivated_by == ""


def test_a_deactivation_after_the_person_left_changes_nothing(cast, employee_a, person):
    first = deactivate(cast.api_a, employee_a.pk).json()
    again = deactivate(cast.api_a, employee_a.pk)
    assert again.status_code == 200 and again.json() == first
    assert TraineeProfile.objects.filter(user=person).count() == 1


# --- registering again someone who moved away ------------------------------------------------------------


@pytest.fixture
def moved(cast, django_capture_on_commit_callbacks):
    """Bank A's A-0001, who moved to bank B (confirmed the link): bank A's row is left behind, deactivated."""
    at_a = TraineeProfileFactory(
        employer=cast.hr_a.employer, employee_number="A-0001", user__email="mover@bank.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        cast.api_b.post(
            "/api/v1/employees/",
            {"employee_number": "B-1", "email": "mover@bank.example", "display_name": "周杰"},
            format="json",
        )
    web = Client()
    web.force_login(at_a.user)
    assert web.post(link_in(mail.outbox[-1])).status_code == 200
    mail.outbox.clear()
    return at_a


def test_the_bank_registers_again_under_the_old_number_someone_who_moved_away(
    cast, moved, django_capture_on_commit_callbacks
):
    person = User.objects.get(email="mover@bank.example")
    assert_problem(reactivate(cast.api_a, moved.pk), 409)  # reactivating is refused: registering again is the way
    back = {"employee_number": "a-0001", "email": "Mover@Bank.example", "display_name": "周杰", "branch": "板橋分行"}

    with django_capture_on_commit_callbacks(execute=True):
        answer = cast.api_a.post("/api/v1/employees/", back, format="json")

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["id"] == moved.pk and answer["Location"] == f"/api/v1/employees/{moved.pk}/"
    assert body["is_active"] is True and body["email"] == "mover@bank.example" and body["branch"] == "板橋分行"
    # Until the person agrees, the row is a placeholder: bank A sees nothing of them, bank B keeps them.
    assert listed(cast.api_a, "/api/v1/certificates/") == []
    assert TraineeProfile.objects.get(user=person).employer == cast.hr_b.employer
    (asked,) = mail.outbox
    assert asked.to == ["mover@bank.example"]
    web = Client()
    web.force_login(person)
    assert web.post(link_in(asked)).status_code == 200
    assert TraineeProfile.objects.get(user=person).pk == moved.pk  # back on bank A's row
    assert (
        cast.api_b.get(f"/api/v1/employees/{TraineeProfile.objects.get(employee_number='B-1').pk}/").json()["is_active"]
        is False
    )


def test_the_address_of_a_row_left_behind_blocks_no_registration_under_another_number(
    cast, moved, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = cast.api_a.post(
            "/api/v1/employees/",
            {"employee_number": "A-0777", "email": "mover@bank.example", "display_name": "周杰"},
            format="json",
        )
    assert answer.status_code == 201, answer.content
    assert answer.json()["id"] != moved.pk
    assert [m.to for m in mail.outbox] == [["mover@bank.example"]]
    left = cast.api_a.get(f"/api/v1/employees/{moved.pk}/").json()
    assert left["is_active"] is False and left["employee_number"] == "A-0001"


def test_a_number_reused_for_someone_new_registers_them_on_the_row(cast, moved, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = cast.api_a.post(
            "/api/v1/employees/",
            {"employee_number": "A-0001", "email": "newcomer@bank-alpha.example", "display_name": "林新人"},
            format="json",
        )
    assert answer.status_code == 201, answer.content
    assert answer.json()["id"] == moved.pk and answer.json()["display_name"] == "林新人"
    newcomer = User.objects.get(email="newcomer@bank-alpha.example")
    assert newcomer.is_active and TraineeProfile.objects.get(user=newcomer).pk == moved.pk
    assert [m.to for m in mail.outbox] == [["newcomer@bank-alpha.example"]]  # the welcome


def test_a_bulk_roster_still_listing_the_mover_changes_nothing(cast, moved):
    item = {"employee_number": "A-0001", "email": "mover@bank.example", "display_name": moved.user.display_name}
    answer = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [item]}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["unchanged"] == 1 and answer.json()["employees"][0]["is_active"] is False


def test_a_departed_employees_number_is_still_refused_reactivation_is_the_way(cast, employee_a, person):
    deactivate(cast.api_a, employee_a.pk)
    again = {"employee_number": employee_a.employee_number, "email": person.email, "display_name": "陳怡君"}
    assert assert_problem(cast.api_a.post("/api/v1/employees/", again, format="json"), 409)["type"].endswith(
        "/employee_number_taken"
    )
    other_number = {**again, "employee_number": "A-0999"}
    assert assert_problem(cast.api_a.post("/api/v1/employees/", other_number, format="json"), 409)["type"].endswith(
        "/email_taken"
    )


def test_the_schema_documents_the_new_refusal_and_the_departure(cast):
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    reactivate_op = schema["paths"]["/api/v1/employees/{id}/reactivate/"]["post"]
    assert "`account_deleted`" in reactivate_op["responses"]["409"]["description"]
    assert "`employee_moved`" in reactivate_op["responses"]["409"]["description"]
    deactivate_op = schema["paths"]["/api/v1/employees/{id}/deactivate/"]["post"]
    assert "keeps their own account" in deactivate_op["description"]
    assert "registers them again" in schema["paths"]["/api/v1/employees/"]["post"]["description"]
    assert "account_deleted" in Client().get("/api/v1/problems/").content.decode()
