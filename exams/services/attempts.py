"""Sittings and attempts: scheduling a sitting, starting an attempt, saving answers, submitting.

Submitting locks the attempt row and enqueues its grading after commit (``grading``). The server's
clock is the only clock: every deadline comparison uses ``timezone.now()`` and ``grace()``.
"""

from __future__ import annotations

import datetime
import json
import random
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.converters import parse_id
from accounts.scoping import institution_of, is_program_office
from core.tasks import enqueue_on_commit
from core.text_rules import REFUSED_CATEGORIES, TEXT_LAYOUT, first_control_character, refuse_control_characters
from courses.models import Cohort, CurriculumCourse

from .. import selectors
from ..models import Attempt, AttemptQuestion, BlueprintRow, ExamPaper, Question, QuestionType, Sitting
from . import ExamError

if TYPE_CHECKING:
    from accounts.models import User


State = Attempt.State


def grace() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "EXAM_SAVE_GRACE_SECONDS", 30))


# --- sittings --------------------------------------------------------------------------------


def check_schedule_sitting(
    *, by: User, cohort: Cohort, paper: ExamPaper, opens_at: datetime.datetime, closes_at: datetime.datetime,
    is_online: bool, place: str, place_en: str = "",
) -> None:  # fmt: skip
    """Whether ``by`` may schedule the sitting (who, for which cohort and paper, on which day). What the
    database also keeps (the window's order, the place or online, no duplicate) is :func:`check_sitting_fits`;
    a model form shows those through the model's constraints, each once."""
    if not is_program_office(by):
        institution = institution_of(by)
        if institution is None or institution.pk != cohort.institution_id:
            raise ExamError("foreign_cohort", _("You can schedule sittings only for your institution's cohorts."))
    if cohort.status == Cohort.Status.FINISHED:
        raise ExamError(
            "cohort_finished",
            _("Cohort %(cohort)s has finished: no sitting can be scheduled for it.") % {"cohort": cohort.code},
        )
    if not cohort.institution.is_authorized_on(timezone.localdate(opens_at)):
        raise ExamError("not_authorized", _("The institution is not authorized on the day the sitting opens."))
    if not CurriculumCourse.objects.filter(curriculum_id=cohort.curriculum_id, course_id=paper.course_id).exists():
        raise ExamError("course_not_in_curriculum", _("The cohort's curriculum does not include this course."))


def check_sitting_fits(
    *, cohort: Cohort, paper: ExamPaper, opens_at: datetime.datetime, closes_at: datetime.datetime,
    is_online: bool, place: str, place_en: str = "", sitting_id: int | None = None,
) -> None:  # fmt: skip
    """The rules the database keeps too (``Sitting.Meta.constraints``), in the constraints' words: the window
    closes after it opens; a sitting in a room names its place, an online one has none (as a live remote
    training session); one sitting per paper, cohort and opening time (``sitting_id``: the one being changed); and, as
    the place's fields, no invisible control character in either place (core.text_rules, ``field``: the place's)."""
    if closes_at <= opens_at:
        raise ExamError("bad_window", _("The sitting must close after it opens."))
    for field, text in (("place", place), ("place_en", place_en)):
        try:
            refuse_control_characters(text)  # as the model's fields do in a form
        except ValidationError as refused:
            raise ExamError("control_character", refused.messages[0], field=field) from None
    if not is_online and not place.strip():
        raise ExamError("bad_place", _("Give the place of the sitting, or mark it as online."))
    if is_online and (place.strip() or place_en.strip()):
        raise ExamError("bad_place", _("An online sitting has no place."))
    same = Sitting.objects.filter(cohort=cohort, paper=paper, opens_at=opens_at)
    if sitting_id is not None:
        same = same.exclude(pk=sitting_id)
    if same.exists():
        raise ExamError("duplicate", _("This cohort already has a sitting of this paper opening at that time."))


