"""The rules of an attempt that trainees rely on, each pinned where the mutation run of
exams/services/attempts.py (mutation/RESULTS.md) found it unpinned: the deadline and its grace,
a save racing a submit, the start of an attempt and its refusals."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses.models import Course, CurriculumCourse
from exams.models import Attempt, AttemptQuestion, CourseResult, ExamPaper, Question, QuestionType
from exams.services import ExamError, attempts
from exams.tasks import grade_attempt

pytestmark = pytest.mark.django_db


def test_the_grace_is_thirty_seconds_unless_the_settings_say_otherwise(settings):
    del settings.EXAM_SAVE_GRACE_SECONDS
    assert attempts.grace() == datetime.timedelta(seconds=30)
    settings.EXAM_SAVE_GRACE_SECONDS = 5
    assert attempts.grace() == datetime.timedelta(seconds=5)


# --- saving an answer ----------------------------------------------------------------------------

GRACE = 30


@pytest.fixture
def running(world, settings):
    """Alice's open attempt at the world's sitting, with the grace at 30 seconds, in English."""
    settings.EXAM_SAVE_GRACE_SECONDS = GRACE
    with translation.override("en"):
        yield attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)


def single_item(attempt: Attempt) -> AttemptQuestion:
    return attempt.items.select_related("question").get(question__question_type=QuestionType.SINGLE)


def save(attempt: Attempt, position, payload, **kwargs) -> attempts.SavedAnswer:
    return attempts.do_save_answer(
        attempt_id=attempt.pk, trainee_id=attempt.trainee_id, position=position, payload=payload, **kwargs
    )


def refusal(call) -> tuple[str, str]:
    with pytest.raises(ExamError) as refused:
        call()
    return refused.value.code, str(refused.value)


def test_a_saved_answer_is_stored_at_the_servers_time_and_reported_for_its_question(running):
    single = single_item(running)
    at = running.deadline - datetime.timedelta(minutes=5)
    saved = save(running, single.position, {"choices": [1]}, now=at)
    assert saved == attempts.SavedAnswer(
        pk=single.pk, position=single.position, answer=[single.option_order[1]], answered_at=at
    )
    single.refresh_from_db()
    assert (single.answer, single.answered_at) == ([single.option_order[1]], at)


NO_SUCH_ATTEMPT = ("not_found", "No such attempt.")
NOT_IN_ATTEMPT = ("not_in_attempt", "That question is not part of this attempt.")
SUBMITTED = ("already_submitted", "This attempt has been submitted; answers can no longer change.")
TIME_UP = ("time_up", "Time is up: this answer reached the server after the deadline and was not saved.")


def test_an_answer_to_no_attempt_of_the_trainee_is_refused_as_not_found(running, world):
    single = single_item(running)
    for attempt_id in (running.pk + 1000, 2**70, "x"):  # none, beyond what the column holds, not a number
        assert (
            refusal(
                lambda attempt_id=attempt_id: attempts.do_save_answer(
                    attempt_id=attempt_id, trainee_id=world.alice.pk, position=single.position, payload={"choices": [0]}
                )
            )
            == NO_SUCH_ATTEMPT
        )
    assert (
        refusal(
            lambda: attempts.do_save_answer(
                attempt_id=running.pk, trainee_id=world.bob.pk, position=single.position, payload={"choices": [0]}
            )
        )
        == NO_SUCH_ATTEMPT
    )


@pytest.mark.parametrize("position", [-1, 0, 32767, 32768, 2**40, 99])
def test_an_answer_to_a_position_the_attempt_does_not_have_is_refused_and_nothing_changes(running, position):
    before = list(running.items.order_by("position").values_list("answer", "answered_at"))
    assert refusal(lambda: save(running, position, {"choices": [0]})) == NOT_IN_ATTEMPT
    assert list(running.items.order_by("position").values_list("answer", "answered_at")) == before


NOT_A_POSITION = (
    "bad_position",
    '"question" must be the number of the question answered as a whole number, such as 3, not text or another kind '
    "of value.",
)


@pytest.mark.parametrize("position", [None, "abc", "", "1", True, 1.0, [1]])
def test_a_position_that_is_no_whole_number_is_refused_saying_so_and_nothing_changes(running, position):
    before = list(running.items.order_by("position").values_list("answer", "answered_at"))
    assert refusal(lambda: save(running, position, {"choices": [0]})) == NOT_A_POSITION
    assert refusal(lambda: save(running, attempts.NO_POSITION, {"choices": [0]})) == (
        "bad_position", '"question" is missing: give the number of the question answered, a whole number such as 3.'
    )  # fmt: skip
    assert list(running.items.order_by("position").values_list("answer", "answered_at")) == before


def test_the_largest_position_the_column_holds_is_still_a_position(running):
    """A position is refused before the query only beyond what the column can hold (32767)."""
    single = single_item(running)
    AttemptQuestion.objects.filter(pk=single.pk).update(position=32767)
    saved = save(running, 32767, {"choices": [2]})
    assert (saved.pk, saved.position) == (single.pk, 32767)
    single.refresh_from_db()
    assert single.answer == [single.option_order[2]]


def test_an_answer_to_a_submitted_attempt_is_refused_with_its_reason(running):
    single = single_item(running)
    attempts.do_submit_attempt(attempt_id=running.pk)
    assert refusal(lambda: save(running, single.position, {"choices": [0]})) == SUBMITTED
    single.refresh_from_db()
    assert single.answer is None


def test_an_answer_after_deadline_and_grace_is_refused_with_its_reason(running):
    single = single_item(running)
    late = running.deadline + datetime.timedelta(seconds=GRACE, microseconds=1)
    assert refusal(lambda: save(running, single.position, {"choices": [0]}, now=late)) == TIME_UP
    single.refresh_from_db()
    assert single.answer is None and single.answered_at is None


def test_a_save_whose_write_finds_the_attempt_submitted_says_so(running, monkeypatch):
    """The conditional UPDATE is the last word: the row read as open, the write finds it submitted."""
    single = single_item(running)
    real_parse = attempts._parse_answer

    def parse_while_the_other_tab_submits(*args, **kwargs):
        attempts.do_submit_attempt(attempt_id=running.pk, trainee_id=running.trainee_id)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(attempts, "_parse_answer", parse_while_the_other_tab_submits)
    assert refusal(lambda: save(running, single.position, {"choices": [0]})) == SUBMITTED


def test_a_save_whose_write_finds_the_deadline_passed_is_refused(running, monkeypatch):
    """The write re-checks deadline plus grace as well as the state: an attempt whose deadline moved
    earlier between the read and the write (as a closing window would) keeps the answer out."""
    single = single_item(running)
    real_parse = attempts._parse_answer
    at = running.deadline

    def parse_while_the_deadline_moves(*args, **kwargs):
        Attempt.objects.filter(pk=running.pk).update(deadline=at - datetime.timedelta(seconds=GRACE + 1))
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(attempts, "_parse_answer", parse_while_the_deadline_moves)
    with pytest.raises(ExamError):
        save(running, single.position, {"choices": [0]}, now=at)
    single.refresh_from_db()
    assert single.answer is None and single.answered_at is None


# --- submitting ------------------------------------------------------------------------------------


def test_a_submit_records_its_time_and_who_submitted_and_only_the_owner_may(running, world):
    at = running.deadline - datetime.timedelta(minutes=1)
    assert (
        refusal(lambda: attempts.do_submit_attempt(attempt_id=running.pk, trainee_id=world.bob.pk, now=at))
        == NO_SUCH_ATTEMPT
    )
    assert Attempt.objects.get(pk=running.pk).state == Attempt.State.OPEN
    submitted = attempts.do_submit_attempt(attempt_id=running.pk, trainee_id=world.alice.pk, now=at)
    stored = Attempt.objects.get(pk=running.pk)
    for attempt in (submitted, stored):
        assert (attempt.state, attempt.submitted_at, attempt.submitted_automatically) == (
            Attempt.State.SUBMITTED, at, False
        )  # fmt: skip
    assert refusal(lambda: attempts.do_submit_attempt(attempt_id=running.pk)) == (
        "already_submitted", "This attempt has already been submitted."
    )  # fmt: skip
    assert refusal(lambda: attempts.do_submit_attempt(attempt_id=running.pk + 1000)) == NO_SUCH_ATTEMPT


def test_a_submit_enqueues_the_grading_of_that_attempt_once_it_commits(
    running, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(grade_attempt, "delay", lambda *args, **kwargs: enqueued.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempts.do_submit_attempt(attempt_id=running.pk)
    assert enqueued == [], "nothing is enqueued before the submit commits"
    for callback in callbacks:
        callback()
    assert enqueued == [((running.pk,), {})]


def test_a_submitted_attempt_is_never_overdue(running, world):
    other = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    attempts.do_submit_attempt(attempt_id=running.pk)
    late = max(running.deadline, other.deadline) + datetime.timedelta(hours=1)
    assert attempts.overdue_attempt_ids(late) == [other.pk]


def test_the_sweep_submits_every_overdue_attempt_automatically_at_its_time(running, world):
    other = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    late = max(running.deadline, other.deadline) + datetime.timedelta(seconds=GRACE, microseconds=1)
    assert attempts.overdue_attempt_ids(late) == sorted([running.pk, other.pk], key=lambda pk: (
        Attempt.objects.get(pk=pk).deadline, pk))  # fmt: skip
    assert attempts.do_submit_overdue_attempts(now=late) == 2
    for attempt in Attempt.objects.filter(pk__in=[running.pk, other.pk]):  # closed at time-up: at the deadline
        assert (attempt.state, attempt.submitted_at, attempt.submitted_automatically) == (
            Attempt.State.SUBMITTED, attempt.deadline, True
        )  # fmt: skip


def test_the_sweep_passes_over_an_attempt_the_trainee_submitted_meanwhile(running, world, monkeypatch):
    other = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    late = max(running.deadline, other.deadline) + datetime.timedelta(seconds=GRACE, microseconds=1)
    listed = attempts.overdue_attempt_ids(late)
    first = Attempt.objects.get(pk=listed[0])
    attempts.do_submit_attempt(attempt_id=first.pk, now=first.deadline)  # the trainee, just before the sweep
    monkeypatch.setattr(attempts, "overdue_attempt_ids", lambda now=None: listed)
    assert attempts.do_submit_overdue_attempts(now=late) == 1
    first.refresh_from_db()
    assert (first.submitted_at, first.submitted_automatically) == (first.deadline, False)
    last = Attempt.objects.get(pk=listed[1])
    assert (last.state, last.submitted_at, last.submitted_automatically) == (
        Attempt.State.SUBMITTED, last.deadline, True
    )  # fmt: skip


def test_the_overdue_are_listed_earliest_deadline_first(running, world):
    other = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    Attempt.objects.filter(pk=running.pk).update(deadline=other.deadline + datetime.timedelta(minutes=1))
    late = other.deadline + datetime.timedelta(minutes=5)
    assert attempts.overdue_attempt_ids(late) == [other.pk, running.pk]
    Attempt.objects.filter(pk=running.pk).update(deadline=other.deadline - datetime.timedelta(minutes=1))
    assert attempts.overdue_attempt_ids(late) == [running.pk, other.pk]


# --- the answer save's written-out SQL --------------------------------------------------------------


@pytest.mark.parametrize("sql", [attempts._answer_target_sql, attempts._save_if_open_sql])
def test_the_answer_saves_sql_names_tables_and_columns_exactly_as_the_models_do(sql):
    """Quoted names are case-sensitive on PostgreSQL (SQLite, which the fast tests run on, is not):
    every quoted name of the written-out SQL is one of the four tables or one of their columns,
    spelled exactly, so the save cannot work here and fail in production."""
    models = [AttemptQuestion, Attempt, Question, ExamPaper]
    names = {model._meta.db_table for model in models}
    names |= {field.column for model in models for field in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    quoted = re.findall(re.escape(quote("x")).replace("x", '([^"`]+)'), sql())
    assert quoted, "the SQL should quote its names"
    assert set(quoted) <= names, set(quoted) - names


# --- who may start, and when ------------------------------------------------------------------------


def finished(state=Attempt.State.GRADED, *, at=None, number=1) -> Attempt:
    """An attempt as the standing reads it (never saved: the rule reads only its state and time)."""
    return Attempt(state=state, submitted_at=at, number=number)


def check(world, *, now, attempts_so_far=(), passed=False, eligible=True) -> None:
    standing = attempts.Standing(attempts=list(attempts_so_far), passed=passed)
    attempts.check_start_attempt(sitting=world.sitting, standing=standing, eligible=eligible, now=now)


def test_the_window_opens_at_its_first_instant_and_is_closed_at_its_last(world):
    opens, closes = world.sitting.opens_at, world.sitting.closes_at
    with translation.override("en"):
        check(world, now=opens)
        check(world, now=closes - datetime.timedelta(microseconds=1))
        assert refusal(lambda: check(world, now=opens - datetime.timedelta(microseconds=1))) == (
            "not_open_yet", "The sitting has not opened yet."
        )  # fmt: skip
        assert refusal(lambda: check(world, now=closes)) == ("window_closed", "The sitting's window has closed.")


def test_who_may_not_start_is_told_why(world):
    now = world.sitting.opens_at + datetime.timedelta(minutes=1)
    with translation.override("en"):
        assert refusal(lambda: check(world, now=now, eligible=False)) == (
            "not_eligible", "You are not eligible: you need an approved enrolment in this cohort for this course."
        )  # fmt: skip
        assert refusal(lambda: check(world, now=now, passed=True)) == (
            "already_passed", "You have already passed this course."
        )  # fmt: skip


def test_the_attempts_are_used_up_only_by_finished_ones(world):
    world.paper.max_attempts = 2
    now = world.sitting.opens_at + datetime.timedelta(minutes=1)
    long_ago = now - datetime.timedelta(days=30)
    with translation.override("en"):
        check(world, now=now, attempts_so_far=[finished(at=long_ago)])
        check(world, now=now, attempts_so_far=[finished(at=long_ago), finished(Attempt.State.OPEN, number=2)])
        two = [finished(at=long_ago), finished(at=long_ago, number=2)]
        assert refusal(lambda: check(world, now=now, attempts_so_far=two)) == (
            "attempts_used_up", "You have used all 2 attempts."
        )  # fmt: skip


@pytest.mark.parametrize("state", [Attempt.State.SUBMITTED, Attempt.State.GRADING])
def test_no_new_attempt_while_the_last_one_awaits_its_grade(world, state):
    now = world.sitting.opens_at + datetime.timedelta(minutes=1)
    long_ago = now - datetime.timedelta(days=30)
    with translation.override("en"):
        pending = [finished(at=long_ago), finished(state, at=long_ago, number=2)]
        assert refusal(lambda: check(world, now=now, attempts_so_far=pending)) == (
            "result_pending", "Your previous attempt is still being graded."
        )  # fmt: skip


def test_a_retake_is_allowed_from_the_instant_the_wait_after_the_last_submit_ends(world):
    world.paper.retake_wait_days = 7
    last_submit = world.sitting.opens_at
    allowed = last_submit + datetime.timedelta(days=7)
    world.sitting.closes_at = allowed + datetime.timedelta(days=1)
    so_far = [finished(at=last_submit - datetime.timedelta(days=30)), finished(at=last_submit, number=2)]
    with translation.override("en"):
        check(world, now=allowed, attempts_so_far=so_far)
        expected = f"You may retake this exam from {date_format(timezone.localtime(allowed), 'DATETIME_FORMAT')}."
        assert refusal(
            lambda: check(world, now=allowed - datetime.timedelta(microseconds=1), attempts_so_far=so_far)
        ) == ("retake_wait", expected)
    world.paper.retake_wait_days = 0
    check(world, now=last_submit, attempts_so_far=so_far)


def test_the_briefing_says_the_rules_as_they_stand_for_the_trainee_now(world):
    world.paper.time_limit_minutes, world.paper.pass_mark, world.paper.max_attempts = 60, 70, 3
    world.paper.retake_wait_days = 5
    world.paper.save()
    now = world.sitting.opens_at + datetime.timedelta(hours=1)
    world.sitting.closes_at = now + datetime.timedelta(minutes=60)
    world.sitting.save()
    assert attempts.briefing(trainee_id=world.alice.pk, sitting=world.sitting, now=now) == attempts.Briefing(
        time_limit_minutes=60, minutes_if_started_now=60, window_closes_first=False, questions=3, pass_mark=70,
        max_attempts=3, attempt_number=1, attempts_left=3, retake_wait_days=5, refusal=None,
    )  # fmt: skip
    short = now + datetime.timedelta(seconds=30)  # the window closes in 59½ minutes
    briefed = attempts.briefing(trainee_id=world.alice.pk, sitting=world.sitting, now=short)
    assert (briefed.minutes_if_started_now, briefed.window_closes_first) == (59, True)


def test_the_briefing_counts_the_attempts_and_says_why_one_cannot_start(world):
    world.paper.max_attempts = 3
    world.paper.save()
    first = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    attempts.do_submit_attempt(attempt_id=first.pk)
    Attempt.objects.filter(pk=first.pk).update(state=Attempt.State.GRADED)
    Attempt.objects.create(
        sitting=world.sitting, paper=world.paper, trainee=world.alice, number=2, seed=1, started_at=first.started_at,
        deadline=first.deadline, state=Attempt.State.GRADED, submitted_at=first.started_at,
    )  # fmt: skip
    world.paper.max_attempts = 1  # lowered after the trainee sat twice: nothing left, never fewer than nothing
    world.paper.save()
    late = world.sitting.closes_at + datetime.timedelta(minutes=1)
    with translation.override("en"):
        briefed = attempts.briefing(trainee_id=world.alice.pk, sitting=world.sitting, now=late)
    assert (briefed.attempt_number, briefed.attempts_left, briefed.max_attempts) == (3, 0, 1)
    assert (briefed.minutes_if_started_now, briefed.window_closes_first) == (0, True)
    assert briefed.refusal == "The sitting's window has closed."
    world.paper.max_attempts, world.paper.retake_wait_days = 4, 0
    world.paper.save()
    third = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    briefed = attempts.briefing(trainee_id=world.alice.pk, sitting=world.sitting, now=third.started_at)
    assert (briefed.attempt_number, briefed.attempts_left) == (4, 2)  # the open one is not finished


def test_the_standing_lists_the_attempts_in_order_and_knows_a_published_pass(world):
    world.paper.retake_wait_days = 0
    world.paper.save()
    first = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    attempts.do_submit_attempt(attempt_id=first.pk)
    Attempt.objects.filter(pk=first.pk).update(state=Attempt.State.GRADED)
    second = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    standing = attempts.standing_of(trainee_id=world.alice.pk, paper_id=world.paper.pk)
    assert [a.pk for a in standing.attempts] == [first.pk, second.pk] and standing.passed is False
    elsewhere = ExamPaper.objects.create(course=Course.objects.exclude(pk=world.course.pk).first())
    Attempt.objects.create(
        sitting=world.sitting, paper=elsewhere, trainee=world.alice, number=1, seed=1, started_at=first.started_at,
        deadline=first.deadline, state=Attempt.State.GRADED, submitted_at=first.deadline,
    )  # fmt: skip
    assert [a.pk for a in attempts.standing_of(trainee_id=world.alice.pk, paper_id=world.paper.pk).attempts] == [
        first.pk, second.pk
    ]  # fmt: skip
    result = CourseResult.objects.create(
        attempt=first, trainee=world.alice, course=world.course, score=10, max_score=10, percent=100, passed=True
    )
    assert attempts.standing_of(trainee_id=world.alice.pk, paper_id=world.paper.pk).passed is False  # unpublished
    result.published_at = timezone.now()
    result.save()
    assert attempts.standing_of(trainee_id=world.alice.pk, paper_id=world.paper.pk).passed is True
    assert attempts.standing_of(trainee_id=world.bob.pk, paper_id=world.paper.pk) == attempts.Standing([], False)


# --- starting ------------------------------------------------------------------------------------------


def test_a_start_records_the_attempt_as_the_rules_say(world):
    now = world.sitting.opens_at + datetime.timedelta(minutes=5)
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting, now=now)
    stored = Attempt.objects.get(pk=attempt.pk)
    assert (stored.number, stored.started_at, stored.deadline, stored.state) == (
        1, now, now + datetime.timedelta(minutes=world.paper.time_limit_minutes), Attempt.State.OPEN
    )  # fmt: skip
    assert (stored.sitting_id, stored.paper_id, stored.trainee_id) == (world.sitting.pk, world.paper.pk, world.alice.pk)
    items = list(stored.items.order_by("position"))
    assert [i.position for i in items] == [1, 2, 3]
    drawn = attempts.draw_questions(paper=world.paper, seed=stored.seed)
    assert [(i.question_id, i.option_order) for i in items] == [(q.pk, order) for q, order in drawn]
    attempts.do_submit_attempt(attempt_id=attempt.pk, now=now)
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.GRADED)
    world.paper.retake_wait_days = 0
    world.paper.save()
    again = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting, now=now)
    assert again.number == 2 and again.pk != attempt.pk


def test_an_open_attempt_is_resumed_even_when_a_new_one_could_not_start(world):
    """Resuming asks nothing of the window or the rules: the trainee's clock is already running."""
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    after_the_window = world.sitting.closes_at + datetime.timedelta(minutes=1)
    assert attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting, now=after_the_window).pk == attempt.pk
    assert Attempt.objects.filter(trainee=world.alice).count() == 1


