"""A person moves banks (issue 15, item 5): no answer tells an employer about another's staff.

Bank B registers an address that bank A's employee uses: the answer, the list and the detail are
those of any new employee; the person is mailed a link and only their consent moves their record.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts import employees as services
from accounts.models import TraineeProfile, User
from courses import services as training
from courses.models import Enrolment
from tests.factories import CertificateFactory, CohortFactory, TraineeProfileFactory

PASSWORD = "correct-horse-battery-staple"
# Headers that differ between any two answers (time, the request's own id, where the new row is).
VARYING_HEADERS = {"Date", "X-Request-ID", "Location", "Content-Length"}


def link_in(message) -> str:
    return re.search(r"https?://[^\s\"<]+", message.body).group(0).split("testserver", 1)[1]


@pytest.fixture
def person_at_a(cast):
    """Bank A's employee who uses the portal: an enrolment and a certificate, English mail."""
    profile = TraineeProfileFactory(
        employer=cast.hr_a.employer, employee_number="A-0001",
        user__email="mover@bank.example", user__preferred_language="en",
    )  # fmt: skip
    training.do_enrol(trainee=profile.user, cohort=CohortFactory())
    CertificateFactory(trainee=profile.user)
    return profile


def create(api, number: str, email: str, **extra):
    return api.post(
        "/api/v1/employees/",
        {"employee_number": number, "email": email, "display_name": "周杰", "branch": "信義分行", **extra},
        format="json",
    )


def comparable(response) -> tuple:
    """Everything of an answer that does not vary between two creates: status, headers, body shape."""
    body = response.json()
    headers = {k: v for k, v in response.headers.items() if k not in VARYING_HEADERS}
    same_values = {k: v for k, v in body.items() if k not in ("id", "employee_number", "email", "updated_at")}
    return response.status_code, headers, sorted(body), same_values