def _minutes(length: datetime.timedelta) -> int:
    """A length in whole minutes, rounded down (a window of 59 minutes 30 seconds is not one of 60)."""
    return int(length.total_seconds() // 60)


def check_sitting_length(
    *, paper: ExamPaper, opens_at: datetime.datetime, closes_at: datetime.datetime, sitting: Sitting | None = None
) -> None:
    """A sitting's window lasts at least its paper's time limit: a shorter one would cut every candidate's
    attempt to the window (``do_start_attempt``'s deadline), which trainees would learn only on the start page.
    Raised with ``field`` the window's end (``closes_at``). A window that does not close after it opens is
    :func:`check_sitting_fits`'s to refuse. ``sitting``: the one being changed; one stored before this rule keeps its
    window while its paper and window stay as they are (its other fields may change), and is held to the rule once
    either changes."""
    if closes_at <= opens_at:
        return
    if sitting is not None and sitting.pk is not None:
        stored = Sitting.objects.filter(pk=sitting.pk).values_list("paper_id", "opens_at", "closes_at").first()
        if stored == (paper.pk, opens_at, closes_at):
            return
    window = _minutes(closes_at - opens_at)
    if window >= paper.time_limit_minutes:
        return
    raise ExamError(
        "short_window",
        _("This sitting is open for %(window)s minutes, less than the exam's time limit of %(limit)s minutes: every "
          "candidate would have at most %(window)s minutes. Let it close at least %(limit)s minutes after it opens.")
        % {"window": window, "limit": paper.time_limit_minutes},
        field="closes_at",
    )  # fmt: skip


def sittings_shorter_than(
    *, paper_id: int, minutes: int, now: datetime.datetime | None = None
) -> list[tuple[Sitting, int]]:
    """The sittings of the paper not yet closed whose window is shorter than ``minutes``, with their length in
    minutes, in the order they open. A sitting already closed is history: its attempts were as long as they were."""
    now = now or timezone.now()
    coming = (
        Sitting.objects.filter(paper_id=paper_id, closes_at__gt=now)
        .select_related("paper__course", "cohort")
        .order_by("opens_at", "pk")
    )
    lengths = ((sitting, _minutes(sitting.closes_at - sitting.opens_at)) for sitting in coming)
    return [(sitting, window) for sitting, window in lengths if window < minutes]


def check_paper_time_limit(*, paper: ExamPaper, time_limit_minutes: int, now: datetime.datetime | None = None) -> None:
    """:func:`check_sitting_length` the other way: a paper's time limit is not raised above the window of a sitting
    of it not yet closed (``field``: ``time_limit_minutes``); the refusal names each such sitting with its length.
    Lowering the limit, or leaving it, is never refused (a sitting stored shorter before the rule stays so)."""
    if paper.pk is None:
        return
    stored = ExamPaper.objects.filter(pk=paper.pk).values_list("time_limit_minutes", flat=True).first()
    if stored is None or time_limit_minutes <= stored:
        return
    short = sittings_shorter_than(paper_id=paper.pk, minutes=time_limit_minutes, now=now)
    if not short:
        return
    listed = "; ".join(
        str(_("%(sitting)s (%(window)s minutes)") % {"sitting": sitting, "window": window}) for sitting, window in short
    )
    raise ExamError(
        "short_window",
        _("These sittings of the paper, not yet closed, are open for less than %(limit)s minutes: %(sittings)s. "
          "Lengthen their windows first, or keep a time limit of at most %(longest)s minutes.")
        % {"limit": time_limit_minutes, "sittings": listed, "longest": max(stored, min(w for _s, w in short))},
        field="time_limit_minutes",
    )  # fmt: skip


@transaction.atomic
def do_schedule_sitting(
    *, by: User, cohort: Cohort, paper: ExamPaper, opens_at: datetime.datetime, closes_at: datetime.datetime,
    is_online: bool = False, place: str = "", place_en: str = "",
) -> Sitting:  # fmt: skip
    shape: dict[str, Any] = {"cohort": cohort, "paper": paper, "opens_at": opens_at, "closes_at": closes_at,
                             "is_online": is_online, "place": place, "place_en": place_en}  # fmt: skip
    check_schedule_sitting(by=by, **shape)
    check_sitting_fits(**shape)
    check_sitting_length(paper=paper, opens_at=opens_at, closes_at=closes_at)
    try:
        with transaction.atomic():
            return Sitting.objects.create(**shape)
    except IntegrityError:  # the same sitting, scheduled at the same moment by someone else
        raise ExamError(
            "duplicate", _("This cohort already has a sitting of this paper opening at that time.")
        ) from None


def check_delete_sitting(*, sitting: Sitting) -> None:
    """A sitting nobody has started an attempt at may go (scheduled by mistake); once attempts exist it
    stays, with their answers and results (``Attempt.sitting`` protects it)."""
    count = sitting.attempts.count()
    if count:
        raise ExamError(
            "has_attempts",
            ngettext_lazy(
                "Sitting %(sitting)s has %(count)d attempt; it cannot be deleted.",
                "Sitting %(sitting)s has %(count)d attempts; it cannot be deleted.",
                "count",
            )
            % {"sitting": sitting, "count": count},
        )


@transaction.atomic
def do_delete_sitting(*, sitting: Sitting) -> None:
    """Delete a sitting nobody has started an attempt at. The row lock waits for an attempt being started
    (its foreign key holds the sitting's row), which is then counted."""
    locked = (
        Sitting.objects.select_for_update(of=("self",)).select_related("paper__course", "cohort").get(pk=sitting.pk)
    )
    check_delete_sitting(sitting=locked)
    locked.delete()


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


class ResultPending(ExamError):
    """``result_pending``: the trainee's previous attempt at the paper still awaits its result. ``attempt_id`` names
    it, so that a page saying so links the attempt's result page (which says what is marked, and by when)."""

    def __init__(self, attempt_id: int) -> None:
        super().__init__("result_pending", _("Your previous attempt is still being graded."))
        self.attempt_id = attempt_id


def attempts_left(*, paper: ExamPaper, standing: Standing) -> int:
    """The attempts at the paper the trainee has still to use: its maximum less the finished ones (an open attempt
    is not finished), never below 0."""
    finished = sum(1 for a in standing.attempts if a.state != State.OPEN)
    return max(paper.max_attempts - finished, 0)


def check_standing(*, paper: ExamPaper, standing: Standing, now: datetime.datetime | None = None) -> None:
    """Why the trainee's standing on the paper allows no attempt at it now, at whichever sitting (an ``ExamError``:
    ``already_passed``, ``attempts_used_up``, :class:`ResultPending`, ``retake_wait``), or nothing. The start rule
    (:func:`check_start_attempt`) and the next step after a result (``next_step.after_result``) both apply it."""
    now = now or timezone.now()
    if standing.passed:
        raise ExamError("already_passed", _("You have already passed this course."))
    if attempts_left(paper=paper, standing=standing) == 0:
        used_up = ngettext_lazy("You have used your only attempt.", "You have used all %(count)s attempts.", "count")
        raise ExamError("attempts_used_up", used_up % {"count": paper.max_attempts})
    finished = [a for a in standing.attempts if a.state != State.OPEN]
    if finished:
        last = finished[-1]
        if last.state in (State.SUBMITTED, State.GRADING):
            raise ResultPending(last.pk)
        submitted_at = last.submitted_at or now  # a finished attempt was submitted: never the fallback
        allowed = submitted_at + datetime.timedelta(days=paper.retake_wait_days)
        if now < allowed:
            raise ExamError(
                "retake_wait",
                _("You may retake this exam from %(when)s.")
                % {"when": date_format(timezone.localtime(allowed), "DATETIME_FORMAT")},
            )


def check_start_attempt(
    *, sitting: Sitting, standing: Standing, eligible: bool, now: datetime.datetime | None = None
) -> None:
    """Why the trainee cannot start an attempt at ``sitting`` now (an ``ExamError``), or nothing: eligibility, the
    sitting's window, then the trainee's standing on the paper (:func:`check_standing`)."""
    now = now or timezone.now()
    if not eligible:
        raise ExamError(
            "not_eligible", _("You are not eligible: you need an approved enrolment in this cohort for this course.")
        )
    if now < sitting.opens_at:
        raise ExamError("not_open_yet", _("The sitting has not opened yet."))
    if now >= sitting.closes_at:
        raise ExamError("window_closed", _("The sitting's window has closed."))
    check_standing(paper=sitting.paper, standing=standing, now=now)


@dataclass(frozen=True)
class Briefing:
    """What the instructions page says before the clock starts (``refusal``: why it cannot start now)."""

    time_limit_minutes: int
    minutes_if_started_now: int
    window_closes_first: bool
    questions: int
    pass_mark: int
    max_attempts: int
    attempt_number: int
    attempts_left: int
    retake_wait_days: int
    refusal: str | None
    pending_attempt_id: int | None = None  # the refusal is the previous attempt's result still pending: that attempt


def briefing(*, trainee_id: int, sitting: Sitting, now: datetime.datetime | None = None) -> Briefing:
    """The rules of an attempt at ``sitting`` as they stand for the trainee now; starts nothing."""
    now = now or timezone.now()
    paper = sitting.paper
    standing = standing_of(trainee_id=trainee_id, paper_id=paper.pk)
    eligible = selectors.is_eligible(trainee_id=trainee_id, sitting=sitting)
    refusal = None
    pending_attempt_id = None
    try:
        check_start_attempt(sitting=sitting, standing=standing, eligible=eligible, now=now)
    except ExamError as error:
        refusal = str(error)
        if isinstance(error, ResultPending):
            pending_attempt_id = error.attempt_id
    full = datetime.timedelta(minutes=paper.time_limit_minutes)
    available = max(min(full, sitting.closes_at - now), datetime.timedelta(0))
    return Briefing(
        time_limit_minutes=paper.time_limit_minutes,
        minutes_if_started_now=int(available.total_seconds() // 60),
        window_closes_first=available < full,
        questions=selectors.question_count(paper.pk),
        pass_mark=paper.pass_mark,
        max_attempts=paper.max_attempts,
        attempt_number=len(standing.attempts) + 1,
        attempts_left=attempts_left(paper=paper, standing=standing),
        retake_wait_days=paper.retake_wait_days,
        refusal=refusal,
        pending_attempt_id=pending_attempt_id,
    )


def draw_questions(*, paper: ExamPaper, seed: int) -> list[tuple[Question, list[str]]]:
    """The questions and option orders a seed draws from the paper's blueprint (reproducible).

    Candidates are the active questions in primary-key order, so the same seed over the same
    bank draws the same set.
    """
    pool = list(selectors.drawable_questions(course_id=paper.course_id))
    return draw_from(pool=pool, blueprint=list(paper.blueprint.order_by("pk")), seed=seed)


def draw_from(*, pool: list[Question], blueprint: list[BlueprintRow], seed: int) -> list[tuple[Question, list[str]]]:
    """``draw_questions`` on a pool and blueprint already read (in primary-key order): no query, so
    that the demo's simulated year draws its thousands of attempts exactly as a start would."""
    rng = random.Random(seed)
    chosen: list[Question] = []
    for row in blueprint:
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
    running = selectors.open_attempt(trainee_id=trainee.pk, paper_id=sitting.paper_id)
    if running is not None:
        return running
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
        winner = selectors.open_attempt(trainee_id=trainee.pk, paper_id=sitting.paper_id)
        if winner is None:
            raise
        return winner
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, question=q, position=i, option_order=order)
        for i, (q, order) in enumerate(drawn, start=1)
    )
    return attempt


