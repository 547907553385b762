"""The question bank: questions and their versions (a version an attempt has shown never changes)."""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Collection, Mapping
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


def difficulty_problem(value: object) -> str | Promise | None:
    """The rule of a question's difficulty: a whole number from 1 to 5 (None: it holds). The admin's form says it under
    the field, so that the model's constraint of the same (``question_difficulty_1_to_5``) does not say it again."""
    try:
        difficulty_ok = 1 <= int(value) <= 5  # type: ignore[call-overload]
    except (TypeError, ValueError):
        difficulty_ok = False
    return None if difficulty_ok else _("Difficulty must be a number from 1 to 5.")


def max_score_problem(value: object) -> str | Promise | None:
    """The rule of a question's maximum score: above zero (None: it holds); under the field in the admin's form, as
    :func:`difficulty_problem` (the model's ``question_max_score_positive``)."""
    if Decimal(str(value or 0)) <= 0:
        return _("The maximum score must be above zero.")
    return None


def question_data_problems(data: Mapping[str, Any], *, unread: Collection[str] = ()) -> list[str | Promise]:
    """Every rule the shape of a question of its type breaks (empty: none). A rule that needs an earlier
    one to hold (the options' keys need options that are a list) is judged only when that one holds.

    ``unread``: the fields (of :data:`QUESTION_FIELDS`) whose value could not be read, a cell of an import row or a
    field of the admin's form already refused in its own words: no rule about them, or needing them, is judged (the
    problem is said once, and every other one at the same time)."""
    problems: list[str | Promise] = []

    def judged(*fields: str) -> bool:
        return not any(field in unread for field in fields)

    kind = data.get("question_type")
    if judged("question_type") and kind not in QuestionType.values:
        problems.append(_("Unknown question type."))
    if judged("knowledge_area") and data.get("knowledge_area") not in KnowledgeArea.values:
        problems.append(_("Unknown knowledge area."))
    difficulty = difficulty_problem(data.get("difficulty")) if judged("difficulty") else None
    if difficulty is not None:
        problems.append(difficulty)
    texts = (data.get("text_zh") or "").strip(), (data.get("text_en") or "").strip()
    if judged("text_zh", "text_en") and not all(texts):
        problems.append(_("The question needs its text in both languages."))
    max_score = max_score_problem(data.get("max_score")) if judged("max_score") else None
    if max_score is not None:
        problems.append(max_score)
    if not judged("question_type"):
        return problems
    options = data.get("options") or []
    correct = data.get("correct") or []
    if not isinstance(options, list) or not isinstance(correct, list):
        return [*problems, _("Options and correct options must be lists.")]
    if kind == QuestionType.ESSAY:
        if (judged("options") and options) or (judged("correct") and correct):
            problems.append(_("An essay question has no options."))
        if not (data.get("rubric_zh") or "").strip() and not (data.get("rubric_en") or "").strip():
            problems.append(_("An essay question needs a rubric."))
        return problems
    if kind not in QuestionType.values or not judged("options"):
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
    if not judged("correct"):
        return problems
    if not correct or not set(correct) <= set(keys) or len(set(correct)) != len(correct):
        problems.append(_("The correct options must be among the question's options."))
    if kind != QuestionType.MULTIPLE and len(correct) != 1:
        problems.append(_("This type of question has exactly one correct option."))
    return problems


def option_as_read(text: object) -> str:
    """An option as a reader tells it from another: trimmed, each run of spaces one space, full-width and other
    compatibility forms folded (NFKC) and case folded, as e-mail addresses are compared
    (``accounts.identifiers.normalize_email``): ``Ｃａｓｈ``, `` cash`` and ``CASH`` read the same."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def same_option_problems(data: Mapping[str, Any], *, unread: Collection[str] = ()) -> list[tuple[str, str | Promise]]:
    """Each option that reads as an earlier option of the question does (:func:`option_as_read`), in either
    language, under that language's options (:data:`OPTION_FIELDS`): the trainee could not tell the two apart. An
    option names its letter (A the first). A retired version is not held to it (it is drawn for nobody; stored
    before the rule, it must be able to leave the bank as it is): bringing it back is."""
    options = data.get("options")
    if data.get("status") == Question.Status.RETIRED or "options" in unread or not isinstance(options, list):
        return []
    problems: list[tuple[str, str | Promise]] = []
    for language, field in OPTION_FIELDS.items():
        seen: dict[str, str] = {}
        for letter, option in zip(string.ascii_uppercase, options, strict=False):
            text = str(option.get(language, "")).strip() if isinstance(option, dict) else ""
            read = option_as_read(text)
            if not read:
                continue  # an option without its text is the shape's rule
            if read in seen:
                problems.append(
                    (field, _("Option %(later)s is the same as option %(earlier)s (“%(text)s”): the options of a "
                              "question must differ.") % {"later": letter, "earlier": seen[read], "text": text})
                )  # fmt: skip
            else:
                seen[read] = letter
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


#: What the syllabus's rule reads: either unread, it is not judged.
SYLLABUS_FIELDS = frozenset({"course_id", "knowledge_area"})


def question_problems(data: Mapping[str, Any], *, unread: Collection[str] = ()) -> list[tuple[str, str | Promise]]:
    """Every rule of the question bank the question breaks, each with the field it is shown under ("" for the
    question as a whole): the shape of a question of its type, its knowledge area against its course's syllabus, its
    texts without invisible control characters, and options that differ. ``unread``: as :func:`question_data_problems`
    (fields already refused in their own words; an unread course or knowledge area has no syllabus to be held to)."""
    return [
        *(("", message) for message in question_data_problems(data, unread=unread)),
        *(("", message) for message in syllabus_problems({**data, **dict.fromkeys(set(unread) & SYLLABUS_FIELDS)})),
        *control_character_problems(data),
        *same_option_problems(data, unread=unread),
    ]


def check_question_data(*, data: Mapping[str, Any], unread: Collection[str] = ()) -> None:
    """Raises ``QuestionRefused`` naming every rule of :func:`question_problems` the question breaks (each text's and
    each language's options' under its field)."""
    problems = question_problems(data, unread=unread)
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


def check_revise_question(*, question: Question, changes: Mapping[str, Any], unread: Collection[str] = ()) -> None:
    """Whether ``changes`` may be saved to ``question`` as stored: the question bank's rules
    (``check_question_data``, a ``QuestionRefused``; ``unread`` as there), then a version's own (an ``ExamError``): a
    version a later one replaced is not edited, and a retired version an attempt has shown changes only by being
    brought back."""
    merged, changed = _revision(question, changes)
    check_question_data(data=merged, unread=unread)
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
