"""The HR API compares and stores an employee number in one form (accounts.identifiers): a bank
that sends ``dup-1`` after ``DUP-1`` (or full-width ``ＤＵＰ－１``) names the same employee."""

from accounts.models import TraineeProfile

from .conftest import assert_problem

NEW = {"email": "chen@bank.example", "display_name": "陳怡君"}


def test_a_number_in_another_form_is_the_same_employee(cast):
    response = cast.api_a.post("/api/v1/employees/", {**NEW, "employee_number": "dup-1"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["employee_number"] == "DUP-1"
    for typed in ("DUP-1", "ＤＵＰ－１", " dup-1 "):
        again = {"email": f"other-{len(typed)}@bank.example", "display_name": "林", "employee_number": typed}
        response = cast.api_a.post("/api/v1/employees/", again, format="json")
        assert assert_problem(response, 409)["type"].endswith("employee_number_taken"), typed
    assert list(TraineeProfile.objects.values_list("employee_number", flat=True)) == ["DUP-1"]


def test_a_bulk_row_in_another_form_updates_the_employee(cast):
    cast.api_a.post("/api/v1/employees/", {**NEW, "employee_number": "A-1001"}, format="json")
    response = cast.api_a.post(
        "/api/v1/employees/bulk/", {"employees": [{"employee_number": "ａ-1001", "branch": "信義分行"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 0
    assert list(TraineeProfile.objects.values_list("employee_number", "branch")) == [("A-1001", "信義分行")]
