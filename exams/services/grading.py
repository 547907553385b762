"""Grading: scoring objective answers, essays graded by hand, publishing results, and the sweep that
enqueues again what the broker lost."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.scoping import institution_of, is_program_office
from core.numbers import plain_number
from core.signals import ClaimedAnnouncement
from core.tasks import enqueue_on_commit, stops_while_broker_down
from core.text_rules import refuse_control_characters_in_text

from .. import selectors
from ..models import OBJECTIVE_TYPES, Attempt, AttemptQuestion, CourseResult, ExamPaper, QuestionType
from ..signals import result_published
from . import ExamError

if TYPE_CHECKING:
    from accounts.models import User


State = Attempt.State
log = logging.getLogger(__name__)

# result_published, sent once per published result (the claim is CourseResult.announced_at).
RESULT_PUBLISHED = ClaimedAnnouncement(
    signal=result_published,
    model=CourseResult,
    argument="result",
    owed=Q(published_at__isnull=False),
    select_related=("course",),
)

CENT = Decimal("0.01")


def score_answer(*, answer: Any, correct: list[str], max_score: Decimal, question_type: str, scoring: str) -> Decimal:
    """Score an objective answer. Partial credit for multiple choice: any wrong option scores 0,
    else the share of the correct options chosen."""
    chosen = set(answer or [])
    right = set(correct)
    if chosen == right:
        return max_score
    partial = question_type == QuestionType.MULTIPLE and scoring == ExamPaper.MultipleScoring.PARTIAL
    if partial and chosen and chosen <= right:
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


TENTH = Decimal("0.1")


def shown_percent(percent: Decimal) -> Decimal:
    """A result's percent as trainees read it (the result page, My exams, the result e-mail): to a tenth, rounded
    down. The pass rule (:func:`outcome_of`) compares the percent to the cent with a whole pass mark, so a percent
    rounded down never crosses it: a fail of 59.96% shows 59.9%, never the pass mark of 60%; nor does anything short
    of full marks show 100%. Pages write it with ``floatformat:"-1"`` (68.4, 60, 100)."""
    return percent.quantize(TENTH, ROUND_DOWN)


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
    """After the grading transaction commits: announce the result (claimed, see ``core.signals``) and mail it."""
    from ..tasks import send_result_email

    RESULT_PUBLISHED.announce_after_commit(result.pk)
    enqueue_on_commit(send_result_email, result.pk)


def do_sweep_grading(*, now: datetime.datetime | None = None, limit: int = 5000) -> dict[str, int]:
    """Do again, driven by the database, what a killed process or the broker (an outage, a restart) lost.

    For rows older than ``EXAM_GRADING_SWEEP_AFTER_SECONDS``: announce the published results whose
    announcement claim is empty (here, one transaction each), and enqueue again the grading of
    attempts still ``submitted`` and the mail of results not yet mailed. A copy that was not lost finds
    nothing to do (announcing, grading and mailing claim their row), so doing it twice is harmless.
    Enqueuing stops quietly while the broker is down.
    """
    from ..tasks import grade_attempt, send_result_email

    before = (now or timezone.now()) - datetime.timedelta(seconds=settings.EXAM_GRADING_SWEEP_AFTER_SECONDS)
    counts = {"announcements": 0, "grading": 0, "mail": 0}
    unannounced = RESULT_PUBLISHED.unannounced(published_at__lte=before).order_by("published_at")
    for result_id in unannounced.values_list("pk", flat=True)[:limit]:
        try:
            if RESULT_PUBLISHED.announce(result_id):
                counts["announcements"] += 1
        except DatabaseError:  # the claim rolled back with it: the next run tries again
            log.exception("The grading sweep could not announce result %s", result_id)
    attempt_ids = Attempt.objects.filter(state=State.SUBMITTED, submitted_at__lte=before).order_by("submitted_at")
    result_ids = CourseResult.objects.filter(published_at__lte=before, mailed_at__isnull=True).order_by("published_at")
    with stops_while_broker_down("grading sweep", log):
        for attempt_id in attempt_ids.values_list("pk", flat=True)[:limit]:
            grade_attempt.delay(attempt_id)
            counts["grading"] += 1
        for result_id in result_ids.values_list("pk", flat=True)[:limit]:
            send_result_email.delay(result_id)
            counts["mail"] += 1
    return counts


def essay_is_final(item: AttemptQuestion) -> bool:
    """Whether the result of the essay's attempt is final (published): its scores are no longer changed."""
    return item.attempt.state == State.GRADED


def essay_status(item: AttemptQuestion) -> str | Promise:
    """Where an essay stands, as the grading queue lists it: waiting for a grader, graded (another essay of its
    attempt may still wait), or its result published (final: :func:`essay_is_final`)."""
    if essay_is_final(item):
        return _("result published")
    return _("waiting") if item.score is None else _("graded")