def test_registering_another_employers_employee_answers_like_a_new_address(
    cast, person_at_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = create(cast.api_b, "B-1", "Mover@Bank.example")
        fresh = create(cast.api_b, "B-2", "nobody@bank.example")
    assert taken.status_code == 201, taken.content
    assert comparable(taken) == comparable(fresh)
    assert taken.json()["email"] == "mover@bank.example" and taken.json()["is_active"] is True
    assert taken.json()["pending_email"] == ""
    assert taken["Location"] == f"/api/v1/employees/{taken.json()['id']}/"
    # The list and the detail show it as any new employee (same fields, same values apart from the address).
    listed = {e["employee_number"]: e for e in cast.api_b.get("/api/v1/employees/").json()["results"]}
    assert set(listed) == {"B-1", "B-2"}
    detail = cast.api_b.get(f"/api/v1/employees/{taken.json()['id']}/")
    assert detail.json() == listed["B-1"] == {**taken.json(), "updated_at": detail.json()["updated_at"]}
    # The person's own account is untouched: still A's, same log-in.
    person_at_a.refresh_from_db()
    assert person_at_a.employer == cast.hr_a.employer
    assert person_at_a.user.check_password(PASSWORD)


def test_a_pending_employee_shows_none_of_the_persons_history(cast, person_at_a):
    employee = create(cast.api_b, "B-1", "mover@bank.example").json()["id"]
    for path in ("/api/v1/enrollments/", "/api/v1/exam-results/", "/api/v1/certificates/"):
        assert cast.api_b.get(path).json()["results"] == [], path
        assert cast.api_b.get(f"{path}?employee={employee}").json()["results"] == [], path
    assert len(cast.api_a.get("/api/v1/enrollments/").json()["results"]) == 1
    assert len(cast.api_a.get("/api/v1/certificates/").json()["results"]) == 1
    # The placeholder is an account of its own that nobody can log in to or reset.
    stand_in = TraineeProfile.objects.get(pk=employee).user
    assert stand_in != person_at_a.user and not stand_in.has_usable_password()
    assert stand_in.email.endswith("@stand-in.invalid")


def test_the_owner_confirms_by_mail_and_the_record_moves_to_the_new_employer(
    cast, person_at_a, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    with django_capture_on_commit_callbacks(execute=True):
        employee = create(cast.api_b, "B-1", "mover@bank.example").json()["id"]
    # What bank B did for the pending employee becomes the person's.
    assert (
        cast.api_b.post("/api/v1/enrollments/", {"employee": employee, "cohort": cohort.pk}, format="json").status_code
        == 201
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mover@bank.example"]
    assert message.subject == f"{cast.hr_b.employer.name_en} registered you as its employee"  # English speaker
    assert message.alternatives[0][1] == "text/html"
    web = Client()
    web.force_login(person_at_a.user)  # the link answers its owner only, signed in
    page = web.get(link_in(message))
    assert page.status_code == 200 and cast.hr_b.employer.name_en in page.content.decode()
    assert TraineeProfile.objects.get(pk=employee).listed_email == "mover@bank.example"  # a GET changes nothing
    assert web.post(link_in(message)).status_code == 200

    moved = cast.api_b.get(f"/api/v1/employees/{employee}/").json()
    assert moved["id"] == employee and moved["email"] == "mover@bank.example" and moved["is_active"] is True
    assert len(cast.api_b.get("/api/v1/enrollments/").json()["results"]) == 2
    assert len(cast.api_b.get("/api/v1/certificates/").json()["results"]) == 1
    # Bank A keeps its row, deactivated, and sees nothing of the person any more.
    left = cast.api_a.get(f"/api/v1/employees/{person_at_a.pk}/").json()
    assert left["is_active"] is False and left["email"] == "mover@bank.example"
    assert cast.api_a.get("/api/v1/enrollments/").json()["results"] == []
    assert cast.api_a.get("/api/v1/certificates/").json()["results"] == []
    person = User.objects.get(email="mover@bank.example")
    assert person.is_active and person.check_password(PASSWORD)
    assert person.trainee_profile.pk == employee
    assert Enrolment.objects.filter(trainee=person).count() == 2
    # Single use.
    assert web.post(link_in(message)).status_code == 400


def test_the_link_is_refused_when_forged_expired_or_withdrawn(cast, person_at_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        employee = create(cast.api_b, "B-1", "mover@bank.example").json()["id"]
    link = link_in(mail.outbox[0])
    web = Client()
    assert web.post(link[:-4] + "xyz/").status_code == 400  # forged
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "LINK_MAX_AGE", -1)
        assert web.post(link).status_code == 400  # expired
    # The bank deactivates the pending employee: the request is withdrawn.
    assert cast.api_b.post(f"/api/v1/employees/{employee}/deactivate/").status_code == 200
    assert web.post(link).status_code == 400
    assert TraineeProfile.objects.get(user__email="mover@bank.example").employer == cast.hr_a.employer


def test_no_mail_goes_to_a_staff_account_and_the_answer_is_still_the_same(
    cast, institution_grader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = create(cast.api_b, "B-1", institution_grader.email)
        fresh = create(cast.api_b, "B-2", "nobody@bank.example")
    assert comparable(taken) == comparable(fresh)
    # Nothing to the staff account; the fresh address is a new person's, mailed their welcome (accounts.employees).
    assert [m.to for m in mail.outbox] == [["nobody@bank.example"]]


def test_bulk_upsert_treats_a_taken_address_like_a_fresh_one(cast, person_at_a, django_capture_on_commit_callbacks):
    items = [
        {"employee_number": "B-1", "email": "mover@bank.example", "display_name": "周杰"},
        {"employee_number": "B-2", "email": "nobody@bank.example", "display_name": "周杰"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.api_b.post("/api/v1/employees/bulk/", {"employees": items}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 2 and body["updated"] == 0
    first, second = body["employees"]
    assert first["email"] == "mover@bank.example" and second["email"] == "nobody@bank.example"
    assert sorted(first) == sorted(second)
    # The owner of the address in use is asked to move; the new person at the fresh one is welcomed.
    asked, welcomed = sorted(mail.outbox, key=lambda m: m.to != ["mover@bank.example"])
    assert asked.to == ["mover@bank.example"] and "/accounts/employment/" in asked.body
    assert welcomed.to == ["nobody@bank.example"] and "/accounts/password/reset/" in welcomed.body
    assert cast.api_b.get("/api/v1/enrollments/").json()["results"] == []


def test_the_same_employers_own_employee_is_the_only_conflict(cast, person_at_a):
    taken = create(cast.api_a, "A-2", "mover@bank.example")
    assert taken.status_code == 409 and taken.json()["type"].endswith("email_taken")
    items = [{"employee_number": "A-2", "email": "mover@bank.example", "display_name": "周杰"}]
    refused = cast.api_a.post("/api/v1/employees/bulk/", {"employees": items}, format="json")
    # 409 as for one employee: the batch fits the schema, the employer's rows refuse it (issue 15, item 10)
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "employees[0].email"


def test_an_address_registered_meanwhile_by_another_request_still_answers_201(cast, person_at_a, monkeypatch):
    real = services.owned_addresses
    calls = []

    def stale_first(emails, **kwargs):  # the first look happens before the other request commits
        calls.append(emails)
        return set() if len(calls) == 1 else real(emails, **kwargs)

    monkeypatch.setattr(services, "owned_addresses", stale_first)
    response = create(cast.api_b, "B-1", "mover@bank.example")
    assert response.status_code == 201, response.content
    assert TraineeProfile.objects.get(pk=response.json()["id"]).listed_email == "mover@bank.example"
