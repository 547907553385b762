"""Every write of the exams app: the question bank, sittings, attempts, answers, grading.

Views, admin, tasks and the demo call these functions. Each refusal raises :class:`ExamError`
with a stable ``code`` (views map it to an HTTP status) and a translatable message.

Locks: submitting locks the attempt row (``select_for_update``); grading claims the attempt
with a conditional ``UPDATE … WHERE state='submitted'`` so a re-delivered or concurrent task
finds nothing to do; an essay grade locks the attempt row before it may finalize the result.
The server's clock is the only clock: every deadline comparison uses ``timezone.now()``.
"""

from __future__ import annotations

import datetime
import json
import logging
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

from accounts import audit
from accounts.converters import parse_id
from accounts.scoping import institution_of, is_program_office
from core.errors import DomainError
from courses.models import CurriculumCourse

from . import selectors
from .models import (
    OBJECTIVE_TYPES,
    Attempt,
    AttemptQuestion,
    CourseResult,
    ExamPaper,
    KnowledgeArea,
    Question,
    QuestionType,
    Sitting,
)
from .signals import result_published

if TYPE_CHECKING:
    from accounts.models import User
    from courses.models import Cohort

State = Attempt.State
log = logging.getLogger(__name__)


class ExamError(DomainError):
    """An exam rule refused the request.

    Codes: bad_question, retired, not_authorized, foreign_cohort, course_not_in_curriculum,
    bad_window, not_eligible, not_open_yet, window_closed, already_passed, attempts_used_up,
    retake_wait, result_pending, bank_short, not_found, not_in_attempt, bad_answer, too_long,
    time_up, already_submitted, not_essay, bad_score, not_yours, final.
    """


