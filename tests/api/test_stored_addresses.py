"""An address stored before the mixed-scripts rule, sent back unchanged, is taken (an integrator's report: a bank's
nightly full roster re-sends every employee's address, and one stored before the rule made the whole batch a 400):
a PATCH of that employee or a bulk item with its number may repeat it, in either spelling, and nothing changes.
Any other address still meets the rule: a new one for that employee, the same one for another employee."""

import pytest

from accounts.identifiers import normalize_email
from accounts.models import TraineeProfile, User

from .conftest import assert_problem

LOOK_ALIKE = "chen@bаnk-alpha.example"  # a Cyrillic а among Latin letters
STORED = normalize_email(LOOK_ALIKE)  # its ASCII form, as it was stored before the rule


@pytest.fixture
def stored_before_the_rule(employee_a):
    User.objects.filter(pk=employee_a.user_id).update(email=STORED)
    employee_a.refresh_from_db()
    return employee_a


def codes(response, status=400) -> dict[str, str]:
    return {e["field"]: e["code"] for e in assert_problem(response, status)["errors"]}


@pytest.mark.parametrize("sent", [LOOK_ALIKE, STORED, LOOK_ALIKE.upper()])
def test_a_patch_sending_the_stored_address_back_is_taken_and_changes_nothing(cast, stored_before_the_rule, sent):
    profile = stored_before_the_rule
    before = profile.updated_at
    response = cast.api_a.patch(f"/api/v1/employees/{profile.pk}/", {"email": sent, "branch": profile.branch},
                                format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["email"] == STORED
    profile.refresh_from_db()
    assert (profile.user.email, profile.pending_email, profile.updated_at) == (STORED, "", before)


def test_a_bulk_roster_sending_the_stored_address_back_is_unchanged(cast, stored_before_the_rule):
    profile = stored_before_the_rule
    item = {"employee_number": profile.employee_number, "email": LOOK_ALIKE, "display_name": profile.user.display_name}
    new = {"employee_number": "A-0900", "email": "lin@bank-alpha.example", "display_name": "林"}
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [item, new]}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["created"], response.json()["unchanged"]) == (1, 1)
    profile.refresh_from_db()
    assert profile.user.email == STORED


def test_a_new_address_that_mixes_scripts_is_still_refused(cast, stored_before_the_rule):
    profile = stored_before_the_rule
    response = cast.api_a.patch(f"/api/v1/employees/{profile.pk}/", {"email": "wang@bаnk-alpha.example"},
                                format="json")  # fmt: skip
    assert codes(response) == {"email": "mixed_scripts"}
    item = {"employee_number": profile.employee_number, "email": "wang@bаnk-alpha.example"}
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [item]}, format="json")
    assert codes(response) == {"employees[0].email": "mixed_scripts"}


def test_the_stored_address_is_only_that_employees_to_send_back(cast, stored_before_the_rule):
    """Another employee, or a new one, sending the address meets the rule (a bulk item is matched by its number)."""
    other = {"employee_number": "A-0901", "email": LOOK_ALIKE, "display_name": "王"}
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [other]}, format="json")
    assert codes(response) == {"employees[0].email": "mixed_scripts"}
    response = cast.api_a.post("/api/v1/employees/", other, format="json")
    assert codes(response) == {"email": "mixed_scripts"}
    assert not TraineeProfile.objects.filter(employee_number="A-0901").exists()


def test_another_banks_employee_is_not_found_whatever_the_address(cast, employee_b):
    response = cast.api_a.patch(f"/api/v1/employees/{employee_b.pk}/", {"email": LOOK_ALIKE}, format="json")
    assert_problem(response, 404)