def final_essay_explanation(item: AttemptQuestion) -> str:
    """What the grading page says of an essay whose result is final: why the score stays, and what to do.
    No one changes a published result in the portal (there is no re-grading or appeal of an exam result,
    for the program office either): a wrong score is reported to the program office."""
    result = CourseResult.objects.filter(attempt_id=item.attempt_id).only("published_at").first()
    published = result.published_at if result is not None else None
    return str(
        _(
            "The result of this attempt is final: it was published to the trainee on %(date)s, so this score "
            "can no longer be changed. The portal has no re-grading of a published result, for the program "
            "office either; if the score is wrong, report it to the program office with the reason."
        )
        % {"date": date_format(timezone.localtime(published), "DATETIME_FORMAT") if published else "—"}
    )


def check_grader_note(note: str) -> None:
    """A grader's note is read by other staff (the institution's graders and admins, the program office): like
    every reason given in admin it keeps its lines and tabs and refuses any other invisible control character
    (core.text_rules), which could show its readers other text than was written (``field``: ``grader_note``)."""
    try:
        refuse_control_characters_in_text(note)
    except ValidationError as refused:
        raise ExamError("control_character", refused.messages[0], field="grader_note") from None


def grade_publishes(item: AttemptQuestion) -> bool:
    """Whether a score given to ``item`` now publishes its attempt's result, for good: the attempt waits for essay
    grading and every other answer of it has its score (``item`` is its last essay waiting for one)."""
    return (
        item.attempt.state == State.GRADING
        and not AttemptQuestion.objects.filter(attempt_id=item.attempt_id, score__isnull=True)
        .exclude(pk=item.pk)
        .exists()
    )


def check_publishing_foretold(*, item: AttemptQuestion, foretold: bool | None) -> None:
    """A score that would publish the result (:func:`grade_publishes`) is refused (code ``publishes``) when the
    grader was told it would not (``foretold`` False: the grading page, opened while another essay of the attempt
    still waited, said nothing of publishing; another grader has scored that essay since). Given again from the
    page as it now stands, which says so, it is saved. ``foretold`` None: no page told anything (a caller of the
    service), nothing to check."""
    if foretold is False and grade_publishes(item):
        raise ExamError(
            "publishes",
            _(
                "Since this page was opened, the attempt's other essays have been scored: this is now its last essay "
                "waiting for a score, so saving publishes the result to the trainee, for good. Nothing was saved: "
                "check the score and save again to publish the result."
            ),
        )


def check_grade_essay(
    *, grader: User, item: AttemptQuestion, score: Decimal | None = None, note: str = "",
    publishing_foretold: bool | None = None,
) -> None:  # fmt: skip
    """Whether ``grader`` may give ``item`` (an essay of an attempt waiting for essay grading) ``score``, with
    ``note`` (:func:`check_grader_note`), having been told whether that publishes the result
    (:func:`check_publishing_foretold`)."""
    if not is_program_office(grader):
        institution = institution_of(grader)
        if institution is None or institution.pk != item.attempt.sitting.cohort.institution_id:
            raise ExamError("not_yours", _("This answer belongs to another institution's sitting."))
    if item.question.question_type != QuestionType.ESSAY:
        raise ExamError("not_essay", _("Only essay answers are graded by hand."))
    if item.attempt.state == State.GRADED:
        raise ExamError("final", _("The result of this attempt is final."))
    if item.attempt.state != State.GRADING:
        raise ExamError("not_found", _("This attempt is not waiting for essay grading."))
    if score is not None and (Decimal(score) < 0 or Decimal(score) > item.question.max_score):
        raise ExamError(
            "bad_score", _("The score must be from 0 to %(max)s.") % {"max": plain_number(item.question.max_score)}
        )
    check_grader_note(note)
    check_publishing_foretold(item=item, foretold=publishing_foretold)


@transaction.atomic
def do_grade_essay(
    *, item_id: int, grader: User, score: Decimal, note: str = "", publishing_foretold: bool | None = None,
    now: datetime.datetime | None = None,
) -> AttemptQuestion:  # fmt: skip
    """Record an essay's score; the result becomes final with the last one, and the item returned says so
    (:func:`essay_is_final`). Locks the attempt row, so whether this score publishes is decided as locked."""
    item = AttemptQuestion.objects.select_related("question", "attempt__sitting__cohort").get(pk=item_id)
    attempt = Attempt.objects.select_for_update().select_related("paper").get(pk=item.attempt_id)
    item.attempt.state = attempt.state  # as locked
    check_grade_essay(grader=grader, item=item, score=score, note=note, publishing_foretold=publishing_foretold)
    score = Decimal(score)
    previous = item.score
    item.score, item.grader, item.grader_note, item.graded_at = score, grader, note, now or timezone.now()
    item.save(update_fields=["score", "grader", "grader_note", "graded_at"])
    audit.record(
        audit.Action.GRADE_CHANGED,
        actor=grader,
        target=item,
        institution=item.attempt.sitting.cohort.institution_id,
        summary=f"attempt {attempt.pk}: {previous} -> {score}",
        detail={
            "attempt_id": attempt.pk,
            "old_score": str(previous) if previous is not None else None,
            "new_score": str(score),
        },
    )
    items = list(selectors.attempt_items(attempt.pk))
    if all(i.score is not None for i in items):
        _finalize(attempt=attempt, result=CourseResult.objects.get(attempt=attempt), items=items, now=now)
        item.attempt.state = attempt.state  # graded: the result is published
    return item