def without_control_characters(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without the control and format characters that text of many lines refuses (core.text_rules: its
    layout, :data:`~core.text_rules.TEXT_LAYOUT`, is kept), and the ones taken out, as ``U+XXXX``, each once in
    the order they first appear."""
    if first_control_character(text, allowed=TEXT_LAYOUT) is None:
        return text, ()
    kept: list[str] = []
    removed: dict[str, None] = {}
    for char in text:
        if unicodedata.category(char) in REFUSED_CATEGORIES and char not in TEXT_LAYOUT:
            removed[f"U+{ord(char):04X}"] = None
        else:
            kept.append(char)
    return "".join(kept), tuple(removed)


def answer_body(body: object) -> Mapping[str, Any]:
    """A body of the answer endpoint as JSON gives it, if it is an object (the question and the answer, checked by
    :func:`do_save_answer`); anything else is refused saying what is expected (``not_an_object``)."""
    if not isinstance(body, Mapping):
        raise ExamError(
            "not_an_object",
            _('Expected a JSON object with "question" (the number of the question answered) and the answer: '
              '"choices" (the numbers of the chosen options) or "text" (an essay\'s text).'),
        )  # fmt: skip
    return body


NO_POSITION: Any = object()  # a body without "question": ``body.get("question", NO_POSITION)``


def _position_of(position: object) -> int:
    """A question's position as a body gives it: a whole number as JSON writes one (``3``: the exam page sends
    ``parseInt`` of the question's number). None given (:data:`NO_POSITION`), or anything else, such as ``"3"``,
    ``3.0``, ``true`` or ``null``, is refused saying so (``bad_position``). A whole number no question of the attempt
    has (0, -1, 99, 10**30) is :func:`do_save_answer`'s ``not_in_attempt``."""
    if position is NO_POSITION:
        raise ExamError(
            "bad_position",
            _('"question" is missing: give the number of the question answered, a whole number such as 3.'),
        )
    if not isinstance(position, int) or isinstance(position, bool):
        raise ExamError(
            "bad_position",
            _('"question" must be the number of the question answered as a whole number, such as 3, not text or '
              "another kind of value."),
        )  # fmt: skip
    return position


# The field of a body that carries the answer, by the kind of question.
ANSWER_FIELD: dict[str, str] = {
    QuestionType.SINGLE: "choices",
    QuestionType.MULTIPLE: "choices",
    QuestionType.TRUE_FALSE: "choices",
    QuestionType.ESSAY: "text",
}
_WRONG_SHAPE = {
    "text": _('An essay question takes its answer as text: send only "question" and "text".'),
    "choices": _('This question takes its answer as chosen options: send only "question" and "choices".'),
}


def _parse_answer(
    kind: str, option_order: list[str], payload: Mapping[str, Any], essay_max_chars: int
) -> tuple[Any, tuple[str, ...]]:
    """The stored form of an answer (option keys for choices, the text for an essay), and the invisible characters
    taken out of an essay (:func:`without_control_characters`).

    A body has the question and the one answer field of its kind (:data:`ANSWER_FIELD`): ``"text"`` for an essay,
    ``"choices"`` for the others; an answer is cleared by sending it empty (``""``, ``[]``). Any other body (the
    field missing, or the other kind's, or any other field) is refused (``bad_answer``): read as "no answer", it
    would clear the answer saved."""
    field = ANSWER_FIELD[kind]
    if field not in payload or set(payload) - {"question", field}:
        raise ExamError("bad_answer", _WRONG_SHAPE[field])
    if kind == QuestionType.ESSAY:
        text = payload["text"]
        if not isinstance(text, str):
            raise ExamError("bad_answer", _('"text" must be the essay\'s answer as text ("" clears it).'))
        # The rule of text of many lines (core.text_rules): a bidirectional control would show the grader other
        # text than was written, a zero-width one hides, and PostgreSQL keeps no NUL. Each is taken out, and the
        # answer says so (:func:`removal_notice`), rather than refused: the trainee can neither see nor find it,
        # and a refusal would refuse every later save of the essay until the deadline.
        text, removed = without_control_characters(text)
        if len(text) > essay_max_chars:
            raise ExamError(
                "too_long",
                _("Your answer is %(length)s characters long; the limit is %(limit)s. It was not saved.")
                % {"length": len(text), "limit": essay_max_chars},
            )
        return text, removed
    choices = payload["choices"]
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        raise ExamError(
            "bad_answer",
            _('"choices" must be a list of the numbers of the chosen options, such as [0] or [0, 2] ([] clears it).'),
        )
    if any(c < 0 or c >= len(option_order) for c in choices) or len(set(choices)) != len(choices):
        raise ExamError("bad_answer", _("That option does not exist in this question."))
    if kind != QuestionType.MULTIPLE and len(choices) > 1:
        raise ExamError("bad_answer", _("Choose one option only."))
    return sorted(option_order[c] for c in choices), ()


@dataclass(frozen=True)
class SavedAnswer:
    """An answer as stored; ``removed``: the invisible characters taken out of an essay (``U+XXXX``)."""

    pk: int
    position: int
    answer: Any
    answered_at: datetime.datetime
    removed: tuple[str, ...] = ()
    previous: int = 0  # the attempt's revision (:func:`revision_of`) just before this save


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def revision_number(moment: datetime.datetime | None) -> int:
    """A save's moment as an attempt's revision: microseconds since the epoch (0: none)."""
    return 0 if moment is None else (moment - _EPOCH) // datetime.timedelta(microseconds=1)


def revision_of(attempt_id: int) -> int:
    """The attempt's revision: when any of its answers was last saved (:func:`revision_number`). Every save moves
    it, from whichever tab or device: a page that knew an older one has missed a save made elsewhere."""
    latest = AttemptQuestion.objects.filter(attempt_id=attempt_id).aggregate(latest=Max("answered_at"))["latest"]
    return revision_number(latest)


def saved_answers(*, attempt_id: int, trainee_id: int) -> dict[str, Any]:
    """What the server holds of the trainee's attempt, as the exam page shows it: its state, its revision, and each
    answered question's answer by its position (``choices``: the shown indices of the chosen options; ``text``: an
    essay's) with the revision of its last save (``at``). Raises ``not_found`` for another's attempt or none."""
    state = Attempt.objects.filter(pk=attempt_id, trainee_id=trainee_id).values_list("state", flat=True).first()
    if state is None:
        raise ExamError("not_found", _("No such attempt."))
    answers: dict[str, dict[str, Any]] = {}
    latest = 0
    rows = AttemptQuestion.objects.filter(attempt_id=attempt_id, answered_at__isnull=False).values_list(
        "position", "answer", "option_order", "question__question_type", "answered_at"
    )
    for position, answer, option_order, kind, answered_at in rows:
        at = revision_number(answered_at)
        latest = max(latest, at)
        if kind == QuestionType.ESSAY:
            answers[str(position)] = {"text": answer if isinstance(answer, str) else "", "at": at}
        else:
            keys = [str(k) for k in answer or []]
            shown = sorted(i for i, key in enumerate(option_order) if str(key) in keys)
            answers[str(position)] = {"choices": shown, "at": at}
    return {"state": state, "revision": latest, "answers": answers}


def removal_notice(saved: SavedAnswer) -> str:
    """What the exam page tells the trainee of the characters taken out of their essay, in the active language
    ("" when none were)."""
    if not saved.removed:
        return ""
    return str(
        ngettext_lazy(
            "Your answer to question %(n)s contained an invisible control character (%(chars)s). It was removed: "
            "your answer is saved without it.",
            "Your answer to question %(n)s contained invisible control characters (%(chars)s). They were removed: "
            "your answer is saved without them.",
            "count",
        )
        % {"n": saved.position, "chars": ", ".join(saved.removed), "count": len(saved.removed)}
    )


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
    *, attempt_id: int, trainee_id: int, position: object, payload: Mapping[str, Any],
    now: datetime.datetime | None = None,
) -> SavedAnswer:  # fmt: skip
    """Store the answer as given (last write wins; an essay without invisible control characters, which
    ``removed`` names), or refuse and leave the stored answer as it was.

    The write is one conditional UPDATE that re-checks the attempt is open and within deadline
    plus grace, so a save racing the submit cannot land after it.
    """
    now = now or timezone.now()
    if parse_id(attempt_id) is None:  # the SQL below must not meet a number its column cannot hold
        raise ExamError("not_found", _("No such attempt."))
    # A whole number (:func:`_position_of`); one below 1 or beyond what the column can hold (32767) is a position no
    # attempt has.
    position = _position_of(position)
    if position < 1 or position > _MAX_POSITION:
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
    answer, removed = _parse_answer(kind, option_order, payload, essay_max_chars)
    params = [
        AttemptQuestion._meta.get_field("answer").get_db_prep_save(answer, connection),
        connection.ops.adapt_datetimefield_value(now),
        item_id,
        State.OPEN.value,
        accepted_from,
    ]
    # The revision before this save and the save itself, with no other save of the attempt in between: two tabs
    # saving together must not both be told the same ``previous``. The attempt's row lock serializes them (SQLite:
    # its IMMEDIATE transaction takes the database's write lock at once). No savepoint: nothing to roll back to.
    with transaction.atomic(savepoint=False):
        if connection.features.has_select_for_update:
            Attempt.objects.select_for_update().filter(pk=attempt_id).values_list("pk", flat=True).first()
        previous = revision_of(attempt_id)
        with connection.cursor() as cursor:
            cursor.execute(_save_if_open_sql(), params)
            updated = cursor.rowcount
    if not updated:
        raise ExamError("already_submitted", _("This attempt has been submitted; answers can no longer change."))
    return SavedAnswer(
        pk=item_id, position=position, answer=answer, answered_at=now, removed=removed, previous=previous
    )


