"""The question bank: questions and their versions (a version an attempt has shown never changes)."""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.models import User
from core.text_rules import refuse_control_characters_in_text
from courses.knowledge import KnowledgeArea

from .. import selectors
from ..models import AttemptQuestion, Question, QuestionType
from . import ExamError

QUESTION_FIELDS = (
    "course_id", "knowledge_area", "difficulty", "question_type", "text_zh", "text_en",
    "options", "correct", "rubric_zh", "rubric_en", "max_score", "status",
)  # fmt: skip


class QuestionRefused(ExamError):
    """A question's data broke one rule or more; ``messages`` names every one (an import row lists them all) and
    ``problems`` pairs each with the field it is about (a name of the admin form's fields and the import's columns:
    ``text_en``, ``options_zh`` …; "" for the question as a whole), for the form and the import to show it there."""

    def __init__(self, messages: list[str | Promise], *, fields: list[str] | None = None) -> None:
        fields = fields if fields is not None else [""] * len(messages)
        super().__init__("bad_question", messages[0], field=fields[0] or None)
        self.messages = messages
        self.problems: list[tuple[str, str | Promise]] = list(zip(fields, messages, strict=True))


def _has_line_break(text: str) -> bool:
    """Whether ``text`` breaks a line anywhere (where ``str.splitlines`` would: a line feed, a carriage return, a
    vertical tab as a word processor pastes one, U+2028 …)."""
    return text.splitlines() != [text]


def question_data_problems(data: Mapping[str, Any]) -> list[str | Promise]:
    """Every rule the shape of a question of its type breaks (empty: none). A rule that needs an earlier
    one to hold (the options' keys need options that are a list) is judged only when that one holds."""
    problems: list[str | Promise] = []
    kind = data.get("question_type")
    if kind not in QuestionType.values:
        problems.append(_("Unknown question type."))
    if data.get("knowledge_area") not in KnowledgeArea.values:
        problems.append(_("Unknown knowledge area."))
    try:
        difficulty_ok = 1 <= int(data.get("difficulty")) <= 5  # type: ignore[arg-type]
    except (TypeError, ValueError):
        difficulty_ok = False
    if not difficulty_ok:
        problems.append(_("Difficulty must be a number from 1 to 5."))
    if not (data.get("text_zh") or "").strip() or not (data.get("text_en") or "").strip():
        problems.append(_("The question needs its text in both languages."))
    if Decimal(str(data.get("max_score") or 0)) <= 0:
        problems.append(_("The maximum score must be above zero."))
    options = data.get("options") or []
    correct = data.get("correct") or []
    if not isinstance(options, list) or not isinstance(correct, list):
        return [*problems, _("Options and correct options must be lists.")]
    if kind == QuestionType.ESSAY:
        if options or correct:
            problems.append(_("An essay question has no options."))
        if not (data.get("rubric_zh") or "").strip() and not (data.get("rubric_en") or "").strip():
            problems.append(_("An essay question needs a rubric."))
        return problems
    if kind not in QuestionType.values:
        return problems
    keys = []
    for option in options:
        if not isinstance(option, dict) or not str(option.get("key", "")).strip():
            return [*problems, _("Every option needs a key.")]
        if not str(option.get("zh", "")).strip() or not str(option.get("en", "")).strip():
            return [*problems, _("Every option needs its text in both languages.")]
        keys.append(str(option["key"]))
    if any(_has_line_break(str(option[language])) for option in options for language in ("zh", "en")):
        # The admin form and the import read one option a line: an option of two could not be written back.
        problems.append(_("An option is one line: write it without line breaks."))
    if len(set(keys)) != len(keys):
        problems.append(_("Option keys must differ."))
    if kind == QuestionType.TRUE_FALSE and len(keys) != 2:
        problems.append(_("A true-or-false question has exactly two options."))
    if len(keys) < 2:
        problems.append(_("A choice question needs at least two options."))
    if not correct or not set(correct) <= set(keys) or len(set(correct)) != len(correct):
        problems.append(_("The correct options must be among the question's options."))
    if kind != QuestionType.MULTIPLE and len(correct) != 1:
        problems.append(_("This type of question has exactly one correct option."))
    return problems


