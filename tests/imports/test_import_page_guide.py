"""The import pages say what each column holds (the employer as a code such as bank-a, the allowed values of a
column of choices read from the model) and offer a template file to start from; the export page names the
employer column for what it holds."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from accounts.models import TraineeProfile
from tests.conftest import in_english, logged_in

pytestmark = pytest.mark.django_db

TRAINEES = "/en/admin/accounts/traineeprofile/"
ENROLMENTS = "/en/admin/courses/enrolment/"
TRAINEE_COLUMNS = ["email", "display_name", "preferred_language", "employer", "employee_number", "branch",
                   "manager_class", "phone"]  # fmt: skip


@pytest.fixture
def alice(institution_admin) -> Client:
    return logged_in(in_english(institution_admin))


def guide(response) -> dict[str, tuple[bool, str]]:
    return {column.header: (column.required, str(column.holds)) for column in response.context["import_columns"]}


def test_the_trainee_import_page_describes_every_column(alice):
    response = alice.get(f"{TRAINEES}import/")
    columns = guide(response)
    assert list(columns) == TRAINEE_COLUMNS
    assert columns["email"][0] and columns["display_name"][0] and not columns["employer"][0]
    assert "code" in columns["employer"][1] and "bank-a" in columns["employer"][1]
    with translation.override("en"):
        for value, label in TraineeProfile.ManagerClass.choices:
            assert f"{value} ({label})" in columns["manager_class"][1]
    assert "zh-hant, en" in columns["preferred_language"][1]
    html = response.content.decode()
    assert "The code of the trainee&#x27;s employer (such as bank-a)" in html
    assert 'href="/en/admin/accounts/traineeprofile/import/template.csv"' in html


def test_the_enrolment_import_page_describes_the_cohort_column(alice):
    columns = guide(alice.get(f"{ENROLMENTS}import/"))
    assert list(columns) == [*TRAINEE_COLUMNS, "cohort"]
    assert columns["cohort"][0] and "cohort" in columns["cohort"][1]


@pytest.mark.parametrize(("url", "columns"), [(TRAINEES, TRAINEE_COLUMNS), (ENROLMENTS, [*TRAINEE_COLUMNS, "cohort"])])
def test_the_csv_template_is_the_header_row(alice, url, columns):
    response = alice.get(f"{url}import/template.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().splitlines() == [",".join(columns)]


def test_the_xlsx_template_has_the_header_row_and_text_columns(alice):
    response = alice.get(f"{TRAINEES}import/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == TRAINEE_COLUMNS
    assert sheet.max_row == 1
    assert sheet.column_dimensions["E"].number_format == "@"  # employee_number: Excel keeps what is typed


def test_a_template_of_another_kind_is_not_found(alice):
    assert alice.get(f"{TRAINEES}import/template.ods").status_code == 404


def test_staff_who_may_not_import_get_no_template(institution_grader):
    client = logged_in(in_english(institution_grader))
    assert client.get(f"{TRAINEES}import/template.csv").status_code == 403


def test_the_export_page_names_the_employer_column_for_what_it_holds(alice):
    html = alice.get(f"{TRAINEES}export/").content.decode()
    assert "Employer code (employer)" in html
    assert "Code (employer)" not in html
