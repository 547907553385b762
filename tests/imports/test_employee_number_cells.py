"""An employee number holds what banks write in one: letters and digits, with - _ . / between them. An Excel date
cell or junk (``A 3007 !!``) is refused, naming the cell's value, wherever a number is entered: the trainee and
enrolment imports, the admin's form and model validation (accounts.identifiers.clean_employee_number)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.identifiers import clean_employee_number
from accounts.models import TraineeProfile, User
from tests.conftest import in_english
from tests.factories import CohortFactory, TraineeProfileFactory
from tests.imports.rows import preview, xlsx_upload

pytestmark = pytest.mark.django_db

HEADER = ["email", "display_name", "preferred_language", "employer", "employee_number"]


def refusals(response) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in response.context["result"].invalid_rows}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("a-1001", "A-1001"),
        ("Ａ－１００１", "A-1001"),
        (" e.01/2_b ", "E.01/2_B"),
        ("台北-7", "台北-7"),
        (1001, "1001"),
        ("", ""),
    ],
)
def test_a_number_of_letters_digits_and_separators_is_stored_in_one_form(typed, stored):
    assert clean_employee_number(typed) == stored


@pytest.mark.parametrize("typed", ["A 3007 !!", "A 3007", "A!1", "-A1", "A1/", "E#1", "A" * 51])
def test_anything_else_is_refused_naming_what_was_typed(typed):
    with pytest.raises(ValidationError) as refused:
        clean_employee_number(typed)
    if len(typed) <= 50:
        assert refused.value.code == "employee_number"
        assert typed in refused.value.messages[0]


def test_a_date_cell_is_refused_saying_the_column_must_be_text():
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        clean_employee_number(datetime.datetime(2026, 1, 5))
    assert refused.value.code == "date_cell"
    with translation.override("en"):
        message = refused.value.messages[0]
    assert "2026-01-05" in message and "00:00" not in message and "Format the column as text" in message
    with translation.override("zh-hant"):
        assert "格式設為文字" in refused.value.messages[0]


def test_an_xlsx_date_cell_in_the_number_column_refuses_the_row(alice, employer):
    upload = xlsx_upload([HEADER, ["ann@example.test", "Ann", "en", "bank-a", datetime.datetime(2026, 1, 5)]])
    response = preview(alice, "/en/admin/accounts/traineeprofile/import/", upload)
    assert "confirm_form" not in response.context
    [message] = refusals(response)[2]["employee_number"]
    assert "(2026-01-05)" in message and "Format the column as text in Excel" in message
    assert not User.objects.filter(email="ann@example.test").exists()


def test_junk_in_the_number_column_refuses_the_row_naming_it(alice, employer):
    text = ",".join(HEADER) + "\nann@example.test,Ann,en,bank-a,A 3007 !!\n"
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    response = preview(alice, "/en/admin/accounts/traineeprofile/import/", upload)
    assert "confirm_form" not in response.context
    assert list(refusals(response)[2]) == ["employee_number"]  # said once, for its column
    assert "“A 3007 !!” is not an employee number" in response.content.decode()


def test_the_enrolment_import_refuses_a_date_cell_too(alice, institution, employer):
    CohortFactory(institution=institution, code="A-1")
    rows = [[*HEADER, "cohort"], ["ann@example.test", "Ann", "en", "bank-a", datetime.date(2026, 1, 5), "A-1"]]
    response = preview(alice, "/en/admin/courses/enrolment/import/", xlsx_upload(rows))
    assert "Format the column as text" in refusals(response)[2]["employee_number"][0]


def test_the_admin_form_refuses_junk(client: Client, institution, program_office, employer):
    # The program office: institution staff see a person's employer and number read-only.
    profile = TraineeProfileFactory(registered_by=institution, employer=None, employee_number="")
    client.force_login(in_english(program_office))
    url = reverse("admin:accounts_traineeprofile_change", args=[profile.pk])
    response = client.post(url, {"user": profile.user.pk, "employer": employer.pk, "employee_number": "A 3007 !!",
                                 "branch": "", "manager_class": "", "phone": "",
                                 "registered_by": institution.pk})  # fmt: skip
    assert response.status_code == 200
    assert "employee_number" in response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.employee_number == ""


def test_model_validation_refuses_junk(employer):
    profile = TraineeProfileFactory(employer=employer, employee_number="A-1")
    profile.employee_number = "A 1"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "employee_number" in refused.value.message_dict
    assert TraineeProfile.objects.get(pk=profile.pk).employee_number == "A-1"


def test_a_date_in_a_column_the_import_does_not_read_is_no_refusal(alice):
    upload = xlsx_upload([[*HEADER, "notes"], ["ann@example.test", "Ann", "en", None, None, datetime.date(2026, 1, 5)]])
    response = preview(alice, "/en/admin/accounts/traineeprofile/import/", upload)
    assert "confirm_form" in response.context, refusals(response)