def grace() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "EXAM_SAVE_GRACE_SECONDS", 30))


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Enqueue ``task`` after commit. A broker outage is logged, never raised to the trainee: the row
    still says what is owed (a submitted attempt, an unmailed result) and ``do_sweep_grading`` enqueues
    it again."""

    def send() -> None:
        if task.app.conf.task_always_eager:  # unit tests: a failing task must fail the test
            task.delay(*args)
            return
        try:
            task.delay(*args)
        except Exception as exc:  # the broker or the result backend is unreachable (kombu, redis, celery)
            log.warning("Could not enqueue %s%r (the sweeper will): %r", task.name, args, exc)

    transaction.on_commit(send)


# --- question bank ---------------------------------------------------------------------------

QUESTION_FIELDS = (
    "course_id", "knowledge_area", "difficulty", "question_type", "text_zh", "text_en",
    "options", "correct", "rubric_zh", "rubric_en", "max_score", "status",
)  # fmt: skip


def check_question_data(*, data: Mapping[str, Any]) -> None:
    """The shape of a question of its type; raises ``ExamError('bad_question')``."""

    def bad(message: str | Promise) -> ExamError:
        return ExamError("bad_question", message)

    kind = data.get("question_type")
    if kind not in QuestionType.values:
        raise bad(_("Unknown question type."))
    if data.get("knowledge_area") not in KnowledgeArea.values:
        raise bad(_("Unknown knowledge area."))
    try:
        difficulty = int(data.get("difficulty"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise bad(_("Difficulty must be a number from 1 to 5.")) from None
    if not 1 <= difficulty <= 5:
        raise bad(_("Difficulty must be a number from 1 to 5."))
    if not (data.get("text_zh") or "").strip() or not (data.get("text_en") or "").strip():
        raise bad(_("The question needs its text in both languages."))
    if Decimal(str(data.get("max_score") or 0)) <= 0:
        raise bad(_("The maximum score must be above zero."))
    options = data.get("options") or []
    correct = data.get("correct") or []
    if not isinstance(options, list) or not isinstance(correct, list):
        raise bad(_("Options and correct options must be lists."))
    if kind == QuestionType.ESSAY:
        if options or correct:
            raise bad(_("An essay question has no options."))
        if not (data.get("rubric_zh") or "").strip() and not (data.get("rubric_en") or "").strip():
            raise bad(_("An essay question needs a rubric."))
        return
    keys = []
    for option in options:
        if not isinstance(option, dict) or not str(option.get("key", "")).strip():
            raise bad(_("Every option needs a key."))
        if not str(option.get("zh", "")).strip() or not str(option.get("en", "")).strip():
            raise bad(_("Every option needs its text in both languages."))
        keys.append(str(option["key"]))
    if len(set(keys)) != len(keys):
        raise bad(_("Option keys must differ."))
    if kind == QuestionType.TRUE_FALSE and len(keys) != 2:
        raise bad(_("A true-or-false question has exactly two options."))
    if len(keys) < 2:
        raise bad(_("A choice question needs at least two options."))
    if not correct or not set(correct) <= set(keys) or len(set(correct)) != len(correct):
        raise bad(_("The correct options must be among the question's options."))
    if kind != QuestionType.MULTIPLE and len(correct) != 1:
        raise bad(_("This type of question has exactly one correct option."))


def question_was_shown(question_id: int) -> bool:
    return AttemptQuestion.objects.filter(question_id=question_id).exists()


@transaction.atomic
def do_create_question(*, data: Mapping[str, Any]) -> Question:
    check_question_data(data=data)
    return Question.objects.create(**{k: v for k, v in data.items() if k in QUESTION_FIELDS or k == "family"})


@transaction.atomic
def do_revise_question(*, question_id: int, changes: Mapping[str, Any]) -> Question:
    """Apply ``changes``; a version an attempt has shown stays as it was and a new version is made.

    Locks the question row. Returns the row that now carries the changes (the same row when no
    attempt has shown it, else version + 1 of the family; the old version is retired).
    """
    question = Question.objects.select_for_update().get(pk=question_id)
    current = {field: getattr(question, field) for field in QUESTION_FIELDS}
    merged = {**current, **{k: v for k, v in changes.items() if k in QUESTION_FIELDS}}
    check_question_data(data=merged)
    changed = [field for field in QUESTION_FIELDS if merged[field] != current[field]]
    if not changed:
        return question
    if not question_was_shown(question.pk):
        for field in changed:
            setattr(question, field, merged[field])
        question.save(update_fields=changed)
        return question
    if question.status == Question.Status.RETIRED and merged["status"] == Question.Status.RETIRED:
        raise ExamError("retired", _("A retired version that an attempt has shown cannot be edited."))
    if changed == ["status"]:
        # Retiring or activating does not change what a trainee saw.
        question.status = merged["status"]
        question.save(update_fields=["status"])
        return question
    question.status = Question.Status.RETIRED
    question.save(update_fields=["status"])
    return Question.objects.create(family=question.family, version=question.version + 1, **merged)


# --- sittings --------------------------------------------------------------------------------


def check_schedule_sitting(
    *, by: User, cohort: Cohort, paper: ExamPaper, opens_at: datetime.datetime, closes_at: datetime.datetime,
    is_online: bool, place: str,
) -> None:  # fmt: skip
    if not is_program_office(by):
        institution = institution_of(by)
        if institution is None or institution.pk != cohort.institution_id:
            raise ExamError("foreign_cohort", _("You can schedule sittings only for your institution's cohorts."))
    if not cohort.institution.is_authorized_on(timezone.localdate(opens_at)):
        raise ExamError("not_authorized", _("The institution is not authorized on the day the sitting opens."))
    if not CurriculumCourse.objects.filter(curriculum_id=cohort.curriculum_id, course_id=paper.course_id).exists():
        raise ExamError("course_not_in_curriculum", _("The cohort's curriculum does not include this course."))
    if closes_at <= opens_at:
        raise ExamError("bad_window", _("The window must close after it opens."))
    if not is_online and not place.strip():
        raise ExamError("bad_window", _("Give the place of the sitting, or mark it online."))


@transaction.atomic
def do_schedule_sitting(
    *, by: User, cohort: Cohort, paper: ExamPaper, opens_at: datetime.datetime, closes_at: datetime.datetime,
    is_online: bool = False, place: str = "",
) -> Sitting:  # fmt: skip
    check_schedule_sitting(
        by=by, cohort=cohort, paper=paper, opens_at=opens_at, closes_at=closes_at, is_online=is_online, place=place
    )
    return Sitting.objects.create(
        cohort=cohort, paper=paper, opens_at=opens_at, closes_at=closes_at, is_online=is_online, place=place
    )


# --- attempts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """What the trainee has done on one paper: read once, used for every sitting of the page."""

    attempts: list[Attempt]
    passed: bool


def standing_of(*, trainee_id: int, paper_id: int) -> Standing:
    attempts = list(Attempt.objects.filter(trainee_id=trainee_id, paper_id=paper_id).order_by("number"))
    paper = ExamPaper.objects.only("course_id").get(pk=paper_id)
    return Standing(attempts=attempts, passed=paper.course_id in selectors.passed_course_ids(trainee_id))


def check_start_attempt(
    *, sitting: Sitting, standing: Standing, eligible: bool, now: datetime.datetime | None = None
) -> None:
    """Why the trainee cannot start an attempt at ``sitting`` now (an ``ExamError``), or nothing."""
    now = now or timezone.now()
    paper = sitting.paper
    if not eligible:
        raise ExamError(
            "not_eligible", _("You are not eligible: you need an approved enrolment in this cohort for this course.")
        )
    if now < sitting.opens_at:
        raise ExamError("not_open_yet", _("The sitting has not opened yet."))
    if now >= sitting.closes_at:
        raise ExamError("window_closed", _("The sitting's window has closed."))
    if standing.passed:
        raise ExamError("already_passed", _("You have already passed this course."))
    finished = [a for a in standing.attempts if a.state != State.OPEN]
    if len(finished) >= paper.max_attempts:
        raise ExamError("attempts_used_up", _("You have used all %(count)s attempts.") % {"count": paper.max_attempts})
    if finished:
        last = finished[-1]
        if last.state in (State.SUBMITTED, State.GRADING):
            raise ExamError("result_pending", _("Your previous attempt is still being graded."))
        allowed = last.submitted_at + datetime.timedelta(days=paper.retake_wait_days)
        if now < allowed:
            raise ExamError(
                "retake_wait",
                _("You may retake this exam from %(when)s.")
                % {"when": date_format(timezone.localtime(allowed), "DATETIME_FORMAT")},
            )


def draw_questions(*, paper: ExamPaper, seed: int) -> list[tuple[Question, list[str]]]:
    """The questions and option orders a seed draws from the paper's blueprint (reproducible).

    Candidates are the active questions in primary-key order, so the same seed over the same
    bank draws the same set.
    """
    rng = random.Random(seed)
    pool = list(selectors.drawable_questions(course_id=paper.course_id))
    chosen: list[Question] = []
    for row in paper.blueprint.order_by("pk"):
        candidates = [
            q for q in pool
            if q.question_type == row.question_type and q.difficulty == row.difficulty
            and q.knowledge_area == row.knowledge_area
        ]  # fmt: skip
        if len(candidates) < row.count:
            raise ExamError("bank_short", _("The question bank cannot fill this paper yet; tell the program office."))
        chosen.extend(rng.sample(candidates, row.count))
    if not chosen:
        raise ExamError("bank_short", _("The question bank cannot fill this paper yet; tell the program office."))
    rng.shuffle(chosen)
    drawn = []
    for question in chosen:
        order = [str(option["key"]) for option in question.options]
        rng.shuffle(order)
        drawn.append((question, order))
    return drawn


@transaction.atomic
def do_start_attempt(*, trainee: User, sitting: Sitting, now: datetime.datetime | None = None) -> Attempt:
    """Resume the trainee's open attempt at the paper, or start one inside the window.

    A second tab racing this one meets the one-open-attempt constraint and resumes the winner's.
    """
    now = now or timezone.now()
    open_attempt = Attempt.objects.filter(trainee=trainee, paper_id=sitting.paper_id, state=State.OPEN).first()
    if open_attempt is not None:
        return open_attempt
    standing = standing_of(trainee_id=trainee.pk, paper_id=sitting.paper_id)
    eligible = selectors.is_eligible(trainee_id=trainee.pk, sitting=sitting)
    check_start_attempt(sitting=sitting, standing=standing, eligible=eligible, now=now)
    paper = sitting.paper
    seed = secrets.randbits(62)
    drawn = draw_questions(paper=paper, seed=seed)
    deadline = min(now + datetime.timedelta(minutes=paper.time_limit_minutes), sitting.closes_at)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                sitting=sitting, paper=paper, trainee=trainee, number=len(standing.attempts) + 1, seed=seed,
                started_at=now, deadline=deadline,
            )  # fmt: skip
    except IntegrityError:
        attempt = Attempt.objects.filter(trainee=trainee, paper_id=sitting.paper_id, state=State.OPEN).first()
        if attempt is None:
            raise
        return attempt
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, question=q, position=i, option_order=order)
        for i, (q, order) in enumerate(drawn, start=1)
    )
    return attempt


def _parse_answer(kind: str, option_order: list[str], payload: Mapping[str, Any], essay_max_chars: int) -> Any:
    """The stored form of an answer: option keys for choices, the text for an essay, None to clear."""
    if kind == QuestionType.ESSAY:
        text = payload.get("text")
        if text is None:
            return None
        if not isinstance(text, str):
            raise ExamError("bad_answer", _("An essay answer must be text."))
        if len(text) > essay_max_chars:
            raise ExamError(
                "too_long",
                _("Your answer is %(length)s characters long; the limit is %(limit)s. It was not saved.")
                % {"length": len(text), "limit": essay_max_chars},
            )
        return text
    choices = payload.get("choices")
    if choices is None:
        return None
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        raise ExamError("bad_answer", _("Choose options from the question."))
    if any(c < 0 or c >= len(option_order) for c in choices) or len(set(choices)) != len(choices):
        raise ExamError("bad_answer", _("That option does not exist in this question."))
    if kind != QuestionType.MULTIPLE and len(choices) > 1:
        raise ExamError("bad_answer", _("Choose one option only."))
    return sorted(option_order[c] for c in choices)


@dataclass(frozen=True)
class SavedAnswer:
    pk: int
    position: int
    answer: Any
    answered_at: datetime.datetime


_MAX_POSITION = 32767  # AttemptQuestion.position is a PositiveSmallIntegerField


def _answer_target_sql() -> str:
    """What checking an answer needs, in one row: the item, its shown option order, the question's
    type, the attempt's state, whether it is within deadline plus grace, the essay limit.

    Written out, as is the UPDATE below: compiling their ORM forms (four joined tables, then a join
    turned into ``id IN (SELECT …)``) was a third of an answer save's time (issue 9).
    """
    quote = connection.ops.quote_name
    item, attempt = quote(AttemptQuestion._meta.db_table), quote(Attempt._meta.db_table)
    question, paper = quote(Question._meta.db_table), quote(ExamPaper._meta.db_table)
    return (
        f"SELECT i.{quote('id')}, i.{quote('option_order')}, q.{quote('question_type')}, a.{quote('state')},"
        f" a.{quote('deadline')} >= %s, p.{quote('essay_max_chars')}"
        f" FROM {item} i JOIN {attempt} a ON a.{quote('id')} = i.{quote('attempt_id')}"
        f" JOIN {question} q ON q.{quote('id')} = i.{quote('question_id')}"
        f" JOIN {paper} p ON p.{quote('id')} = a.{quote('paper_id')}"
        f" WHERE i.{quote('attempt_id')} = %s AND a.{quote('trainee_id')} = %s AND i.{quote('position')} = %s"
    )


def _save_if_open_sql() -> str:
    """One UPDATE that writes only while the attempt is open and within deadline plus grace."""
    quote = connection.ops.quote_name
    item, attempt = quote(AttemptQuestion._meta.db_table), quote(Attempt._meta.db_table)
    return (
        f"UPDATE {item} SET {quote('answer')} = %s, {quote('answered_at')} = %s WHERE {quote('id')} = %s AND EXISTS ("
        f"SELECT 1 FROM {attempt} WHERE {attempt}.{quote('id')} = {item}.{quote('attempt_id')}"
        f" AND {attempt}.{quote('state')} = %s AND {attempt}.{quote('deadline')} >= %s)"
    )


def do_save_answer(
    *, attempt_id: int, trainee_id: int, position: Any, payload: Mapping[str, Any], now: datetime.datetime | None = None
) -> SavedAnswer:
    """Store the answer as given (last write wins), or refuse and leave the stored answer as it was.

    The write is one conditional UPDATE that re-checks the attempt is open and within deadline
    plus grace, so a save racing the submit cannot land after it.
    """
    now = now or timezone.now()
    if parse_id(attempt_id) is None:  # the SQL below must not meet a number its column cannot hold
        raise ExamError("not_found", _("No such attempt."))
    try:
        position = int(position)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= _MAX_POSITION:  # what the column can hold; a database refuses a larger number
        position = -1
    accepted_from = connection.ops.adapt_datetimefield_value(now - grace())
    with connection.cursor() as cursor:
        cursor.execute(_answer_target_sql(), [accepted_from, attempt_id, trainee_id, position])
        target = cursor.fetchone()
    if target is None:
        if not Attempt.objects.filter(pk=attempt_id, trainee_id=trainee_id).exists():
            raise ExamError("not_found", _("No such attempt."))
        raise ExamError("not_in_attempt", _("That question is not part of this attempt."))
    item_id, option_order, kind, state, in_time, essay_max_chars = target
    if state != State.OPEN:
        raise ExamError("already_submitted", _("This attempt has been submitted; answers can no longer change."))
    if not in_time:
        raise ExamError(
            "time_up", _("Time is up: this answer reached the server after the deadline and was not saved.")
        )
    if isinstance(option_order, str):  # JSON arrives as text from a plain cursor
        option_order = json.loads(option_order)
    answer = _parse_answer(kind, option_order, payload, essay_max_chars)
    params = [
        AttemptQuestion._meta.get_field("answer").get_db_prep_save(answer, connection),
        connection.ops.adapt_datetimefield_value(now),
        item_id,
        State.OPEN.value,
        accepted_from,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_save_if_open_sql(), params)
        updated = cursor.rowcount
    if not updated:
        raise ExamError("already_submitted", _("This attempt has been submitted; answers can no longer change."))
    return SavedAnswer(pk=item_id, position=position, answer=answer, answered_at=now)


@transaction.atomic
def do_submit_attempt(
    *, attempt_id: int, trainee_id: int | None = None, automatically: bool = False, now: datetime.datetime | None = None
) -> Attempt:
    """Close the attempt once and enqueue its grading after commit. Locks the attempt row."""
    now = now or timezone.now()
    attempts = Attempt.objects.select_for_update().filter(pk=attempt_id)
    if trainee_id is not None:
        attempts = attempts.filter(trainee_id=trainee_id)
    attempt = attempts.first()
    if attempt is None:
        raise ExamError("not_found", _("No such attempt."))
    if attempt.state != State.OPEN:
        raise ExamError("already_submitted", _("This attempt has already been submitted."))
    attempt.state = State.SUBMITTED
    attempt.submitted_at = now
    attempt.submitted_automatically = automatically
    attempt.save(update_fields=["state", "submitted_at", "submitted_automatically"])
    from .tasks import grade_attempt

    enqueue_on_commit(grade_attempt, attempt.pk)
    return attempt


def overdue_attempt_ids(now: datetime.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Attempt.objects.filter(state=State.OPEN, deadline__lt=now - grace())
        .order_by("deadline")
        .values_list("pk", flat=True)
    )


def do_submit_overdue_attempts(*, now: datetime.datetime | None = None) -> int:
    """Submit every open attempt past its deadline and grace, with the answers saved in time."""
    count = 0
    for attempt_id in overdue_attempt_ids(now):
        try:
            do_submit_attempt(attempt_id=attempt_id, automatically=True, now=now)
        except ExamError:
            continue  # the trainee submitted meanwhile
        count += 1
    return count


# --- grading ---------------------------------------------------------------------------------

CENT = Decimal("0.01")


def score_answer(*, answer: Any, correct: list[str], max_score: Decimal, question_type: str, scoring: str) -> Decimal:
    """Score an objective answer. Partial credit for multiple choice: any wrong option scores 0,
    else the share of the correct options chosen."""
    chosen = set(answer or [])
    right = set(correct)
    if chosen == right:
        return max_score
    if question_type == QuestionType.MULTIPLE and scoring == ExamPaper.MultipleScoring.PARTIAL:
        if chosen and chosen <= right:
            return (max_score * len(chosen) / len(right)).quantize(CENT, ROUND_HALF_UP)
    return Decimal(0)


@dataclass(frozen=True)
class Outcome:
    score: Decimal
    percent: Decimal
    passed: bool


def outcome_of(*, score: Decimal, max_score: Decimal, pass_mark: int) -> Outcome:
    percent = (score * 100 / max_score).quantize(CENT, ROUND_HALF_UP) if max_score else Decimal(0)
    return Outcome(score=score, percent=percent, passed=percent >= pass_mark)


def do_grade_attempt(*, attempt_id: int, now: datetime.datetime | None = None) -> CourseResult | None:
    """Grade a submitted attempt once. Running it again, or concurrently, changes nothing.

    The conditional update of the attempt's state is the claim (a second run finds the attempt no
    longer submitted and stops); the one-result-per-attempt constraint is the last line. Answers
    cannot change once the attempt is submitted, so they are read before the claim: the claim then
    moves an all-objective attempt straight to ``graded`` and the result is written final in one
    INSERT (issue 9: a grade is a handful of statements on plain values, no model per answer).
    """
    with transaction.atomic():
        attempt = (
            Attempt.objects.filter(pk=attempt_id, state=State.SUBMITTED)
            .values("trainee_id", "paper__course_id", "paper__pass_mark", "paper__multiple_scoring")
            .first()
        )
        if attempt is None:
            return None
        # No ordering: the model's default one joins the attempt to sort by it.
        items = (
            AttemptQuestion.objects.filter(attempt_id=attempt_id)
            .order_by()
            .values_list("pk", "answer", "question__question_type", "question__correct", "question__max_score")
        )
        scoring = attempt["paper__multiple_scoring"]
        by_score: dict[Decimal, list[int]] = {}
        max_score = total = Decimal(0)
        essays = 0
        for pk, answer, kind, correct, item_max in items:
            max_score += item_max
            if kind not in OBJECTIVE_TYPES:
                essays += 1
                continue
            score = score_answer(
                answer=answer, correct=correct, max_score=item_max, question_type=kind, scoring=scoring
            )
            total += score
            by_score.setdefault(score, []).append(pk)
        final = not essays
        claimed = Attempt.objects.filter(pk=attempt_id, state=State.SUBMITTED).update(
            state=State.GRADED if final else State.GRADING
        )
        if not claimed:
            return None
        graded_at = now or timezone.now()
        if by_score:
            _record_scores(attempt_id, by_score, graded_at, every_answer=final)
        fields: dict[str, Any] = {}
        if final:
            outcome = outcome_of(score=total, max_score=max_score, pass_mark=attempt["paper__pass_mark"])
            fields = {"score": outcome.score, "percent": outcome.percent, "passed": outcome.passed,
                      "published_at": graded_at}  # fmt: skip
        result = CourseResult.objects.create(
            attempt_id=attempt_id,
            trainee_id=attempt["trainee_id"],
            course_id=attempt["paper__course_id"],
            max_score=max_score,
            **fields,
        )
        if final:
            _publish(result)
        return result


def _record_scores(
    attempt_id: int, by_score: dict[Decimal, list[int]], graded_at: datetime.datetime, *, every_answer: bool
) -> None:
    """One UPDATE for the objective answers: a CASE over the few distinct scores (full, none, some
    partial), the commonest as its ELSE, so only the other answers are listed (bulk_update's CASE per
    row cost most of a grade, issue 9). Without essays it updates the attempt's every answer."""
    common = max(by_score, key=lambda score: len(by_score[score]))
    score_field = AttemptQuestion._meta.get_field("score")
    others = [When(pk__in=ids, then=Value(score)) for score, ids in by_score.items() if score != common]
    answers = AttemptQuestion.objects.filter(attempt_id=attempt_id)
    if not every_answer:
        answers = answers.filter(pk__in=[pk for ids in by_score.values() for pk in ids])
    answers.update(
        score=Case(*others, default=Value(common), output_field=score_field) if others else Value(common),
        graded_at=graded_at,
    )


