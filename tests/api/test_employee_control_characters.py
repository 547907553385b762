"""Control and format characters (Unicode Cc, Cf) in an employee's number or free text are refused:
by the API (single create, update, bulk upsert: nothing written, the row named), and by the rule the
admin form and the trainee import share (core.text_rules)."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services as accounts_services
from accounts.models import TraineeProfile
from tests.factories import TraineeProfileFactory

from .conftest import assert_problem

NEW = {"employee_number": "A-1001", "email": "chen@bank.example", "display_name": "陳怡君", "branch": "信義分行"}

# Cc: BEL, ESC, DEL, a C1 control, a tab inside the text; Cf: zero-width space, right-to-left
# override, byte-order mark, soft hyphen. Trailing whitespace is trimmed before, so each sits inside.
REFUSED = ["\x07", "\x1b", "\x7f", "\x85", "\t", "\u200b", "\u202e", "\ufeff", "\u00ad"]


def field_errors(body: dict) -> dict[str, dict]:
    """The control-character error of each field (a field may also carry others, e.g. "invalid")."""
    return {e["field"]: e for e in body["errors"] if e["code"] == "control_character"}


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_new_employee_number_with_a_control_character_is_refused(cast, char):
    response = cast.api_a.post("/api/v1/employees/", {**NEW, "employee_number": f"A-10{char}01"}, format="json")
    error = field_errors(assert_problem(response, 400))["employee_number"]
    assert error["message"] == f"請移除看不見的控制字元 U+{ord(char):04X}。"
    assert not TraineeProfile.objects.exists()


@pytest.mark.parametrize("field", ["display_name", "branch", "phone", "email"])
def test_every_free_text_field_of_a_new_employee_refuses_one(cast, field):
    value = {"display_name": "陳\u202e怡君", "branch": "信義\x07分行", "phone": "02\u200b2345",
             "email": "chen@bank\u200b.example"}  # fmt: skip
    response = cast.api_a.post("/api/v1/employees/", {**NEW, field: value[field]}, format="json")
    assert field in field_errors(assert_problem(response, 400))
    assert not TraineeProfile.objects.exists()


def test_the_message_is_english_for_an_english_request(cast):
    response = cast.api_a.post(
        "/api/v1/employees/", {**NEW, "employee_number": "A\x1b1"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    error = field_errors(assert_problem(response, 400))["employee_number"]
    assert error["message"] == "Remove the invisible control character U+001B."


def test_text_of_other_scripts_and_combining_marks_is_accepted(cast):
    # Only Cc and Cf are refused: marks (Mn, as in a decomposed "é"), CJK, other scripts pass.
    body = {**NEW, "employee_number": "Ä-1001", "display_name": "José 陳 Ōta ปิยะ", "branch": "Zürich/蘇黎世"}
    assert cast.api_a.post("/api/v1/employees/", body, format="json").status_code == 201


def test_an_update_with_a_control_character_changes_nothing(cast, employee_a):
    number, branch = employee_a.employee_number, employee_a.branch
    response = cast.api_a.patch(
        f"/api/v1/employees/{employee_a.pk}/", {"branch": "板橋分行", "employee_number": "A-00\r01"}, format="json"
    )
    assert "employee_number" in field_errors(assert_problem(response, 400))
    employee_a.refresh_from_db()
    assert (employee_a.employee_number, employee_a.branch) == (number, branch)


def test_a_bulk_upsert_with_one_bad_row_writes_nothing_and_names_the_row(cast, employee_a):
    before = (employee_a.branch, employee_a.user.display_name)
    items = [
        {"employee_number": employee_a.employee_number, "branch": "板橋分行"},  # an update that must not happen
        {"employee_number": "A-0002", "email": "ok@bank.example", "display_name": "好"},
        {"employee_number": "A-00\u200b03", "email": "bad@bank.example", "display_name": "壞"},
        {"employee_number": "A-0004", "email": "name@bank.example", "display_name": "名\x08字"},
    ]
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": items}, format="json")
    errors = field_errors(assert_problem(response, 400))
    assert set(errors) == {"employees[2].employee_number", "employees[3].display_name"}
    assert errors["employees[2].employee_number"]["message"] == "請移除看不見的控制字元 U+200B。"
    assert list(TraineeProfile.objects.filter(employer=cast.hr_a.employer)) == [employee_a]
    employee_a.refresh_from_db()
    assert (employee_a.branch, employee_a.user.display_name) == before


# --- the shared rule: the model (admin forms) and the trainee import ------------------------


@pytest.mark.django_db
def test_the_model_refuses_a_control_character_in_full_clean():
    profile = TraineeProfileFactory(employee_number="", branch="")
    profile.branch = "信義\x00分行"
    profile.user.display_name = "林\u2066小華"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean(exclude=["user", "employer", "registered_by"])
    assert refused.value.error_dict["branch"][0].code == "control_character"
    with pytest.raises(ValidationError) as refused:
        profile.user.full_clean(exclude=["password"])
    assert refused.value.error_dict["display_name"][0].code == "control_character"


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["email", "display_name", "employee_number", "branch", "phone"])
def test_a_trainee_import_row_with_a_control_character_is_refused_by_column(column, employer):
    row = {"email": "lin@bank.example", "display_name": "林小華", "employer": employer.code,
           "employee_number": "X-1", "branch": "信義分行", "phone": "0223456789"}  # fmt: skip
    row[column] = row[column][:3] + "\u200b" + row[column][3:]
    with pytest.raises(accounts_services.AccountError) as refused:
        accounts_services.check_trainee_row(values=row, institution=None)
    assert refused.value.field == column
    assert str(refused.value) == "請移除看不見的控制字元 U+200B。"