def test_a_start_is_judged_at_the_time_it_is_given(world):
    before = world.sitting.opens_at - datetime.timedelta(minutes=1)
    with translation.override("en"):
        assert refusal(lambda: attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting, now=before)) == (
            "not_open_yet", "The sitting has not opened yet."
        )  # fmt: skip
    assert not Attempt.objects.filter(trainee=world.alice).exists()


def test_a_start_that_loses_the_race_to_a_second_tab_resumes_the_winners_attempt(world, monkeypatch):
    """The second tab's start committed between this start's look for an open attempt and its insert."""
    winner = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    real_open = attempts.selectors.open_attempt
    looks = []

    def not_yet_on_the_first_look(**kwargs):
        looks.append(kwargs)
        return None if len(looks) == 1 else real_open(**kwargs)

    monkeypatch.setattr(attempts.selectors, "open_attempt", not_yet_on_the_first_look)
    assert attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting).pk == winner.pk
    assert looks[1] == {"trainee_id": world.alice.pk, "paper_id": world.paper.pk}
    assert Attempt.objects.filter(trainee=world.alice).count() == 1


def test_a_start_whose_insert_fails_for_another_reason_raises(world, monkeypatch):
    """Only a lost race is answered with the winner's attempt; with no open attempt to resume the
    database's refusal stands."""
    monkeypatch.setattr(attempts.selectors, "open_attempt", lambda **kwargs: None)

    def create_failing(**kwargs):
        raise IntegrityError("another constraint")

    monkeypatch.setattr(Attempt.objects, "create", create_failing)
    with pytest.raises(IntegrityError):
        attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)


