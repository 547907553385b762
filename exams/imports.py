"""Import and export of bank questions (CSV/XLSX) for the program office: all rows or none.

Columns: ``family`` (empty for a new question), ``course`` (code), ``knowledge_area``,
``difficulty``, ``type``, ``status``, ``text_zh``, ``text_en``, ``options_zh`` and ``options_en``
(options separated by `` | ``, keyed A, B, C … in that order), ``correct`` (``A`` or ``A,C``),
``rubric_zh``, ``rubric_en``, ``max_score``; export adds ``version``. A row naming a family
revises its live version through ``question_bank.do_revise_question`` (a version an attempt has shown
is never changed: the row makes version + 1).

Rows are numbered as the spreadsheet numbers them (the header is row 1, a blank row skipped but counted:
``accounts.imports.read_spreadsheet``); a refused file lists each
refused row as an ``accounts.imports.RowProblem`` too (its cells, its messages by column), for the page
the trainee and enrolment imports share (``admin/import_export/row_errors.html``).
"""

from __future__ import annotations

import string
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.imports import RowProblem, file_cells, row_number
from accounts.spreadsheets import header_label
from core.errors import DomainError
from core.numbers import plain_number
from courses.models import Course

from .models import Question
from .services import ExamError, question_bank

HEADERS = [
    "family", "version", "course", "knowledge_area", "difficulty", "type", "status", "text_zh", "text_en",
    "options_zh", "options_en", "correct", "rubric_zh", "rubric_en", "max_score",
]  # fmt: skip
#: Without these a row cannot say what question it is; the others may be left out (empty).
REQUIRED_HEADERS = ["course", "type", "text_zh", "text_en"]
#: The question field each column fills, for the column's name on the page ("類型 (type)").
COLUMN_FIELDS = {"type": "question_type", "options_zh": "options", "options_en": "options"}
SEPARATOR = " | "
KEYS = string.ascii_uppercase


def export_questions(questions: QuerySet[Question]) -> tablib.Dataset:
    data = tablib.Dataset(headers=HEADERS)
    for q in questions.select_related("course").order_by("course__code", "pk"):
        data.append([
            str(q.family), q.version, q.course.code, q.knowledge_area, q.difficulty, q.question_type, q.status,
            q.text_zh, q.text_en, SEPARATOR.join(o["zh"] for o in q.options),
            SEPARATOR.join(o["en"] for o in q.options), ",".join(q.correct), q.rubric_zh, q.rubric_en,
            plain_number(q.max_score),
        ])  # fmt: skip
    return data


class ImportRefused(DomainError):
    """The file was refused whole; ``errors`` lists (row number, message), row 0 for the file itself;
    ``rows`` the refused rows, each with its cells and its messages by column."""

    def __init__(self, errors: list[tuple[int, str]], rows: list[RowProblem] | None = None) -> None:
        super().__init__("import_refused", _("Nothing was imported. Fix these rows and try again:"))
        self.errors = errors
        self.rows = rows or []


