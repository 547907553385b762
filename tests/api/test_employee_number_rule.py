"""The API takes an employee number by the rule the admin and the imports use (accounts.identifiers
.clean_employee_number): letters and digits with - _ . / between them. Junk a spreadsheet or a typo makes is a
400 naming the field, in the requester's language, and nothing is written."""

import pytest

from accounts.models import TraineeProfile

from .conftest import assert_problem

NEW = {"employee_number": "A-1001", "email": "chen@bank.example", "display_name": "陳怡君"}


@pytest.mark.parametrize("number", ["A 3007 !!", "A-1001-", "2026-01-05 00:00:00", "#1001"])
def test_a_new_employee_with_a_junk_number_is_refused(cast, number):
    response = cast.api_a.post("/api/v1/employees/", {**NEW, "employee_number": number}, format="json")
    errors = {e["field"]: e for e in assert_problem(response, 400)["errors"]}
    assert errors["employee_number"]["code"] == "employee_number" and number in errors["employee_number"]["message"]
    assert "不是員工編號" in errors["employee_number"]["message"]
    assert not TraineeProfile.objects.exists()


def test_the_refusal_is_english_for_an_english_request(cast):
    response = cast.api_a.post(
        "/api/v1/employees/", {**NEW, "employee_number": "A 1"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    error = {e["field"]: e for e in assert_problem(response, 400)["errors"]}["employee_number"]
    assert error["message"].startswith("“A 1” is not an employee number")


def test_a_bulk_upsert_with_a_junk_number_writes_nothing(cast):
    items = [{**NEW, "employee_number": "A-0001"}, {**NEW, "employee_number": "B 2", "email": "b@bank.example"}]
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": items}, format="json")
    errors = {e["field"] for e in assert_problem(response, 400)["errors"]}
    assert errors == {"employees[1].employee_number"} and not TraineeProfile.objects.exists()


def test_numbers_of_any_script_and_full_width_are_taken(cast):
    taken = [("Ä-1001", "a@bank.example"), ("ＡＢ－１２", "b@bank.example"), ("台北.07/3", "c@bank.example")]
    for number, email in taken:
        body = {**NEW, "employee_number": number, "email": email}
        assert cast.api_a.post("/api/v1/employees/", body, format="json").status_code == 201, number
    assert TraineeProfile.objects.filter(employee_number="AB-12").exists()