# --- drawing ---------------------------------------------------------------------------------------------


def test_a_draw_takes_each_row_from_its_own_questions_and_shuffles_their_options(world):
    rows = list(world.paper.blueprint.order_by("pk"))
    pool = list(Question.objects.filter(course=world.course).order_by("pk"))
    for row in rows:
        row.count = 2  # every matching question of the pool: exactly enough
    drawn = attempts.draw_from(pool=pool, blueprint=rows, seed=7)
    assert drawn == attempts.draw_from(pool=pool, blueprint=rows, seed=7)
    for row in rows:
        mine = [q for q, _ in drawn if (q.question_type, q.difficulty, q.knowledge_area) == (
            row.question_type, row.difficulty, row.knowledge_area)]  # fmt: skip
        assert len(mine) == 2
    assert len(drawn) == 6 and len({q.pk for q, _ in drawn}) == 6
    assert all(sorted(order) == sorted(str(o["key"]) for o in q.options) for q, order in drawn)
    orders = {
        tuple(order) for seed in range(20) for _, order in attempts.draw_from(pool=pool, blueprint=rows, seed=seed)
    }
    assert len(orders) > 6, "the options are shown in a drawn order, not the bank's"
    firsts = {attempts.draw_from(pool=pool, blueprint=rows, seed=seed)[0][0].pk for seed in range(20)}
    assert len(firsts) > 2, "the questions are shown in a drawn order, not the blueprint's"