@dataclass
class ImportReport:
    created: int = 0
    revised: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _cell(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


class RowErrors(Exception):
    """Every refusal found in one row's cells: (column, message)."""

    def __init__(self, by_column: list[tuple[str, str]]) -> None:
        super().__init__(by_column)
        self.by_column = by_column
        self.messages = [message for _column, message in by_column]


def _row_data(row: dict[str, Any], courses: dict[str, int]) -> dict[str, Any]:
    """The question a row describes; raises :class:`RowErrors` with every cell that is wrong."""
    errors: list[tuple[str, str]] = []
    code = _cell(row, "course")
    if code not in courses:
        errors.append(("course", _("Unknown course %(code)s.") % {"code": code or "—"}))
    zh = [t.strip() for t in _cell(row, "options_zh").split("|") if t.strip()]
    en = [t.strip() for t in _cell(row, "options_en").split("|") if t.strip()]
    if len(zh) != len(en):
        errors.append(("options_en", _("The options in the two languages differ in number.")))
    options = [{"key": KEYS[i], "zh": z, "en": e} for i, (z, e) in enumerate(zip(zh, en, strict=False))]
    correct = [c.strip().upper() for c in _cell(row, "correct").split(",") if c.strip()]
    max_score, difficulty, column = Decimal(1), 0, "max_score"
    try:
        max_score = Decimal(_cell(row, "max_score") or "1")
        column = "difficulty"
        difficulty = int(float(_cell(row, "difficulty") or 0))
    except (InvalidOperation, ValueError):
        errors.append((column, _("Difficulty and maximum score must be numbers.")))
    status = _cell(row, "status") or Question.Status.DRAFT
    if status not in Question.Status.values:
        errors.append(("status", _("Unknown status %(status)s.") % {"status": status}))
    if errors:
        raise RowErrors(errors)
    return {
        "course_id": courses[code], "knowledge_area": _cell(row, "knowledge_area"), "difficulty": difficulty,
        "question_type": _cell(row, "type"), "status": status, "text_zh": _cell(row, "text_zh"),
        "text_en": _cell(row, "text_en"), "options": options, "correct": correct,
        "rubric_zh": _cell(row, "rubric_zh"), "rubric_en": _cell(row, "rubric_en"), "max_score": max_score,
    }  # fmt: skip


def _row_problem(number: int, row: dict[str, Any], refusals: list[tuple[str, str]]) -> RowProblem:
    labels = {str(h): header_label(Question, COLUMN_FIELDS.get(str(h), str(h)), str(h)) for h in row if h is not None}
    by_column: dict[str, list[str]] = {}
    for column, message in refusals:
        by_column.setdefault(column, []).append(message)
    return RowProblem(
        row=number,
        cells=file_cells(row, labels),
        errors=tuple((labels.get(column, column), tuple(messages)) for column, messages in by_column.items()),
        wrong=frozenset(by_column) - {""},
    )


def import_questions(dataset: tablib.Dataset) -> ImportReport:
    """Create or revise every row, or nothing: any row error rolls back all and is reported."""
    report = ImportReport()
    courses = dict(Course.objects.values_list("code", "pk"))
    missing = [column for column in REQUIRED_HEADERS if column not in (dataset.headers or [])]
    if missing:
        # Refused before any row is read: a file without these columns cannot say what it means.
        raise ImportRefused([(0, _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})])
    rows: list[RowProblem] = []
    with transaction.atomic():
        for data_row, row in enumerate(dataset.dict, start=1):
            number = row_number(row, data_row)  # as the spreadsheet numbers it, blank rows skipped included
            refusals: list[tuple[str, str]] = []  # (column, message); "" for the row as a whole
            blamed = ""
            try:
                data = _row_data(row, courses)
                family = _cell(row, "family")
                if family:
                    blamed = "family"  # the two refusals below are the family's; a later one is the row's
                    try:
                        uuid.UUID(family)
                    except ValueError:
                        raise ExamError(
                            "bad_question", _("The family %(family)s is not a question family.") % {"family": family}
                        ) from None
                    live = Question.objects.filter(family=family).exclude(status=Question.Status.RETIRED).first()
                    if live is None:
                        raise ExamError(
                            "bad_question", _("No live version of question family %(family)s.") % {"family": family}
                        )
                    blamed = ""
                    question_bank.do_revise_question(question_id=live.pk, changes=data)
                    report.revised += 1
                else:
                    question_bank.do_create_question(data=data)
                    report.created += 1
            except RowErrors as refused:
                refusals = refused.by_column
            except question_bank.QuestionRefused as refused:
                refusals = [("", str(message)) for message in refused.messages]
            except (ExamError, ValueError) as error:
                refusals = [(blamed, str(error))]
            if refusals:
                report.errors.extend((number, message) for _column, message in refusals)
                rows.append(_row_problem(number, row, refusals))
        if report.errors:
            raise ImportRefused(report.errors, rows)
    return report
