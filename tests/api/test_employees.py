"""Employees: create, update, bulk upsert (all or nothing), deactivate; idempotent retries."""

import pytest
from django.test import Client

from accounts.models import TraineeProfile, User, UserSession
from tests.factories import TraineeProfileFactory

from .conftest import assert_problem

NEW = {"employee_number": "A-1001", "email": "Chen@Bank.example", "display_name": "陳怡君", "branch": "信義分行"}


def test_it_registers_an_employee_of_the_clients_employer(cast):
    response = cast.api_a.post("/api/v1/employees/", NEW, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "chen@bank.example"
    profile = TraineeProfile.objects.get(pk=body["id"])
    assert profile.employer == cast.hr_a.employer
    assert not profile.user.has_usable_password()
    assert response["Location"] == f"/api/v1/employees/{profile.pk}/"


def test_a_retried_create_with_the_same_key_creates_nothing_new(cast):
    first = cast.api_a.post("/api/v1/employees/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = cast.api_a.post("/api/v1/employees/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert TraineeProfile.objects.count() == 1


def test_a_key_reused_for_another_body_is_a_conflict(cast):
    cast.api_a.post("/api/v1/employees/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = {**NEW, "employee_number": "A-1002", "email": "other@bank.example"}
    assert_problem(cast.api_a.post("/api/v1/employees/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1"), 409)
    assert TraineeProfile.objects.count() == 1


def test_the_same_key_of_another_client_is_another_request(cast):
    cast.api_a.post("/api/v1/employees/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = {**NEW, "email": "b@bank.example"}
    assert cast.api_b.post("/api/v1/employees/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201


def test_it_refuses_a_taken_employee_number_or_its_own_employees_address_with_409(cast, employee_a):
    # Another account's address is no conflict (issue 15, tests/api/test_employees_moving.py).
    taken_number = {**NEW, "employee_number": employee_a.employee_number}
    assert_problem(cast.api_a.post("/api/v1/employees/", taken_number, format="json"), 409)
    body = assert_problem(
        cast.api_a.post("/api/v1/employees/", {**NEW, "email": employee_a.user.email}, format="json"), 409
    )
    assert body["type"].endswith("email_taken")


def test_it_updates_an_employee(cast, employee_a):
    response = cast.api_a.patch(
        f"/api/v1/employees/{employee_a.pk}/", {"branch": "板橋分行", "display_name": "林小華"}, format="json"
    )
    assert response.status_code == 200, response.content
    employee_a.refresh_from_db()
    assert employee_a.branch == "板橋分行" and employee_a.user.display_name == "林小華"


def test_another_employers_employee_is_not_found(cast, employee_b):
    branch = employee_b.branch
    assert_problem(cast.api_a.get(f"/api/v1/employees/{employee_b.pk}/"), 404)
    assert_problem(cast.api_a.patch(f"/api/v1/employees/{employee_b.pk}/", {"branch": "x"}, format="json"), 404)
    assert_problem(cast.api_a.post(f"/api/v1/employees/{employee_b.pk}/deactivate/"), 404)
    assert cast.api_a.get("/api/v1/employees/").json()["results"] == []
    employee_b.refresh_from_db()
    assert employee_b.branch == branch and employee_b.user.is_active


def test_bulk_upsert_creates_and_updates_by_employee_number(cast, employee_a):
    items = [
        {"employee_number": employee_a.employee_number, "branch": "新竹分行"},
        {"employee_number": "A-0002", "email": "two@bank.example", "display_name": "二號"},
    ]
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": items}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["created"], response.json()["updated"]) == (1, 1)
    employee_a.refresh_from_db()
    assert employee_a.branch == "新竹分行"
    assert TraineeProfile.objects.filter(employer=cast.hr_a.employer).count() == 2


def test_bulk_upsert_writes_nothing_when_one_item_is_bad_and_names_each(cast, employee_b):
    TraineeProfileFactory(employer=cast.hr_a.employer, employee_number="A-0009", user__email="taken@bank.example")
    items = [
        {"employee_number": "A-0002", "email": "ok@bank.example", "display_name": "好"},
        {"employee_number": "A-0003", "email": "taken@bank.example", "display_name": "重複"},
        {"employee_number": "A-0004", "display_name": "沒有信箱"},
        {"employee_number": "A-0002", "email": "dup@bank.example", "display_name": "重號"},
    ]
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": items}, format="json")
    body = assert_problem(response, 409)  # the batch fits the schema; the rows refuse it (issue 15, item 10)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"employees[1].email", "employees[2].email", "employees[3].employee_number"}
    assert list(
        TraineeProfile.objects.filter(employer=cast.hr_a.employer).values_list("employee_number", flat=True)
    ) == ["A-0009"]


def test_bulk_upsert_refuses_more_than_500(cast):
    items = [{"employee_number": f"N{i}", "email": f"p{i}@bank.example", "display_name": "x"} for i in range(501)]
    assert_problem(cast.api_a.post("/api/v1/employees/bulk/", {"employees": items}, format="json"), 400)
    assert not TraineeProfile.objects.exists()


def test_bulk_upsert_cannot_touch_another_employers_number(cast, employee_b):
    """Bank B's employee number is, for bank A, a new number; bank B's row stays as it was."""
    items = [{"employee_number": employee_b.employee_number, "email": "new@bank.example", "display_name": "新人"}]
    assert cast.api_a.post("/api/v1/employees/bulk/", {"employees": items}, format="json").status_code == 200
    employee_b.refresh_from_db()
    assert employee_b.user.display_name != "新人"


def test_deactivating_ends_the_employment_not_the_persons_sessions(
    cast, employee_a, django_capture_on_commit_callbacks
):
    """The sessions are the person's, on their own account, which the employer's deactivation leaves them; the
    bank's row is left on an inactive placeholder that never had a session."""
    browser = Client()
    browser.force_login(employee_a.user)
    assert UserSession.objects.filter(user=employee_a.user).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.api_a.post(f"/api/v1/employees/{employee_a.pk}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert User.objects.get(pk=employee_a.user_id).is_active
    assert UserSession.objects.filter(user=employee_a.user).count() == 1
    assert browser.get("/en/accounts/profile/").status_code == 200  # still logged in
    placeholder = TraineeProfile.objects.get(pk=employee_a.pk).user
    assert placeholder != employee_a.user and not placeholder.is_active
    assert not UserSession.objects.filter(user=placeholder).exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(cast, size, django_assert_max_num_queries):
    TraineeProfileFactory.create_batch(size, employer=cast.hr_a.employer)
    with django_assert_max_num_queries(4):
        response = cast.api_a.get("/api/v1/employees/?page_size=100")
    assert len(response.json()["results"]) == size


def test_updated_since_and_the_cursor_walk_every_change_once(cast):
    TraineeProfileFactory.create_batch(5, employer=cast.hr_a.employer)
    seen, url = [], "/api/v1/employees/?page_size=2"
    while url:
        body = cast.api_a.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 5
    last = TraineeProfile.objects.order_by("updated_at").last()
    since = last.updated_at.isoformat()
    rows = cast.api_a.get("/api/v1/employees/", {"updated_since": since}).json()["results"]
    assert [r["id"] for r in rows] == [last.pk]
