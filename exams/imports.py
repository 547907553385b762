"""Import and export of bank questions (CSV/XLSX) for the program office: all rows or none.

The file's columns are :data:`HEADERS` (the import page describes each, :func:`column_guide`, and offers the
header row as a template); export adds ``version``, which the import does not read. A row naming a family
revises its live version through ``question_bank.do_revise_question`` (a version an attempt has shown
is never changed: the row makes version + 1). A file the bank exported imports as it is and changes nothing: the
export writes what the import reads (options in their order, the correct ones by letter), a row as a version of its
family stands (the live one, or an earlier one the export lists too) is left alone, and options read as they are
stored keep their stored keys (:func:`with_stored_keys`, which the admin's form shares).

Everything is typed as staff type into Excel: a column of choices takes the value or its name in either language
(``single``, 單選題, "single choice"); the options are a cell per language, one option a line (Alt+Enter; a ``|`` in
a line is then the option's) or, in a cell of one line, separated by ``|``, keyed A, B, C … in that order (the
export writes them separated by ``|``, or one a line where an option holds a ``|``); ``correct`` holds letters (``B``,
``A,C``, full-width or with 、 too). A cell that cannot be what its column holds is refused under its column, with
every other such cell of the row and, at the same time, every rule of the question bank the rest of the row breaks
(``question_bank.question_problems``; a rule about a refused cell is not said again); a row whose cells all read is
held to every rule of the question bank at once (``question_bank.check_question_data``), as is one whose family is
refused.

Rows are numbered as the spreadsheet numbers them (the header is row 1, a blank row skipped but counted:
``accounts.imports.reader.read_spreadsheet``); a refused file lists each refused row as an
``accounts.imports.results.RowProblem`` too (its cells, its messages by column), for the page the trainee and
enrolment imports share (``admin/import_export/row_errors.html``).
"""

from __future__ import annotations

import re
import string
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.identifiers import normalize_code
from accounts.imports.reader import row_number
from accounts.imports.results import RowProblem, file_cells
from accounts.imports.templates import ColumnGuide
from accounts.models import User
from accounts.spreadsheets import header_label
from core.errors import DomainError
from core.numbers import plain_number
from courses.knowledge import KnowledgeArea
from courses.models import Course

from .models import Question, QuestionType
from .services import ExamError, question_bank

#: The export's columns; the import reads every one but ``version`` (:data:`IMPORT_HEADERS`).
HEADERS = [
    "family", "version", "course", "knowledge_area", "difficulty", "type", "status", "text_zh", "text_en",
    "options_zh", "options_en", "correct", "rubric_zh", "rubric_en", "max_score",
]  # fmt: skip
#: What the import reads, in the template's order.
IMPORT_HEADERS = [header for header in HEADERS if header != "version"]
#: Without these a file cannot say what its questions are; every row needs a value in each. The others may be
#: left out (empty).
REQUIRED_HEADERS = ["course", "knowledge_area", "difficulty", "type", "text_zh", "text_en"]
#: The question field each column fills, for the column's name on the page ("類型 (type)").
COLUMN_FIELDS = {"type": "question_type"}
#: The columns that fill one field in two languages, named as the question's page names them ("選項（繁體中文）
#: (options_zh)", as "題文（繁體中文） (text_zh)" reads).
COLUMN_NAMES = {"options_zh": gettext_lazy("options (zh-Hant)"), "options_en": gettext_lazy("options (English)")}
#: What the export writes between options, or a line break where an option holds a ``|`` (:func:`separator_for`).
SEPARATOR = " | "
#: A cell of more than one line holds one option a line (a ``|`` in it is the option's); one of one line holds
#: options separated by ``|`` (:func:`options_of`).
LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: Between the letters of ``correct``: commas (full-width ones are folded), 、, semicolons, | or spaces.
LETTER_BREAK = re.compile(r"[\s,;|、]+")
KEYS = string.ascii_uppercase

#: How a reader of cells refuses one: (column, message).
Refuse = Callable[[str, str], None]


def separator_for(options: list[dict[str, Any]]) -> str:
    """What the export writes between a question's options: `` | ``, or a line break where an option holds a ``|``
    (the import then reads the cell one option a line; no option holds a line break, ``question_bank``'s rule)."""
    if any("|" in str(option.get(language, "")) for option in options for language in ("zh", "en")):
        return "\n"
    return SEPARATOR