def syllabus_problems(data: Mapping[str, Any]) -> list[str | Promise]:
    """Whether the syllabus of the question's course lists its knowledge area (``selectors.syllabus_areas``):
    the exam pages send trainees to the syllabus's topics of each area. A retired version is not held to
    it (retiring is how a question written outside the syllabus leaves the bank, its rows kept), nor is a
    question of a course without a syllabus."""
    area, course_id = data.get("knowledge_area"), data.get("course_id")
    if data.get("status") == Question.Status.RETIRED or course_id is None or area not in KnowledgeArea.values:
        return []
    areas = selectors.syllabus_areas(course_id)
    if areas is None or area in areas:
        return []
    listed = ", ".join(str(choice.label) for choice in KnowledgeArea if choice.value in areas)
    return [
        _("The course's syllabus does not list the knowledge area %(area)s: choose one of its areas (%(areas)s), "
          "or retire the question.") % {"area": KnowledgeArea(area).label, "areas": listed}
    ]  # fmt: skip


#: A question's texts of many lines: they keep their layout (core.text_rules.TEXT_LAYOUT).
TEXT_FIELDS = ("text_zh", "text_en", "rubric_zh", "rubric_en")
#: The field (and import column) of each language's options.
OPTION_FIELDS = {"zh": "options_zh", "en": "options_en"}


def _control_character(text: object) -> str | None:
    """core.text_rules' message for the first invisible control character of ``text`` (its layout kept), or None."""
    try:
        refuse_control_characters_in_text(text)
    except ValidationError as refused:
        return str(refused.messages[0])
    return None


def control_character_problems(data: Mapping[str, Any]) -> list[tuple[str, str | Promise]]:
    """Every text of the question holding an invisible control character (core.text_rules), with the field it is
    in: a bidirectional control (U+202E …), a zero-width space, a byte-order mark would show every trainee other text
    than was written. Texts and rubrics keep their line breaks and tabs; an option names its letter (A the first).
    A retired version is not held to it (it is drawn for nobody; it must be able to leave the bank as it is):
    bringing it back is."""
    if data.get("status") == Question.Status.RETIRED:
        return []
    problems: list[tuple[str, str | Promise]] = []
    for field in TEXT_FIELDS:
        message = _control_character(data.get(field) or "")
        if message is not None:
            problems.append((field, message))
    options = data.get("options")
    if isinstance(options, list):
        for language, field in OPTION_FIELDS.items():
            for letter, option in zip(string.ascii_uppercase, options, strict=False):
                message = _control_character(option.get(language, "")) if isinstance(option, dict) else None
                if message is not None:
                    problems.append(
                        (field, _("Option %(letter)s: %(problem)s") % {"letter": letter, "problem": message})
                    )
    return problems


def check_question_data(*, data: Mapping[str, Any]) -> None:
    """The shape of a question of its type, its knowledge area against its course's syllabus, and its texts
    without invisible control characters; raises ``QuestionRefused`` naming every rule it breaks (each text's
    under its field)."""
    problems: list[tuple[str, str | Promise]] = [
        *(("", message) for message in [*question_data_problems(data), *syllabus_problems(data)]),
        *control_character_problems(data),
    ]
    if problems:
        raise QuestionRefused([message for _field, message in problems], fields=[field for field, _m in problems])


def question_was_shown(question_id: int) -> bool:
    return AttemptQuestion.objects.filter(question_id=question_id).exists()


def replacing_version(question: Question) -> Question | None:
    """The version of ``question``'s family that replaced it (its live version, else its latest), or None when
    ``question`` is its family's latest version. A replaced version stays as attempts showed it: it is not edited."""
    family = Question.objects.filter(family=question.family)
    if not family.filter(version__gt=question.version).exists():
        return None
    return family.exclude(status=Question.Status.RETIRED).first() or family.order_by("-version").first()


