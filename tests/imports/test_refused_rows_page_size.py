"""A refused import's page stays small whatever the file: it lists the first refused rows
(``accounts.imports.results.REFUSED_ROWS_SHOWN``) and says how many more were refused, the counts of the result still
true; every page cuts what it echoes of the file short, the question import's too (``accounts.templatetags.
import_echo``). A file of 10,000 refused rows of 50 columns, each cell cut to 80 characters, still made a page of tens
of MB; the question import's page echoed a message in full."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation
from import_export.results import Error, RowResult

from accounts.imports.results import REFUSED_ROWS_SHOWN, ImportResult, first_refused
from exams import imports as question_imports
from tests.factories import CohortFactory
from tests.imports.rows import csv_upload, preview, question_file

pytestmark = pytest.mark.django_db

TRAINEES = "/en/admin/accounts/traineeprofile/import/"
ENROLMENTS = "/en/admin/courses/enrolment/import/"
QUESTIONS = "/en/admin/exams/question/import/"
#: Columns the import does not read, echoed with each refused row: a row as wide as a file may be.
EXTRA = [f"note{n}" for n in range(40)]
LISTED = re.compile(r'<tr id="import-row-(\d+)"')


@pytest.fixture(autouse=True)
def cohort(institution) -> None:
    CohortFactory(institution=institution, code="A-1")


def bad_people(count: int, *, cohort: bool = False) -> list[str]:
    """A file of ``count`` rows, each refused (no e-mail address), each cell long."""
    header = ["email", "display_name", *(["cohort"] if cohort else []), *EXTRA]
    row = ["not-an-address", "Ann", *(["A-1"] if cohort else []), *("x" * 100 for _ in EXTRA)]
    return [",".join(header), *(",".join(row) for _ in range(count))]


PAGES = pytest.mark.parametrize(
    ("url", "cohort"), [(TRAINEES, False), (ENROLMENTS, True)], ids=["trainees", "enrolments"]
)


@PAGES
def test_the_page_lists_the_first_refused_rows_and_says_how_many_more(alice: Client, url: str, cohort: bool):
    response = preview(alice, url, csv_upload(bad_people(REFUSED_ROWS_SHOWN + 30, cohort=cohort)))
    html = response.content.decode()
    assert [int(row) for row in LISTED.findall(html)] == list(range(2, REFUSED_ROWS_SHOWN + 2))
    assert "…and 30 more rows were refused, not listed here. Fix the rows above and import the file again" in html
    assert html.index(f'id="import-row-{REFUSED_ROWS_SHOWN + 1}"') < html.index('id="import-more-refused"')
    result = response.context["result"]  # the counts stay true: every refused row is counted
    assert len(result.invalid_rows) == result.totals[RowResult.IMPORT_TYPE_INVALID] == REFUSED_ROWS_SHOWN + 30
    assert result.more_refused_rows == 30


def test_one_more_refused_row_is_said_in_the_singular(alice: Client):
    html = preview(alice, TRAINEES, csv_upload(bad_people(REFUSED_ROWS_SHOWN + 1))).content.decode()
    assert "…and 1 more row was refused, not listed here. Fix the rows above and import the file again to see it." in (
        html
    )


def test_a_file_refused_in_fewer_rows_says_no_more(alice: Client):
    html = preview(alice, TRAINEES, csv_upload(bad_people(3))).content.decode()
    assert len(LISTED.findall(html)) == 3
    assert "import-more-refused" not in html


def test_the_page_does_not_grow_with_the_refused_rows(alice: Client):
    listed = preview(alice, TRAINEES, csv_upload(bad_people(REFUSED_ROWS_SHOWN))).content
    many = preview(alice, TRAINEES, csv_upload(bad_people(REFUSED_ROWS_SHOWN + 400))).content
    assert "…and 400 more rows were refused" in many.decode()
    assert len(many) - len(listed) < 1_000  # the line saying how many more, not 400 rows of 40 cells


def test_a_header_the_import_does_not_read_is_echoed_cut_short(alice: Client):
    """A column's name, for a column the import does not read, is the file's header: echoed with every row."""
    lines = [f"email,display_name,{'h' * 5_000}", "not-an-address,Ann,x"]
    html = preview(alice, TRAINEES, csv_upload(lines)).content.decode()
    assert "h" * 79 + "…" in html and "h" * 100 not in html


def test_the_rows_an_error_stopped_are_listed_the_first_then_how_many_more():
    result = ImportResult()
    for _ in range(REFUSED_ROWS_SHOWN + 7):
        row = RowResult()
        row.errors = [Error(ValueError("m" * 5_000))]
        result.append_row_result(row)
    with translation.override("en"):
        html = render_to_string("admin/import_export/import_outcome.html", {"result": result})
    assert html.count("<li>Row ") == REFUSED_ROWS_SHOWN
    assert "m" * 299 + "…" in html and "m" * 400 not in html
    assert "…and 7 more rows were refused, not listed here." in html
    assert len(result.row_errors()) == REFUSED_ROWS_SHOWN + 7  # has_errors and the package see every one


def test_first_refused_keeps_the_first_and_counts_the_rest():
    assert first_refused(range(REFUSED_ROWS_SHOWN + 5)) == (list(range(REFUSED_ROWS_SHOWN)), 5)
    assert first_refused([1, 2]) == ([1, 2], 0)


# --- the question import's page ----------------------------------------------------------------------------------


def test_the_question_page_cuts_a_message_short(office: Client, monkeypatch: pytest.MonkeyPatch):
    """A message the question import's page lists above its rows (the file's own, or a row's where no row is listed)
    is cut as on the other import pages."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise question_imports.ImportRefused([(0, "f" * 50_000), (3, "g" * 50_000)])

    monkeypatch.setattr(question_imports, "import_questions", refuse)
    html = office.post(QUESTIONS, {"file": question_file([{"course": "X"}])}).content.decode()
    assert "f" * 299 + "…" in html and "f" * 400 not in html
    assert "g" * 299 + "…" in html and "g" * 400 not in html
    assert len(html) < 100_000


def test_the_question_page_cuts_a_refused_rows_cell_and_message_short(office: Client):
    family = "z" * 9_000  # no question family: the message quotes it
    html = office.post(QUESTIONS, {"file": question_file([{"course": "X", "family": family}])}).content.decode()
    assert "z" * 79 + "…" in html and "z" * 400 not in html
    assert len(html) < 100_000


def test_the_question_page_lists_the_first_refused_rows_and_says_how_many_more(office: Client):
    file = question_file([{"course": "NO-SUCH", "text_zh": "題", "text_en": "Q"}] * (REFUSED_ROWS_SHOWN + 30))
    html = office.post(QUESTIONS, {"file": file}).content.decode()
    assert [int(row) for row in LISTED.findall(html)] == list(range(2, REFUSED_ROWS_SHOWN + 2))
    assert "…and 30 more rows were refused, not listed here." in html