def _finalize(
    *, attempt: Attempt, result: CourseResult, items: list[AttemptQuestion], now: datetime.datetime | None
) -> None:
    """Publish the result of an attempt whose last essay was just graded (objective-only attempts are
    published by ``do_grade_attempt`` itself)."""
    outcome = outcome_of(
        score=sum((item.score or Decimal(0) for item in items), Decimal(0)),
        max_score=result.max_score,
        pass_mark=attempt.paper.pass_mark,
    )
    result.score, result.percent, result.passed = outcome.score, outcome.percent, outcome.passed
    result.published_at = now or timezone.now()
    result.save(update_fields=["score", "percent", "passed", "published_at"])
    attempt.state = State.GRADED
    attempt.save(update_fields=["state"])
    _publish(result)


def _publish(result: CourseResult) -> None:
    from .tasks import send_result_email

    # Announced inside the grading transaction: what receivers record (webhook deliveries) commits with
    # the result or not at all, so a worker killed right after the commit loses no event; their tasks
    # are enqueued on commit (and swept again from the database when the broker loses them).
    _announce(result)
    enqueue_on_commit(send_result_email, result.pk)


def _announce(result: CourseResult) -> None:
    """Send ``result_published`` inside the grading transaction.

    A receiver that raises is logged and does not stop the others. A database error in a receiver,
    though, aborts the transaction (PostgreSQL refuses every later statement), so the grade rolls
    back and is graded again by the sweep (``do_sweep_grading``): never published without the rows
    its receivers write with it.
    """
    for receiver, outcome in result_published.send_robust(sender=CourseResult, result=result):
        if isinstance(outcome, Exception):
            log.error("A result_published receiver failed for result %s: %r", result.pk, outcome, exc_info=outcome)


