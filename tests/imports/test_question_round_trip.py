"""A file the bank exported imports as it is (the import page says so): the export writes the options in their order
and the correct ones by letter (A the first option), whatever keys the bank stores (``opt-secret-b``, ``t``), and
the file imported unchanged changes nothing: no question revised, none made a new version, though attempts have
shown some and the bank holds an earlier version of one. A row changed in the file revises its question as the
bank's rule says (in place; a new version where an attempt has shown it)."""

from __future__ import annotations

from typing import Any

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.imports.reader import read_spreadsheet
from exams import imports as question_imports
from exams.models import AttemptQuestion, Question, QuestionType
from exams.services import attempts, question_bank
from tests.exams.conftest import SECRET, approve, make_paper, open_sitting
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/exams/question/"
IMPORT_PAGE = "/en/admin/exams/question/import/"


@pytest.fixture
def bank(institution, trainee) -> dict[str, Question]:
    """A course's bank as the demo's: two questions of each type (single, multiple, true or false, essay) stored
    under keys that are not their letters, an attempt that has shown some of them, and a shown question already
    revised (its first version retired, kept for the attempt)."""
    cohort = CohortFactory(institution=institution)
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course, essay=True)
    approve(trainee, cohort)
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(paper, cohort))
    shown = {item.question.question_type: item.question for item in attempt.items.select_related("question")}
    revised = question_bank.do_revise_question(
        question_id=shown[QuestionType.TRUE_FALSE].pk, changes={"text_en": "True or false, reworded"}
    )
    assert revised.version == 2
    unshown = Question.objects.filter(question_type=QuestionType.SINGLE).exclude(pk=shown[QuestionType.SINGLE].pk)
    return {"shown single": shown[QuestionType.SINGLE], "shown multiple": shown[QuestionType.MULTIPLE],
            "unshown single": unshown.get(), "revised": revised}  # fmt: skip


def the_bank() -> list[dict[str, Any]]:
    return list(Question.objects.order_by("pk").values())


def exported(office: Client, fmt: str, questions: list[Question] | None = None) -> bytes:
    """The ``questions`` (the whole bank: None) as the list's export action writes them."""
    pks = [question.pk for question in questions] if questions else list(Question.objects.values_list("pk", flat=True))
    response = office.post(CHANGELIST, {"action": f"export_{fmt}", "_selected_action": pks})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return response.content


def imported(office: Client, content: bytes, fmt: str) -> list[str]:
    """The messages the list shows once the import page has taken the file."""
    response = office.post(IMPORT_PAGE, {"file": SimpleUploadedFile(f"questions.{fmt}", content)})
    assert response.status_code == 302, response.context["errors"]
    return [str(message) for message in get_messages(response.wsgi_request)]


def rows_of(content: bytes, fmt: str) -> list[dict[str, Any]]:
    """The file's rows as the import reads them, by header."""
    return read_spreadsheet(content, fmt).dict


def row_of(rows: list[dict[str, Any]], question: Question) -> dict[str, Any]:
    return next(row for row in rows if (row["family"], str(row["version"])) == (str(question.family),
                                                                                str(question.version)))  # fmt: skip


def as_file(rows: list[dict[str, Any]]) -> bytes:
    """The rows as a CSV, as staff save the exported file after editing it."""
    data = tablib.Dataset(headers=question_imports.HEADERS)
    for row in rows:
        data.append([row[header] for header in question_imports.HEADERS])
    return data.export("csv").encode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exported_bank_imported_unchanged_changes_nothing(office, bank, fmt):
    before = the_bank()
    assert imported(office, exported(office, fmt), fmt) == ["Imported: 0 new questions, 0 revised."]
    assert the_bank() == before


def test_the_rows_of_shown_questions_imported_unchanged_keep_their_versions(office, bank):
    shown = [bank["shown single"], bank["shown multiple"], bank["revised"]]
    before = the_bank()
    assert imported(office, exported(office, "csv", shown), "csv") == ["Imported: 0 new questions, 0 revised."]
    assert the_bank() == before


def test_the_export_writes_the_correct_options_by_letter_in_the_options_order(office, bank):
    data = rows_of(exported(office, "csv"), "csv")
    single, multiple = row_of(data, bank["shown single"]), row_of(data, bank["shown multiple"])
    assert single["options_en"] == "Option a | Option b | Option c | Option d"
    assert single["correct"] == "B"  # stored as opt-secret-b, the second option
    assert multiple["correct"] == "A,C"
    assert row_of(data, bank["revised"])["correct"] == "A"  # opt-secret-t, the first of True, False
    assert SECRET not in exported(office, "csv").decode()


def test_an_option_changed_in_the_file_makes_a_new_version_of_a_shown_question(office, bank):
    shown = bank["shown single"]
    data = rows_of(exported(office, "csv"), "csv")
    row_of(data, shown)["options_en"] = "Option a | Option B, reworded | Option c | Option d"
    assert imported(office, as_file(data), "csv") == ["Imported: 0 new questions, 1 revised."]

    old = Question.objects.get(pk=shown.pk)
    assert old.options == shown.options and old.status == Question.Status.RETIRED  # as the attempt showed it
    assert AttemptQuestion.objects.filter(question=old).exists()
    new = Question.objects.get(family=shown.family, version=shown.version + 1)
    assert [option["en"] for option in new.options] == ["Option a", "Option B, reworded", "Option c", "Option d"]
    assert new.correct == [new.options[1]["key"]]  # still the second option


def test_an_option_changed_in_the_file_revises_an_unshown_question_in_place(office, bank):
    unshown = bank["unshown single"]
    data = rows_of(exported(office, "csv"), "csv")
    row_of(data, unshown)["options_zh"] = "選項a | 選項b | 選項c改 | 選項d"
    before = Question.objects.count()
    assert imported(office, as_file(data), "csv") == ["Imported: 0 new questions, 1 revised."]
    unshown.refresh_from_db()
    assert unshown.version == 1 and [option["zh"] for option in unshown.options][2] == "選項c改"
    assert Question.objects.count() == before


def test_the_correct_option_moved_in_the_file_makes_a_new_version_of_a_shown_question(office, bank):
    shown = bank["shown single"]
    data = rows_of(exported(office, "csv"), "csv")
    row_of(data, shown)["correct"] = "C"
    imported(office, as_file(data), "csv")
    new = Question.objects.get(family=shown.family, version=shown.version + 1)
    assert new.correct == [new.options[2]["key"]]
    assert Question.objects.get(pk=shown.pk).correct == shown.correct


def test_the_admin_form_and_the_import_keep_stored_keys_by_one_rule():
    stored = ([{"key": "t", "zh": "對", "en": "True"}, {"key": "f", "zh": "錯", "en": "False"}], ["t"])
    read = question_imports.options_and_correct("對\n錯", "True | False", "A", lambda column, message: None)
    assert question_imports.with_stored_keys(stored, *read) == stored
    moved = question_imports.options_and_correct("對\n錯", "True | False", "B", lambda column, message: None)
    assert question_imports.with_stored_keys(stored, *moved) == moved