def test_a_draw_the_bank_cannot_fill_is_refused(world):
    rows = list(world.paper.blueprint.order_by("pk"))
    pool = list(Question.objects.filter(course=world.course).order_by("pk"))
    rows[0].count = 3
    short = ("bank_short", "The question bank cannot fill this paper yet; tell the program office.")
    with translation.override("en"):
        assert refusal(lambda: attempts.draw_from(pool=pool, blueprint=rows, seed=1)) == short
        assert refusal(lambda: attempts.draw_from(pool=pool, blueprint=[], seed=1)) == short
    # Questions that share two of the row's three traits are not its questions: still two, not three.
    row = rows[0]
    others = {"question_type": QuestionType.TRUE_FALSE, "difficulty": row.difficulty + 1, "knowledge_area": "law"}
    traits = {"question_type": row.question_type, "difficulty": row.difficulty, "knowledge_area": row.knowledge_area}
    decoys = [Question(**(traits | {trait: other}), options=[{"key": "k"}]) for trait, other in others.items()]
    with translation.override("en"):
        assert refusal(lambda: attempts.draw_from(pool=pool + decoys, blueprint=rows[:1], seed=1)) == short


# --- scheduling a sitting ----------------------------------------------------------------------------------


def test_scheduling_a_sitting_checks_who_when_and_where(world, institution_admin, other_institution_admin, office):
    opens = timezone.now() + datetime.timedelta(days=1)
    closes = opens + datetime.timedelta(hours=2)
    base = {"cohort": world.cohort, "paper": world.paper, "opens_at": opens, "closes_at": closes,
            "is_online": False, "place": "臺北市"}  # fmt: skip

    def schedule(**changes):
        return attempts.do_schedule_sitting(**(base | {"by": institution_admin} | changes))

    with translation.override("en"):
        assert refusal(lambda: schedule(by=other_institution_admin)) == (
            "foreign_cohort", "You can schedule sittings only for your institution's cohorts."
        )  # fmt: skip
        assert refusal(lambda: schedule(closes_at=opens)) == ("bad_window", "The sitting must close after it opens.")
        assert refusal(lambda: schedule(place="  ")) == (
            "bad_place", "Give the place of the sitting, or mark it as online."
        )  # fmt: skip
        taught = CurriculumCourse.objects.filter(curriculum_id=world.cohort.curriculum_id).values("course_id")
        foreign = ExamPaper.objects.create(course=Course.objects.exclude(pk__in=taught).first())
        assert refusal(lambda: schedule(paper=foreign)) == (
            "course_not_in_curriculum", "The cohort's curriculum does not include this course."
        )  # fmt: skip
        assert refusal(lambda: schedule(is_online=True)) == ("bad_place", "An online sitting has no place.")
        sitting = schedule(is_online=True, place="")
        assert (sitting.cohort, sitting.paper, sitting.opens_at, sitting.closes_at, sitting.is_online) == (
            world.cohort, world.paper, opens, closes, True
        )  # fmt: skip
        later = opens + datetime.timedelta(minutes=1)  # the same opening time would be a duplicate
        by_office = attempts.do_schedule_sitting(**(base | {"by": office.user, "opens_at": later}))
        assert by_office.place == "臺北市" and not by_office.is_online
        world.inst_a.authorized_until = timezone.localdate(opens) - datetime.timedelta(days=1)
        world.inst_a.save()
        world.cohort.refresh_from_db()
        assert refusal(lambda: schedule(cohort=world.cohort)) == (
            "not_authorized", "The institution is not authorized on the day the sitting opens."
        )  # fmt: skip