def do_sweep_grading(*, now: datetime.datetime | None = None, limit: int = 5000) -> dict[str, int]:
    """Enqueue again what the broker may have lost (an outage, a restart), driven by the database.

    Attempts still ``submitted`` and published results not yet mailed, older than
    ``EXAM_GRADING_SWEEP_AFTER_SECONDS``. A copy that was not lost finds nothing to do (grading and
    mailing claim their row), so enqueuing twice is harmless. Stops quietly while the broker is down.
    """
    from .tasks import grade_attempt, send_result_email

    before = (now or timezone.now()) - datetime.timedelta(seconds=settings.EXAM_GRADING_SWEEP_AFTER_SECONDS)
    counts = {"grading": 0, "mail": 0}
    attempt_ids = Attempt.objects.filter(state=State.SUBMITTED, submitted_at__lte=before).order_by("submitted_at")
    result_ids = CourseResult.objects.filter(published_at__lte=before, mailed_at__isnull=True).order_by("published_at")
    try:
        for attempt_id in attempt_ids.values_list("pk", flat=True)[:limit]:
            grade_attempt.delay(attempt_id)
            counts["grading"] += 1
        for result_id in result_ids.values_list("pk", flat=True)[:limit]:
            send_result_email.delay(result_id)
            counts["mail"] += 1
    except (BrokerError, OSError, RuntimeError) as exc:
        log.warning("The grading sweep stopped, the broker is unreachable: %r", exc)
    return counts


