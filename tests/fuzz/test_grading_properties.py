"""Grading (exams/services/grading.py) for any answers: an objective item scores between 0 and its maximum,
the whole paper's result adds its items up and passes exactly at the pass mark, grading twice
grades once; and whatever JSON the exam page sends, an answer is saved or refused, never an error.

Database examples run in a savepoint rolled back at their end, on top of one exam world per test.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from exams.models import Attempt, AttemptQuestion, CourseResult, ExamPaper, Question, QuestionType
from exams.services import ExamError, attempts, grading
from tests.exams.conftest import approve, make_paper, open_sitting, score_item
from tests.factories import CohortFactory

KEYS = list("abcdefgh")
PURE = settings(max_examples=400, deadline=None, derandomize=True, database=None)
DB = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


OBJECTIVE_KINDS = st.sampled_from([QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE])


@st.composite
def objective_items(draw, kind=OBJECTIVE_KINDS):
    kind = draw(kind)
    options = KEYS[: 2 if kind == QuestionType.TRUE_FALSE else draw(st.integers(2, len(KEYS)))]
    if kind == QuestionType.MULTIPLE:
        correct = draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    else:
        correct = [draw(st.sampled_from(options))]
    max_score = draw(st.decimals(min_value="0.01", max_value="999.99", places=2))
    question = Question(question_type=kind, options=[{"key": k} for k in options], correct=correct, max_score=max_score)
    answer = draw(st.none() | st.lists(st.sampled_from(options), unique=True, max_size=len(options)))
    return AttemptQuestion(question=question, answer=answer)


scorings = st.sampled_from(ExamPaper.MultipleScoring.values)


@PURE
@given(item=objective_items(), scoring=scorings)
def test_an_item_scores_between_nothing_and_its_maximum_in_cents(item, scoring):
    score = score_item(item, scoring)
    assert Decimal(0) <= score <= item.question.max_score
    assert score == score.quantize(Decimal("0.01"))


@PURE
@given(item=objective_items(), scoring=scorings)
def test_exactly_the_right_options_score_the_maximum_and_any_wrong_one_scores_nothing(item, scoring):
    chosen, correct = set(item.answer or []), set(item.question.correct)
    score = score_item(item, scoring)
    if chosen == correct:
        assert score == item.question.max_score
    if chosen - correct or not chosen:
        assert score == 0


@PURE
@given(item=objective_items(), scoring=scorings)
def test_only_a_multiple_choice_under_partial_scoring_gives_a_share(item, scoring):
    score = score_item(item, scoring)
    partial = item.question.question_type == QuestionType.MULTIPLE and scoring == ExamPaper.MultipleScoring.PARTIAL
    if not partial:
        assert score in (0, item.question.max_score)
    else:
        chosen, correct = set(item.answer or []), set(item.question.correct)
        if chosen and chosen <= correct:
            share = item.question.max_score * len(chosen) / len(correct)
            assert score == share.quantize(Decimal("0.01"), ROUND_HALF_UP)


@PURE
@given(item=objective_items(kind=st.just(QuestionType.MULTIPLE)), data=st.data())
def test_choosing_one_more_right_option_never_lowers_a_partial_score(item, data):
    missing = sorted(set(item.question.correct) - set(item.answer or []))
    assume(missing and not set(item.answer or []) - set(item.question.correct))
    more = AttemptQuestion(question=item.question, answer=[*(item.answer or []), data.draw(st.sampled_from(missing))])
    partial = ExamPaper.MultipleScoring.PARTIAL
    assert score_item(more, partial) >= score_item(item, partial)


# --- a whole paper, in the database ---------------------------------------------------------------


@pytest.fixture
def exam(trainee):
    cohort = CohortFactory()
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course, per_row=2)
    approve(trainee, cohort)
    return paper, open_sitting(paper, cohort), trainee


def start(exam) -> tuple[Attempt, list[AttemptQuestion]]:
    _paper, sitting, trainee = exam
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
    return attempt, list(attempt.items.select_related("question").order_by("position"))


@DB
@given(
    picks=st.lists(st.lists(st.integers(0, 3), unique=True, max_size=4), min_size=6, max_size=6),
    pass_mark=st.integers(1, 100),  # a pass mark is 1 to 100 (paper_pass_mark_percent)
    scoring=scorings,
)
def test_a_graded_paper_adds_up_its_items_and_passes_exactly_at_the_pass_mark(exam, picks, pass_mark, scoring):
    paper, _sitting, trainee = exam
    with transaction.atomic():
        ExamPaper.objects.filter(pk=paper.pk).update(pass_mark=pass_mark, multiple_scoring=scoring)
        attempt, items = start(exam)
        assert len(items) == len(picks)
        for item, pick in zip(items, picks, strict=True):
            # Drawn before the attempt's questions are known (they follow its random seed).
            choices = [c for c in pick if c < len(item.option_order)]
            if item.question.question_type != QuestionType.MULTIPLE:
                choices = choices[:1]
            attempts.do_save_answer(
                attempt_id=attempt.pk, trainee_id=trainee.pk, position=item.position, payload={"choices": choices}
            )
        attempts.do_submit_attempt(attempt_id=attempt.pk, trainee_id=trainee.pk)
        result = grading.do_grade_attempt(attempt_id=attempt.pk)
        assert grading.do_grade_attempt(attempt_id=attempt.pk) is None  # a second run grades nothing

        graded = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("question"))
        assert all(item.score == score_item(item, scoring) for item in graded)
        result.refresh_from_db()
        assert CourseResult.objects.filter(attempt=attempt).count() == 1
        assert result.max_score == sum(item.question.max_score for item in graded)
        assert result.score == sum(item.score for item in graded)
        assert 0 <= result.percent <= 100
        assert result.percent == (result.score * 100 / result.max_score).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert result.passed == (result.percent >= pass_mark)
        assert result.published_at is not None
        assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADED
        transaction.set_rollback(True)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=12,
)
# Half of them nearly right (the page's own shape, any options), half anything at all.
payloads = (
    st.fixed_dictionaries({"choices": st.lists(st.integers(0, 3), unique=True, max_size=4)})
    | st.fixed_dictionaries(
        {}, optional={"choices": st.lists(st.integers(-3, 9), max_size=6) | json_values, "text": json_values}
    )
    | st.dictionaries(st.text(max_size=10), json_values, max_size=4)
)
positions = st.integers(1, 6) | st.integers(-1, 7) | json_values


@settings(DB, max_examples=150)
@given(position=positions, payload=payloads)
def test_whatever_the_exam_page_sends_an_answer_is_saved_or_refused_never_an_error(exam, position, payload):
    _paper, _sitting, trainee = exam
    with transaction.atomic():
        attempt, _items = start(exam)
        try:
            saved = attempts.do_save_answer(
                attempt_id=attempt.pk, trainee_id=trainee.pk, position=position, payload=payload
            )
        except ExamError as error:
            assert str(error), "a refusal says why"
            assert not AttemptQuestion.objects.filter(attempt=attempt, answered_at__isnull=False).exists()
        else:
            stored = AttemptQuestion.objects.select_related("question").get(pk=saved.pk)
            if stored.question.question_type == QuestionType.ESSAY:
                assert stored.answer is None or isinstance(stored.answer, str)
            else:
                assert stored.answer is None or (
                    stored.answer == sorted(stored.answer) and set(stored.answer) <= set(stored.option_order)
                )
                if stored.answer and stored.question.question_type != QuestionType.MULTIPLE:
                    assert len(stored.answer) == 1
        transaction.set_rollback(True)