# --- reading an answer --------------------------------------------------------------------------------

ORDER = ["k3", "k1", "k2", "k0"]  # the order the options were shown in (not the keys' order)


@pytest.mark.parametrize(
    ("kind", "payload", "stored"),
    [
        (QuestionType.ESSAY, {"text": "x" * 20}, "x" * 20),  # exactly the limit
        (QuestionType.ESSAY, {"text": ""}, ""),  # cleared
        (QuestionType.ESSAY, {"question": 4, "text": "x"}, "x"),
        (QuestionType.SINGLE, {"choices": [3]}, ["k0"]),
        (QuestionType.SINGLE, {"choices": [0]}, ["k3"]),
        (QuestionType.SINGLE, {"choices": []}, []),  # cleared
        (QuestionType.SINGLE, {"question": 1, "choices": [0]}, ["k3"]),
        (QuestionType.TRUE_FALSE, {"choices": [1]}, ["k1"]),
        (QuestionType.MULTIPLE, {"choices": [0, 1]}, ["k1", "k3"]),
        (QuestionType.MULTIPLE, {"choices": [3, 2, 1, 0]}, ["k0", "k1", "k2", "k3"]),
    ],
)
def test_an_answer_is_stored_as_the_keys_of_the_options_shown(kind, payload, stored):
    assert attempts._parse_answer(kind, ORDER, payload, 20) == (stored, ())  # (the answer, nothing taken out)