def export_questions(questions: QuerySet[Question]) -> tablib.Dataset:
    """The questions as the import reads them back: imported unchanged, the file changes nothing."""
    data = tablib.Dataset(headers=HEADERS)
    for q in questions.select_related("course").order_by("course__code", "pk"):
        typed = options_as_typed(q.options, q.correct, separator=separator_for(q.options))
        data.append([
            str(q.family), q.version, q.course.code, q.knowledge_area, q.difficulty, q.question_type, q.status,
            q.text_zh, q.text_en, typed["options_zh"], typed["options_en"], typed["correct"], q.rubric_zh,
            q.rubric_en, plain_number(q.max_score),
        ])  # fmt: skip
    return data


# --- what the import page says of the file ---------------------------------------------------------------------


def column_label(header: str) -> str:
    """A column for people: the question field's name, then the header ("類型 (type)")."""
    if header in COLUMN_NAMES:
        return f"{capfirst(str(COLUMN_NAMES[header]))} ({header})"
    return header_label(Question, COLUMN_FIELDS.get(header, header), header)


def _values(choices: Iterable[tuple[str, Any]]) -> str:
    return ", ".join(f"{value} ({label})" for value, label in choices)


def _max_score_limits() -> tuple[int, Decimal]:
    """The decimals a maximum score may have and the largest it may be (the model field's digits)."""
    max_score = Question._meta.get_field("max_score")
    places = max_score.decimal_places
    return places, Decimal(10) ** (max_score.max_digits - places) - Decimal(10) ** -places


def column_descriptions() -> dict[str, str]:
    """What each column holds, by header, in the reader's language; values of choices from the models."""
    places, largest = _max_score_limits()
    return {
        "family": _(
            "Empty for a new question. To revise a question, its family as the export wrote it (a code such as "
            "3f2b9c1e-…): the row replaces its live version, or makes a new version where an attempt has shown it."
        ),
        "course": _("The code of the question's course, such as BCM-101."),
        "knowledge_area": _("The knowledge area, one its course's syllabus lists: %(values)s.")
        % {"values": _values(KnowledgeArea.choices)},
        "difficulty": _("A whole number from 1 (easy) to 5 (hard)."),
        "type": _("One of: %(values)s.") % {"values": _values(QuestionType.choices)},
        "status": _("One of: %(values)s. Empty: %(default)s.")
        % {"values": _values(Question.Status.choices), "default": Question.Status.DRAFT},
        "text_zh": _("The question in Traditional Chinese."),
        "text_en": _("The question in English."),
        "options_zh": _(
            "The options in Traditional Chinese, in the order A, B, C …: each on a line of its own in the cell "
            "(Alt+Enter in Excel; a | is then part of its option), or all on one line separated by |. Empty for an "
            "essay question."
        ),
        "options_en": _("The same options in English: as many, in the same order, written the same way."),
        "correct": _(
            "The letter of the correct option, such as B; for a multiple-choice question the letters separated by "
            "commas, such as A,C. Empty for an essay question."
        ),
        "rubric_zh": _(
            "How an answer to an essay question is marked, in Traditional Chinese. An essay question needs a rubric "
            "in at least one language."
        ),
        "rubric_en": _("How an answer to an essay question is marked, in English."),
        "max_score": _("The points the question is worth: more than 0, at most %(largest)s, with at most "
                       "%(places)s decimals, such as 1 or 2.5. Empty: 1.")
        % {"largest": plain_number(largest), "places": places},
    }  # fmt: skip


def column_guide() -> list[ColumnGuide]:
    """The file's columns in the template's order, as the import page describes them."""
    holds = column_descriptions()
    return [
        ColumnGuide(header, column_label(header), header in REQUIRED_HEADERS, holds[header])
        for header in IMPORT_HEADERS
    ]


# --- reading a row ---------------------------------------------------------------------------------------------


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


#: The question's field (``question_bank.QUESTION_FIELDS``) each column fills, where its name differs: a refused cell
#: leaves its field unread, and the question bank does not judge it again (``question_bank.question_data_problems``).
COLUMN_READS = {"course": "course_id", "type": "question_type", "options_zh": "options", "options_en": "options"}


