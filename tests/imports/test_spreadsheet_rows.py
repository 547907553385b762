"""Rows are the spreadsheet's own: a refused row is named by the number at the sheet's left, after a blank row too,
in a CSV and an XLSX alike (and in "the same value as row N"); a blank row is no row in either format."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.imports.reader import read_spreadsheet
from accounts.models import User
from courses.models import Enrolment
from tests.factories import CohortFactory, curriculum_of
from tests.imports.rows import csv_upload, preview, question_row, xlsx_upload

pytestmark = pytest.mark.django_db

TRAINEE_COLUMNS = ["email", "display_name", "preferred_language", "employer", "employee_number"]
TRAINEES = "/en/admin/accounts/traineeprofile/import/"
ENROLMENTS = "/en/admin/courses/enrolment/import/"


def problems(response) -> dict[int, list[str]]:
    """Each refused row's number on the page, with its messages."""
    return {p.row: [m for _col, ms in p.errors for m in ms] for p in response.context["result"].row_problems}


def confirm(client: Client, response, url: str):
    form = response.context["confirm_form"]
    return client.post(url, {name: form[name].value() for name in form.fields})


def test_a_csv_row_after_a_blank_line_is_named_by_its_line(alice):
    header = ",".join(TRAINEE_COLUMNS)
    lines = [header, "ok32@example.test,Good,en,,", "", "probe32@,Bad,en,,"]
    response = preview(alice, TRAINEES, csv_upload(lines))
    assert problems(response) == {4: ["probe32@ is not an e-mail address."]}
    assert "Row 4" in response.content.decode()


def test_a_repeated_person_names_both_rows_as_the_spreadsheet_does(alice):
    header = ",".join(TRAINEE_COLUMNS)
    lines = [header, "ann@example.test,Ann,en,,", "", "ben@example.test,Ben,en,,", "ann@example.test,Ann,en,,"]
    response = preview(alice, TRAINEES, csv_upload(lines))
    assert problems(response) == {5: ["Row 2 has the same value."]}


def test_a_cell_with_a_line_break_is_one_row_of_the_spreadsheet():
    """A quoted cell may span lines of the file; the spreadsheet still shows it as one row."""
    dataset = read_spreadsheet('text_zh,course\n"第一行\n第二行",BCM-101\n\nsecond,BCM-102\n', "csv")
    assert [(row["text_zh"], row["_row"]) for row in dataset.dict] == [("第一行\n第二行", 2), ("second", 4)]


def test_an_xlsx_row_after_a_blank_row_is_named_by_its_row(alice):
    rows = [
        TRAINEE_COLUMNS,
        ["ok@example.test", "Good", "en", None, None],
        [None] * 5,
        ["probe@", "Bad", "en", None, None],
    ]
    response = preview(alice, TRAINEES, xlsx_upload(rows))
    assert problems(response) == {4: ["probe@ is not an e-mail address."]}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_blank_row_between_people_is_skipped_and_the_rest_imported(alice, kind):
    people = [
        ["ann@example.test", "Ann", "en", "", ""],
        ["", " ", "", "", ""],
        ["ben@example.test", "Ben", "en", "", ""],
    ]
    if kind == "csv":
        upload = csv_upload([",".join(TRAINEE_COLUMNS), *(",".join(row) for row in people), ""])
    else:
        upload = xlsx_upload([TRAINEE_COLUMNS, people[0], [None] * 5, people[2], [None] * 5])
    response = preview(alice, TRAINEES, upload)
    assert "confirm_form" in response.context, problems(response)
    assert len(response.context["result"].valid_rows()) == 2
    assert confirm(alice, response, "/en/admin/accounts/traineeprofile/process_import/").status_code == 302
    assert set(User.objects.filter(email__endswith="@example.test").values_list("email", flat=True)) == {
        "ann@example.test",
        "ben@example.test",
    }


def test_an_enrolment_xlsx_with_a_blank_row_enrols_the_others(alice, institution):
    CohortFactory(institution=institution, code="A-1")
    header = ["email", "display_name", "preferred_language", "cohort"]
    rows = [header, ["ann@example.test", "Ann", "en", "A-1"], [None] * 4, ["ben@example.test", "Ben", "en", "A-1"]]
    response = preview(alice, ENROLMENTS, xlsx_upload(rows))
    assert "confirm_form" in response.context, problems(response)
    assert confirm(alice, response, "/en/admin/courses/enrolment/process_import/").status_code == 302
    assert Enrolment.objects.filter(cohort__code="A-1").count() == 2


def test_a_question_row_after_a_blank_row_is_named_by_its_row(office):
    code = curriculum_of("standard", "retail").entries.first().course.code
    headers = list(question_row(code))
    good, bad = question_row(code), question_row(code, course="NOPE")
    upload = xlsx_upload([headers, [good[h] for h in headers], [None] * len(headers), [bad[h] for h in headers]])
    response = office.post("/en/admin/exams/question/import/", {"file": upload})
    assert [problem.row for problem in response.context["rows"]] == [4]


def test_the_header_is_the_first_row_that_is_not_blank():
    dataset = read_spreadsheet("\n\nemail,display_name\nann@example.test,Ann\n", "csv")
    assert dataset.dict[0]["email"] == "ann@example.test"
    assert dataset.dict[0]["_row"] == 4


def test_cells_beyond_the_header_refuse_the_file_naming_the_row():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        read_spreadsheet("email,display_name\nann@example.test,Ann\nben@example.test,Ben,extra\n", "csv")
    assert refused.value.params == {"row": 3}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_longer_than_the_limit_is_refused_on_the_page_and_nothing_is_imported(alice, kind, settings):
    """A 5 MB workbook can hold 700,000 rows (read whole, 40 s and 400 MB of a web worker): the reader stops
    at ``IMPORT_MAX_ROWS``, blank rows counted, with a message saying what to do."""
    settings.IMPORT_MAX_ROWS = 4
    people = [["ann@example.test", "Ann", "en", "", ""], ["", "", "", "", ""]] * 2
    if kind == "csv":
        upload = csv_upload([",".join(TRAINEE_COLUMNS), *(",".join(row) for row in people)])
    else:
        upload = xlsx_upload([TRAINEE_COLUMNS, *people])
    response = preview(alice, TRAINEES, upload)
    assert "The file has more than 4 rows. Split it and import the parts." in response.content.decode()
    assert "confirm_form" not in response.context
    assert not User.objects.filter(email="ann@example.test").exists()


def test_a_file_as_long_as_the_limit_is_read():
    from django.test import override_settings

    with override_settings(IMPORT_MAX_ROWS=3):
        dataset = read_spreadsheet("email\nann@example.test\n\n", "csv")
    assert [row["email"] for row in dataset.dict] == ["ann@example.test"]
