"""A person's name or a branch that a spreadsheet reads as a formula is refused wherever it comes in (core.text_rules:
``refuse_formula_start``). An outside probe imported trainees named ``=1+2`` and ``+SUM(1+1)`` with the branch
``=cmd|' /C calc'!A0``: all were stored, the welcome mail greeted "+SUM(1+1) 您好" and the name would print on the
certificate. Exports neutralise formulas on their own; a name or branch never starts with = + - @, so it is refused
where typed. A lone dash is no formula (HR systems write it for "no branch") and passes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from accounts.identifiers import clean_employee_number
from accounts.models import TraineeProfile, User
from core.text_rules import refuse_address_in_name, refuse_formula_start
from tests.api.conftest import assert_problem, http
from tests.conftest import PASSWORD
from tests.imports.test_readable_errors import TRAINEE_HEADER, TRAINEES, preview, text_of

pytestmark = pytest.mark.django_db

FORMULAS = ["=1+2", "+SUM(1+1)", "=cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "- 1", "  =1+2",
            "\u3000=1+2", "＝1+2", "＋SUM(1)", "－2+3"]  # fmt: skip
MESSAGE = "Do not start this with =, +, - or @: a spreadsheet would take it for a formula."


@pytest.mark.parametrize("text", FORMULAS)
def test_it_refuses_a_text_a_spreadsheet_reads_as_a_formula(text):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        refuse_formula_start(text)
    assert refused.value.code == "formula_start"
    with translation.override("en"):
        assert refused.value.messages == [MESSAGE]


@pytest.mark.parametrize(
    "text", ["", "-", " - ", "－", "陳怡君", "O'Brien-Lin", "Mary-Ann Lin", "台北分行 - 信義", "1+1=2"]
)
def test_it_takes_names_branches_and_a_lone_dash(text):
    refuse_formula_start(text)


@pytest.mark.parametrize("name", ["=1+2", "+SUM(1+1)", "-Lin", "＝1+2"])
def test_a_persons_name_is_refused_by_the_rule_of_names(name):
    with pytest.raises(ValidationError) as refused:
        refuse_address_in_name(name)
    assert refused.value.code == "formula_start"


def test_the_models_name_refuses_it():
    with pytest.raises(ValidationError) as refused:
        User(email="sum@example.test", display_name="+SUM(1+1)").full_clean()
    assert [error.code for error in refused.value.error_dict["display_name"]] == ["formula_start"]


def test_the_models_branch_refuses_it(trainee):
    profile = TraineeProfile.objects.get(user=trainee)
    profile.branch = "=cmd|' /C calc'!A0"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert [error.code for error in refused.value.error_dict["branch"]] == ["formula_start"]


def test_employee_numbers_refuse_it_already():
    for number in ("=1+2", "+1", "-1", "@A", "＝1"):
        with pytest.raises(ValidationError) as refused:
            clean_employee_number(number)
        assert refused.value.code == "employee_number"


def test_sign_up_refuses_it_and_stores_nobody():
    answer = Client().post("/en/accounts/signup/", {
        "display_name": "+SUM(1+1)", "email": "sum@example.test", "password1": PASSWORD, "password2": PASSWORD,
        "preferred_language": "en",
    })  # fmt: skip
    assert answer.status_code in (200, 400) and "a spreadsheet would take it for a formula" in answer.content.decode()
    assert not User.objects.filter(email="sum@example.test").exists()


def test_the_profile_refuses_it(trainee):
    client = Client()
    client.force_login(trainee)
    client.post("/en/accounts/profile/", {"display_name": "=1+2", "preferred_language": "en", "phone": ""})
    trainee.refresh_from_db()
    assert trainee.display_name == "陳怡君"


@pytest.mark.parametrize(("name", "branch", "column"), [("=1+2", "", "display_name"), ("+SUM(1+1)", "", "display_name"),
                                                        ("Chen Lin", "=cmd|' /C calc'!A0", "branch")])  # fmt: skip
def test_the_import_refuses_the_row_under_its_column(alice, name, branch, column):
    response = preview(alice, TRAINEES, TRAINEE_HEADER + f'formula@evil.test,{name},en,,,"{branch}",,\n')
    assert "confirm_form" not in response.context
    assert "a spreadsheet would take it for a formula" in text_of(response.content.decode(), "import-row-errors")
    assert not User.objects.filter(email="formula@evil.test").exists()


@pytest.mark.parametrize(("field", "value"), [("display_name", "=1+2"), ("branch", "=cmd|' /C calc'!A0")])
def test_the_hr_api_refuses_it_naming_the_field(hr_client, field, value):
    body = {"employee_number": "P-1", "email": "formula@evil.test", "display_name": "Chen Lin", field: value}
    response = http(hr_client).post("/api/v1/employees/", body, format="json")
    errors = {e["field"]: e["code"] for e in assert_problem(response, 400)["errors"]}
    assert errors == {field: "formula_start"}
    assert not User.objects.filter(email="formula@evil.test").exists()