class RowErrors(Exception):
    """Every refusal found in one row's cells: (column, message); ``data``, the question as far as its cells read
    (a refused cell's field empty), and ``unread``, the fields of the refused cells: the question bank's rules about
    the rest are said with them (:func:`row_refusals`)."""

    def __init__(self, by_column: list[tuple[str, str]], data: dict[str, Any] | None = None) -> None:
        super().__init__(by_column)
        self.by_column = by_column
        self.messages = [message for _column, message in by_column]
        self.data = data or {}
        self.unread = frozenset(COLUMN_READS.get(column, column) for column, _message in by_column)


def _names_of(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Each way a cell may name a choice (its value, its name in each language, any case) -> the value."""
    names: dict[str, str] = {}
    for value, label in choices:
        names[value.casefold()] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names[str(label).casefold()] = value
    return names


class RowReader:
    """Reads rows of one file into what ``question_bank`` takes; what a row's cells need (the courses, the names
    of choices) is read once per file."""

    def __init__(self) -> None:
        self.courses = dict(Course.objects.values_list("code", "pk"))
        self.choices = {
            "knowledge_area": (KnowledgeArea.choices, _names_of(KnowledgeArea.choices)),
            "type": (QuestionType.choices, _names_of(QuestionType.choices)),
            "status": (Question.Status.choices, _names_of(Question.Status.choices)),
        }

    def data(self, row: dict[str, Any]) -> dict[str, Any]:
        """The question a row describes; raises :class:`RowErrors` with every cell that is wrong."""
        errors: list[tuple[str, str]] = []

        def refuse(column: str, message: str) -> None:
            errors.append((column, message))

        code = normalize_code(_cell(row, "course"))
        if code not in self.courses:
            refuse("course", _("Unknown course %(code)s.") % {"code": code or "—"})
        # In the order of the columns, as the row's messages are listed.
        knowledge_area = self.choice(row, "knowledge_area", refuse)
        difficulty = self.difficulty(_cell(row, "difficulty"), refuse)
        question_type = self.choice(row, "type", refuse)
        status = self.choice(row, "status", refuse, default=Question.Status.DRAFT)
        options, correct = options_and_correct(
            _cell(row, "options_zh"), _cell(row, "options_en"), _cell(row, "correct"), refuse
        )
        max_score = self.max_score(_cell(row, "max_score"), refuse)
        data = {
            "course_id": self.courses.get(code), "knowledge_area": knowledge_area, "difficulty": difficulty,
            "question_type": question_type, "status": status, "text_zh": _cell(row, "text_zh"),
            "text_en": _cell(row, "text_en"), "options": options, "correct": correct,
            "rubric_zh": _cell(row, "rubric_zh"), "rubric_en": _cell(row, "rubric_en"), "max_score": max_score,
        }  # fmt: skip
        if errors:
            raise RowErrors(errors, data)
        return data

    def choice(self, row: dict[str, Any], column: str, refuse: Refuse, default: str | None = None) -> str:
        """The value a cell of a column of choices names ("" if it names none, which it refuses)."""
        choices, names = self.choices[column]
        typed = _cell(row, column)
        if not typed and default is not None:
            return default
        value = names.get(typed.casefold())
        if value is None:
            values = _values(choices)
            if typed:
                refuse(column, _("“%(value)s” is none of: %(values)s.") % {"value": typed, "values": values})
            else:
                refuse(column, _("This cell is empty; write one of: %(values)s.") % {"values": values})
            return ""
        return value

    @staticmethod
    def difficulty(typed: str, refuse: Refuse) -> int:
        """A whole number (2, or 2.0 as a spreadsheet may write it); its range is the question bank's rule."""
        try:
            number = Decimal(typed)
            whole = number.is_finite() and number == number.to_integral_value()
        except InvalidOperation:
            whole = False
        if not whole:
            refuse("difficulty", _("Write the difficulty as a whole number from 1 (easy) to 5 (hard)."))
            return 0
        return int(number)

    @staticmethod
    def max_score(typed: str, refuse: Refuse) -> Decimal:
        """A number the score's column can hold (more than 0 is the question bank's rule); empty: 1."""
        if not typed:
            return Decimal(1)
        places, largest = _max_score_limits()
        try:
            score = Decimal(typed)
            fits = score.is_finite() and score <= largest and score == round(score, places)
        except InvalidOperation:
            fits = False
        if not fits:
            refuse(
                "max_score",
                _("Write the maximum score as a number more than 0, at most %(largest)s, with at most %(places)s "
                  "decimals, such as 1 or 2.5.") % {"largest": plain_number(largest), "places": places},
            )  # fmt: skip
            return Decimal(1)
        return score