def replaced_refusal(question: Question, replacing: Question) -> ExamError:
    """The refusal of a change to ``question``, which the version ``replacing`` replaced."""
    return ExamError(
        "replaced",
        _("Version %(old)s of this question was replaced by version %(new)s and can no longer be edited: nothing was "
          "saved.") % {"old": question.version, "new": replacing.version},
    )  # fmt: skip


def correct_letters(options: list[Any], correct: list[Any]) -> str:
    """The correct options by the letter of their place (A the first), as the admin form and the import write them."""
    letters = {
        option.get("key"): letter
        for letter, option in zip(string.ascii_uppercase, options, strict=False)
        if isinstance(option, dict)
    }
    return ",".join(letters.get(key, str(key)) for key in correct)


def _revision(question: Question, changes: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The question's fields with ``changes`` laid over them, and the names of those that change."""
    current = {field: getattr(question, field) for field in QUESTION_FIELDS}
    merged = {**current, **{k: v for k, v in changes.items() if k in QUESTION_FIELDS}}
    return merged, [field for field in QUESTION_FIELDS if merged[field] != current[field]]


def check_revise_question(*, question: Question, changes: Mapping[str, Any]) -> None:
    """Whether ``changes`` may be saved to ``question`` as stored: the question bank's rules
    (``check_question_data``, a ``QuestionRefused``), then a version's own (an ``ExamError``): a version a later one
    replaced is not edited, and a retired version an attempt has shown changes only by being brought back."""
    merged, changed = _revision(question, changes)
    check_question_data(data=merged)
    if not changed:
        return
    replacing = replacing_version(question)
    if replacing is not None:
        raise replaced_refusal(question, replacing)
    if (
        question.status == Question.Status.RETIRED
        and merged["status"] == Question.Status.RETIRED
        and question_was_shown(question.pk)
    ):
        raise ExamError("retired", _("A retired version that an attempt has shown cannot be edited."))


@transaction.atomic
def do_create_question(*, data: Mapping[str, Any]) -> Question:
    check_question_data(data=data)
    return Question.objects.create(**{k: v for k, v in data.items() if k in QUESTION_FIELDS or k == "family"})


@transaction.atomic
def do_revise_question(*, question_id: int, changes: Mapping[str, Any], by: User | None = None) -> Question:
    """Apply ``changes``; a version an attempt has shown stays as it was and a new version is made.

    Locks the question row. Returns the row that now carries the changes (the same row when no
    attempt has shown it, else version + 1 of the family; the old version is retired). A new version, or a new
    answer key, is recorded in the audit trail (``by``, else whoever the request is from).
    """
    question = Question.objects.select_for_update().get(pk=question_id)
    check_revise_question(question=question, changes=changes)
    merged, changed = _revision(question, changes)
    if not changed:
        return question
    if not question_was_shown(question.pk) or changed == ["status"]:
        # Not shown: nothing a trainee saw changes. Retiring or activating does not change what a trainee saw.
        old_correct = correct_letters(question.options, question.correct)
        for field in changed:
            setattr(question, field, merged[field])
        question.save(update_fields=changed)
        if "correct" in changed:
            _record_revision(question, question, old_correct, changed, by)
        return question
    old_correct = correct_letters(question.options, question.correct)
    question.status = Question.Status.RETIRED
    question.save(update_fields=["status"])
    revised = Question.objects.create(family=question.family, version=question.version + 1, **merged)
    _record_revision(question, revised, old_correct, changed, by)
    return revised


def _record_revision(old: Question, new: Question, old_correct: str, changed: list[str], by: User | None) -> None:
    audit.record(
        audit.Action.QUESTION_REVISED,
        actor=by,
        target=new,
        summary=f"question {old.family}: version {old.version} -> {new.version}; "
        f"correct {old_correct} -> {correct_letters(new.options, new.correct)}",
        detail={
            "family": str(old.family), "old_version": old.version, "new_version": new.version,
            "old_question_id": old.pk, "old_correct": old_correct,
            "new_correct": correct_letters(new.options, new.correct), "changed": changed,
        },
    )  # fmt: skip