def check_grade_essay(*, grader: User, item: AttemptQuestion) -> None:
    if not is_program_office(grader):
        institution = institution_of(grader)
        if institution is None or institution.pk != item.attempt.sitting.cohort.institution_id:
            raise ExamError("not_yours", _("This answer belongs to another institution's sitting."))


@transaction.atomic
def do_grade_essay(
    *, item_id: int, grader: User, score: Decimal, note: str = "", now: datetime.datetime | None = None
) -> AttemptQuestion:
    """Record an essay's score; the result becomes final with the last one. Locks the attempt row."""
    item = AttemptQuestion.objects.select_related("question", "attempt__sitting__cohort").get(pk=item_id)
    check_grade_essay(grader=grader, item=item)
    attempt = Attempt.objects.select_for_update().select_related("paper").get(pk=item.attempt_id)
    if item.question.question_type != QuestionType.ESSAY:
        raise ExamError("not_essay", _("Only essay answers are graded by hand."))
    if attempt.state == State.GRADED:
        raise ExamError("final", _("The result of this attempt is final."))
    if attempt.state != State.GRADING:
        raise ExamError("not_found", _("This attempt is not waiting for essay grading."))
    score = Decimal(score)
    if score < 0 or score > item.question.max_score:
        raise ExamError(
            "bad_score", _("The score must be from 0 to %(max)s.") % {"max": item.question.max_score.normalize()}
        )
    previous = item.score
    item.score, item.grader, item.grader_note, item.graded_at = score, grader, note, now or timezone.now()
    item.save(update_fields=["score", "grader", "grader_note", "graded_at"])
    audit.record(
        audit.Action.GRADE_CHANGED,
        actor=grader,
        target=item,
        institution=item.attempt.sitting.cohort.institution_id,
        summary=f"attempt {attempt.pk}: {previous} -> {score}",
        detail={"attempt_id": attempt.pk, "old_score": str(previous) if previous is not None else None, "new_score": str(score)},
    )
    items = list(selectors.attempt_items(attempt.pk))
    if all(i.score is not None for i in items):
        _finalize(attempt=attempt, result=CourseResult.objects.get(attempt=attempt), items=items, now=now)
    return item