NOT_TEXT = '"text" must be the essay\'s answer as text ("" clears it).'
NOT_CHOICES = '"choices" must be a list of the numbers of the chosen options, such as [0] or [0, 2] ([] clears it).'


@pytest.mark.parametrize(
    ("kind", "payload", "code", "message"),
    [
        (QuestionType.ESSAY, {"text": None}, "bad_answer", NOT_TEXT),
        (QuestionType.SINGLE, {"choices": None}, "bad_answer", NOT_CHOICES),
        (QuestionType.ESSAY, {"text": 5}, "bad_answer", NOT_TEXT),
        (QuestionType.ESSAY, {"text": ["x"]}, "bad_answer", NOT_TEXT),
        (QuestionType.ESSAY, {"text": "x" * 21}, "too_long",
         "Your answer is 21 characters long; the limit is 20. It was not saved."),
        (QuestionType.SINGLE, {"choices": "0"}, "bad_answer", NOT_CHOICES),
        (QuestionType.SINGLE, {"choices": [True]}, "bad_answer", NOT_CHOICES),
        (QuestionType.SINGLE, {"choices": [0, "1"]}, "bad_answer", NOT_CHOICES),
        (QuestionType.SINGLE, {"choices": [1.0]}, "bad_answer", NOT_CHOICES),
        (QuestionType.SINGLE, {"choices": [4]}, "bad_answer", "That option does not exist in this question."),
        (QuestionType.SINGLE, {"choices": [-1]}, "bad_answer", "That option does not exist in this question."),
        (QuestionType.MULTIPLE, {"choices": [1, 1]}, "bad_answer", "That option does not exist in this question."),
        (QuestionType.MULTIPLE, {"choices": [0, 4]}, "bad_answer", "That option does not exist in this question."),
        (QuestionType.SINGLE, {"choices": [0, 1]}, "bad_answer", "Choose one option only."),
        (QuestionType.TRUE_FALSE, {"choices": [0, 1]}, "bad_answer", "Choose one option only."),
    ],
)  # fmt: skip
def test_an_answer_the_question_cannot_take_is_refused_with_its_reason(kind, payload, code, message):
    with translation.override("en"):
        assert refusal(lambda: attempts._parse_answer(kind, ORDER, payload, 20)) == (code, message)