def closed_at_time_up(attempt: Attempt, *, now: datetime.datetime, automatically: bool, at_time_up: bool) -> bool:
    """Whether a submit of the open ``attempt`` at ``now`` is the clock closing it (:func:`do_submit_attempt`)."""
    if automatically or now > attempt.deadline + grace():
        return True
    return at_time_up and now >= attempt.deadline - datetime.timedelta(seconds=1)


@transaction.atomic
def do_submit_attempt(
    *, attempt_id: int, trainee_id: int | None = None, automatically: bool = False, at_time_up: bool = False,
    now: datetime.datetime | None = None,
) -> Attempt:  # fmt: skip
    """Close the attempt once and enqueue its grading after commit. Locks the attempt row; a second submit is refused
    (``already_submitted``) and changes nothing.

    One rule for an attempt the clock closed (:func:`closed_at_time_up`): it is recorded as submitted at time-up
    (``submitted_automatically``) at its deadline, or at ``now`` when that is earlier (``submitted_at``). The clock
    closed it when ``automatically`` (the sweep of overdue attempts); when ``at_time_up`` (the exam page submits by
    itself as its clock runs out) once the server's clock has reached the deadline too, but for the page's whole
    seconds (its countdown reaches 0 up to a second before the deadline's fraction of a second); and for any submit
    that arrives after the deadline and the grace in which answers are still saved (``grace()``, the sweep's line):
    the answers it closes on are those saved in time, so a manual submit then is not recorded as one made on time.

    An ``at_time_up`` submit that arrives more than a second before the deadline (the page's clock was ahead) is
    refused (``not_time_up``) and leaves the attempt open."""
    now = now or timezone.now()
    attempts = Attempt.objects.select_for_update().filter(pk=attempt_id)
    if trainee_id is not None:
        attempts = attempts.filter(trainee_id=trainee_id)
    attempt = attempts.first()
    if attempt is None:
        raise ExamError("not_found", _("No such attempt."))
    if attempt.state != State.OPEN:
        raise ExamError("already_submitted", _("This attempt has already been submitted."))
    if at_time_up and not automatically and now < attempt.deadline - datetime.timedelta(seconds=1):
        # The page's clock ran out before the server's (a clock set forward, a phone waking up): not a submit the
        # trainee asked for, so the attempt stays open until its deadline.
        raise ExamError("not_time_up", _("Your time is not up yet: the exam page now shows the time left."))
    attempt.state = State.SUBMITTED
    if closed_at_time_up(attempt, now=now, automatically=automatically, at_time_up=at_time_up):
        attempt.submitted_at = min(now, attempt.deadline)
        attempt.submitted_automatically = True
    else:
        attempt.submitted_at = now
        attempt.submitted_automatically = False
    attempt.save(update_fields=["state", "submitted_at", "submitted_automatically"])
    from ..tasks import grade_attempt

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
    """Submit every open attempt past its deadline and grace, with the answers saved in time: each recorded as
    submitted at time-up, at its deadline (:func:`do_submit_attempt`)."""
    count = 0
    for attempt_id in overdue_attempt_ids(now):
        try:
            do_submit_attempt(attempt_id=attempt_id, automatically=True, now=now)
        except ExamError:
            continue  # the trainee submitted meanwhile
        count += 1
    return count