def options_and_correct(
    options_zh: str, options_en: str, correct: str, refuse: Refuse
) -> tuple[list[dict[str, str]], list[str]]:
    """A question's options and correct keys as staff write them, in an import row's cells or the admin's
    fields (``options_zh``, ``options_en``, ``correct``, the names ``refuse`` is given): the options one a line
    or, on one line, separated by ``|`` in each language (:func:`options_of`), keyed A, B, C … in that order, and
    the correct options' letters."""
    zh = options_of(options_zh, "options_zh", refuse)
    en = options_of(options_en, "options_en", refuse)
    if len(zh) != len(en):
        refuse(
            "options_en",
            _("Not as many options in English (%(en)s) as in Chinese (%(zh)s): write each option in both languages.")
            % {"en": len(en), "zh": len(zh)},
        )
    options = [{"key": key, "zh": z, "en": e} for key, z, e in zip(KEYS, zh, en, strict=False)]
    return options, correct_of(correct, refuse)


def _by_place(options: list[dict[str, Any]], correct: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Each option's texts (Chinese, English) in order, and the correct options' letters, sorted: an option's letter
    is that of its place (A the first), whatever its stored key (``t``, ``opt-b``); a key no option has stays."""
    letters = {str(option["key"]): letter for option, letter in zip(options, KEYS, strict=False)}
    texts = [(str(option["zh"]), str(option["en"])) for option in options]
    return texts, sorted(letters.get(str(key), str(key)) for key in correct)


def options_as_typed(options: list[dict[str, Any]], correct: list[str], *, separator: str) -> dict[str, str]:
    """A question's ``options_zh``, ``options_en`` and ``correct`` as staff type them and
    :func:`options_and_correct` reads them back: each language's options in order, ``separator`` between them
    (the export's, :func:`separator_for`; the admin form's line break), and the correct options' letters."""
    texts, letters = _by_place(options, correct)
    return {
        "options_zh": separator.join(zh for zh, _en in texts),
        "options_en": separator.join(en for _zh, en in texts),
        "correct": ",".join(letters),
    }


def with_stored_keys(
    stored: tuple[list[dict[str, Any]], list[str]], options: list[dict[str, Any]], correct: list[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """``options`` and ``correct`` as read (keyed A, B, C …), or the ``stored`` ones (options, correct) where they
    are the same options, in the same order, with the same correct ones: a version an attempt has shown is not
    made a new version by its keys alone (the admin form and the import both write through this)."""
    if _by_place(*stored) == _by_place(options, correct):
        return stored
    return options, correct


def options_of(typed: str, column: str, refuse: Refuse) -> list[str]:
    """The options a cell holds: one a line where it has more than one line (a ``|`` in a line is the option's, as
    the export writes an option that holds one), else separated by ``|``; a line break or ``|`` at either end is
    none."""
    lines = LINE_BREAK.split(typed.strip())
    options = [piece.strip() for piece in (lines if len(lines) > 1 else lines[0].split("|"))]
    while options and not options[-1]:
        options.pop()
    while options and not options[0]:
        options.pop(0)
    if len(options) > len(KEYS):
        refuse(column, _("A question has at most %(count)s options (A to Z).") % {"count": len(KEYS)})
        return options[: len(KEYS)]
    for key, option in zip(KEYS, options, strict=False):
        if not option:
            refuse(column, _("Option %(key)s is empty: write it, or remove the extra line or |.") % {"key": key})
    return options


def correct_of(typed: str, refuse: Refuse) -> list[str]:
    """The letters a ``correct`` cell holds, as option keys (whether the row has those options is the question
    bank's rule, reported with the row's other rules)."""
    letters = [piece.upper() for piece in LETTER_BREAK.split(unicodedata.normalize("NFKC", typed)) if piece]
    for letter in letters:
        if len(letter) != 1 or letter not in KEYS:
            refuse(
                "correct",
                _("“%(value)s” is not an option's letter: write the letters of the correct options, such as B or "
                  "A,C.") % {"value": letter},
            )  # fmt: skip
    return letters


class FamilyRefused(ExamError):
    """A row's ``family`` names no question family it can revise: said under the column, with the question bank's
    rules the row's question breaks."""

    def __init__(self, message: str) -> None:
        super().__init__("bad_question", message, field="family")


def _as_stored(question: Question, data: dict[str, Any]) -> bool:
    """Whether a row's question (``data``, options keyed A, B, C …) is ``question`` as it stands."""
    stored = question.options, question.correct
    if with_stored_keys(stored, data["options"], data["correct"]) != stored:
        return False
    return all(getattr(question, name) == value for name, value in data.items() if name not in {"options", "correct"})


def _row_problem(number: int, row: dict[str, Any], refusals: list[tuple[str, str]]) -> RowProblem:
    labels = {str(h): column_label(str(h)) for h in row if h is not None}
    by_column: dict[str, list[str]] = {}
    for column, message in refusals:
        by_column.setdefault(column, []).append(message)
    return RowProblem(
        row=number,
        cells=file_cells(row, labels),
        errors=tuple((labels.get(column, column), tuple(messages)) for column, messages in by_column.items()),
        wrong=frozenset(by_column) - {""},
    )


def bank_refusals(data: dict[str, Any], *, unread: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """The question bank's rules a row's question breaks (``question_bank.question_problems``, ``unread`` as there),
    each under its column where it is about one (``text_en``, ``options_zh`` …), else the row's ("")."""
    problems = question_bank.question_problems(data, unread=unread)
    return [(field if field in HEADERS else "", str(message)) for field, message in problems]


def import_questions(dataset: tablib.Dataset, *, by: User | None = None, file_name: str = "") -> ImportReport:
    """Create or revise every row, or nothing: any row error rolls back all and is reported. An import is recorded
    in the audit trail, in its transaction: who (``by``, else whoever the request is from), the file's name, its
    rows and how many questions it made and revised."""
    report = ImportReport()
    missing = [column for column in REQUIRED_HEADERS if column not in (dataset.headers or [])]
    if missing:
        # Refused before any row is read: a file without these columns cannot say what it means.
        raise ImportRefused([(0, _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})])
    reader = RowReader()
    rows: list[RowProblem] = []
    with transaction.atomic():
        for data_row, row in enumerate(dataset.dict, start=1):
            number = row_number(row, data_row)  # as the spreadsheet numbers it, blank rows skipped included
            refusals: list[tuple[str, str]] = []  # (column, message); "" for the row as a whole
            try:
                data = reader.data(row)
                family = _cell(row, "family")
                if family:
                    # The two refusals below are the family's (FamilyRefused); a later one is the row's.
                    try:
                        uuid.UUID(family)
                    except ValueError:
                        raise FamilyRefused(
                            _("The family %(family)s is not a question family.") % {"family": family}
                        ) from None
                    versions = list(Question.objects.filter(family=family))
                    if any(_as_stored(version, data) for version in versions):
                        # As exported: the live version left as it is, and an earlier version's row (an export
                        # of the bank lists every version) not laid over the live one.
                        continue
                    live = next((v for v in versions if v.status != Question.Status.RETIRED), None)
                    if live is None:
                        raise FamilyRefused(_("No live version of question family %(family)s.") % {"family": family})
                    data["options"], data["correct"] = with_stored_keys(
                        (live.options, live.correct), data["options"], data["correct"]
                    )
                    question_bank.do_revise_question(question_id=live.pk, changes=data, by=by)
                    report.revised += 1
                else:
                    question_bank.do_create_question(data=data)
                    report.created += 1
            except RowErrors as refused:
                # The cells that could not be read, and the bank's rules about the others: every problem at once.
                refusals = [*refused.by_column, *bank_refusals(refused.data, unread=refused.unread)]
            except FamilyRefused as refused:
                refusals = [("family", str(refused)), *bank_refusals(data)]
            except question_bank.QuestionRefused as refused:
                # Each under its column where it is about one (``text_en``, ``options_zh`` …), else the row's.
                refusals = [(field if field in HEADERS else "", str(message)) for field, message in refused.problems]
            except (ExamError, ValueError) as error:
                refusals = [("", str(error))]
            if refusals:
                report.errors.extend((number, message) for _column, message in refusals)
                rows.append(_row_problem(number, row, refusals))
        if report.errors:
            raise ImportRefused(report.errors, rows)
        audit.record(
            audit.Action.ADMIN_IMPORT,
            actor=by,
            summary=f"{file_name or 'questions'}: {report.created} new questions, {report.revised} revised",
            detail={
                "model": Question._meta.label, "file": file_name, "rows": len(dataset), "created": report.created,
                "revised": report.revised,
            },
        )  # fmt: skip
    return report
