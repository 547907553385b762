"""The exam rules' races and boundaries shown deterministically on any database (issue 23).

Each test places a second actor at the exact point a real race would put it (a grader claiming the
attempt between the first grader's read and its claim; a submit landing between an answer save's
read and its write) or asks at the exact instant a rule's boundary falls (deadline plus grace).
The PostgreSQL thread races of test_concurrency.py stay; these run under ``make test`` on SQLite too.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from exams.models import Attempt, AttemptQuestion, CourseResult, QuestionType
from exams.services import ExamError, attempts, grading

pytestmark = pytest.mark.django_db

GRACE = 30


@pytest.fixture(autouse=True)
def english_and_grace(settings):
    settings.EXAM_SAVE_GRACE_SECONDS = GRACE
    with translation.override("en"):
        yield


def single_item(attempt: Attempt) -> AttemptQuestion:
    return attempt.items.select_related("question").get(question__question_type=QuestionType.SINGLE)


def submitted(world) -> Attempt:
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.SUBMITTED, submitted_at=attempt.started_at)
    return attempt


# --- grading: the claim ---------------------------------------------------------------------


def test_a_second_grader_that_read_the_attempt_before_the_first_claimed_it_grades_nothing(world, monkeypatch):
    """A re-delivered grading task reads the attempt as submitted, then the first grader claims and
    grades it before the second reaches its own claim: the second's claim must find nothing."""
    attempt = submitted(world)
    real_score = grading.score_answer
    first_grades: list[CourseResult | None] = []

    def score_then_let_the_other_grader_finish(**kwargs):
        if not first_grades:  # the first scored answer of the outer grader: the other one runs to the end
            first_grades.append(None)
            first_grades[0] = grading.do_grade_attempt(attempt_id=attempt.pk)
        return real_score(**kwargs)

    monkeypatch.setattr(grading, "score_answer", score_then_let_the_other_grader_finish)
    late = grading.do_grade_attempt(attempt_id=attempt.pk)
    assert first_grades[0] is not None, "the inner grader should have graded the attempt"
    assert late is None
    assert CourseResult.objects.filter(attempt=attempt).count() == 1
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADED


def test_grading_twice_in_a_row_grades_once(world):
    attempt = submitted(world)
    assert grading.do_grade_attempt(attempt_id=attempt.pk) is not None
    assert grading.do_grade_attempt(attempt_id=attempt.pk) is None
    assert CourseResult.objects.filter(attempt=attempt).count() == 1


# --- saving an answer: the submit racing it -----------------------------------------------------


def test_a_submit_landing_between_the_saves_read_and_its_write_keeps_the_answer_out(world, monkeypatch):
    """The save read the attempt as open; the trainee's other tab submits before the save writes.
    The write re-checks the state, so the answer stays as it was when the attempt was submitted."""
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    single = single_item(attempt)
    real_parse = attempts._parse_answer

    def parse_while_the_other_tab_submits(*args, **kwargs):
        attempts.do_submit_attempt(attempt_id=attempt.pk, trainee_id=world.alice.pk)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(attempts, "_parse_answer", parse_while_the_other_tab_submits)
    with pytest.raises(ExamError) as refused:
        attempts.do_save_answer(
            attempt_id=attempt.pk, trainee_id=world.alice.pk, position=single.position, payload={"choices": [0]}
        )
    assert refused.value.code == "already_submitted"
    single.refresh_from_db()
    assert single.answer is None and single.answered_at is None
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.SUBMITTED


# --- the deadline plus grace: the boundary itself -------------------------------------------------


def test_an_answer_saved_exactly_at_deadline_plus_grace_is_stored_and_one_microsecond_later_refused(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    single = single_item(attempt)
    boundary = attempt.deadline + datetime.timedelta(seconds=GRACE)
    saved = attempts.do_save_answer(
        attempt_id=attempt.pk, trainee_id=world.alice.pk, position=single.position, payload={"choices": [0]},
        now=boundary,
    )  # fmt: skip
    assert saved.answered_at == boundary
    single.refresh_from_db()
    assert single.answer == [single.option_order[0]]
    with pytest.raises(ExamError) as refused:
        attempts.do_save_answer(
            attempt_id=attempt.pk, trainee_id=world.alice.pk, position=single.position, payload={"choices": [1]},
            now=boundary + datetime.timedelta(microseconds=1),
        )  # fmt: skip
    assert refused.value.code == "time_up"
    single.refresh_from_db()
    assert single.answer == [single.option_order[0]]


def test_an_attempt_is_overdue_only_after_deadline_plus_grace(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    boundary = attempt.deadline + datetime.timedelta(seconds=GRACE)
    assert attempt.pk not in attempts.overdue_attempt_ids(boundary)
    assert attempts.do_submit_overdue_attempts(now=boundary) == 0
    assert attempt.pk in attempts.overdue_attempt_ids(boundary + datetime.timedelta(microseconds=1))
    assert attempts.do_submit_overdue_attempts(now=boundary + datetime.timedelta(microseconds=1)) == 1
    assert Attempt.objects.get(pk=attempt.pk).state != Attempt.State.OPEN
