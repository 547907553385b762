"""The import pages say what each column holds (the employer as a code such as bank-a, the allowed values of a
column of choices read from the model) and offer a template file to start from, the trainee, enrolment and question
imports alike; the export page names the employer column for what it holds."""

from __future__ import annotations

import codecs
import io

import openpyxl
import pytest
from django.utils import translation

from accounts.models import TraineeProfile
from tests.conftest import in_english, logged_in

pytestmark = pytest.mark.django_db

TRAINEES = "/en/admin/accounts/traineeprofile/"
ENROLMENTS = "/en/admin/courses/enrolment/"
QUESTIONS = "/en/admin/exams/question/"
TRAINEE_COLUMNS = ["email", "display_name", "preferred_language", "employer", "employee_number", "branch",
                   "manager_class", "phone"]  # fmt: skip
QUESTION_COLUMNS = ["family", "course", "knowledge_area", "difficulty", "type", "status", "text_zh", "text_en",
                    "options_zh", "options_en", "correct", "rubric_zh", "rubric_en", "max_score"]  # fmt: skip


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


#: Each import with templates: who imports, its admin's address, the template's header row.
WITH_TEMPLATES = pytest.mark.parametrize(
    ("importer", "url", "columns"),
    [("alice", TRAINEES, TRAINEE_COLUMNS), ("alice", ENROLMENTS, [*TRAINEE_COLUMNS, "cohort"]),
     ("office", QUESTIONS, QUESTION_COLUMNS)],
    ids=["trainees", "enrolments", "questions"],
)  # fmt: skip


@WITH_TEMPLATES
def test_the_csv_template_is_the_header_row(request, importer, url, columns):
    response = request.getfixturevalue(importer).get(f"{url}import/template.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(codecs.BOM_UTF8)  # so that Excel reads it as UTF-8
    assert response.content.decode("utf-8-sig").splitlines() == [",".join(columns)]


@WITH_TEMPLATES
def test_the_xlsx_template_has_the_header_row_and_text_columns(request, importer, url, columns):
    response = request.getfixturevalue(importer).get(f"{url}import/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == columns
    assert sheet.max_row == 1
    # Excel keeps what is typed in every column (an employee number 007, a date-like 1-5, the letters A,C).
    assert {sheet.column_dimensions[cell.column_letter].number_format for cell in sheet[1]} == {"@"}


@WITH_TEMPLATES
def test_a_template_of_another_kind_is_not_found(request, importer, url, columns):
    assert request.getfixturevalue(importer).get(f"{url}import/template.ods").status_code == 404


@pytest.mark.parametrize(("outsider", "url"), [("institution_grader", TRAINEES), ("institution_admin", QUESTIONS)])
def test_staff_who_may_not_import_get_no_template(request, outsider, url):
    client = logged_in(in_english(request.getfixturevalue(outsider)))
    assert client.get(f"{url}import/template.csv").status_code == 403
    assert client.get(f"{url}import/template.xlsx").status_code == 403


def test_the_export_page_names_the_employer_column_for_what_it_holds(alice):
    html = alice.get(f"{TRAINEES}export/").content.decode()
    assert "Employer code (employer)" in html
    assert "Code (employer)" not in html
