"""Grading: once per attempt, after commit, objective scoring, essays through the institution's
graders, the published result (signal, e-mail in the trainee's language, page breakdown)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from exams import selectors, tasks
from exams.models import Attempt, CourseResult, EssayAnswer, ExamPaper, Question, QuestionType
from exams.services import ExamError, attempts, grading
from exams.signals import result_published

from .conftest import login, make_paper, open_sitting, score_item

pytestmark = pytest.mark.django_db


def result_mails():
    return [m for m in mail.outbox if m.subject.startswith(("Your exam result:", "考試結果："))]


def answer_all(attempt, *, right: bool) -> None:
    for item in attempt.items.select_related("question"):
        q = item.question
        if q.is_essay:
            payload = {"text": "我的申論"}
        else:
            keys = q.correct if right else [k for k in item.option_order if k not in q.correct][:1]
            payload = {"choices": [item.option_order.index(k) for k in keys]}
        attempts.do_save_answer(
            attempt_id=attempt.pk, trainee_id=attempt.trainee_id, position=item.position, payload=payload
        )


def submit(attempt, capture):
    with capture(execute=True):
        attempts.do_submit_attempt(attempt_id=attempt.pk)
    return CourseResult.objects.filter(attempt=attempt).first()


def test_a_right_paper_passes_and_is_published_with_a_signal_and_a_mail(world, django_capture_on_commit_callbacks):
    received = []
    result_published.connect(lambda sender, result, **kw: received.append(result.pk), weak=False, dispatch_uid="t1")
    try:
        attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
        answer_all(attempt, right=True)
        result = submit(attempt, django_capture_on_commit_callbacks)
    finally:
        result_published.disconnect(dispatch_uid="t1")
    assert result.passed and result.score == result.max_score == Decimal(4) and result.percent == 100
    assert result.published_at is not None and received == [result.pk]
    assert selectors.passed_course_ids(world.alice.pk) == {world.course.pk}
    (sent,) = result_mails()  # Alice reads English
    assert "You passed." in sent.body and "finance" in sent.alternatives[0][0]
    page = login(world.alice).get(f"/en/exams/attempts/{attempt.pk}/result/").content.decode()
    assert 'id="breakdown"' in page and "finance" in page and "passed" in page


def test_a_wrong_paper_fails_and_the_chinese_mail_speaks_chinese(world, django_capture_on_commit_callbacks):
    world.alice.preferred_language = "zh-hant"
    world.alice.save()
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=False)
    result = submit(attempt, django_capture_on_commit_callbacks)
    assert result.passed is False and result.score == 0
    assert selectors.passed_course_ids(world.alice.pk) == set()
    (sent,) = result_mails()
    assert "考試結果" in sent.subject and "未通過" in sent.body


def test_partial_scoring_gives_a_share_of_a_multiple_choice(world):
    world.paper.multiple_scoring = ExamPaper.MultipleScoring.PARTIAL
    world.paper.save()
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    item = attempt.items.select_related("question").get(question__question_type=QuestionType.MULTIPLE)
    item.answer = item.question.correct[:1]
    assert score_item(item, "partial") == Decimal(1)
    assert score_item(item, "all_or_nothing") == 0
    item.answer = [item.question.correct[0], next(k for k in item.option_order if k not in item.question.correct)]
    assert score_item(item, "partial") == 0


def test_a_rolled_back_submit_enqueues_nothing(world, django_capture_on_commit_callbacks):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        attempts.do_submit_attempt(attempt_id=attempt.pk)
        raise RuntimeError("something after the submit failed")
    assert callbacks == []
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.OPEN


def test_grading_twice_or_a_redelivered_task_grades_once(world, django_capture_on_commit_callbacks):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=True)
    result = submit(attempt, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.grade_attempt.delay(attempt.pk)
        tasks.grade_attempt.apply(args=[attempt.pk])
    assert callbacks == []
    assert CourseResult.objects.filter(attempt=attempt).count() == 1
    assert CourseResult.objects.get(pk=result.pk).published_at == result.published_at
    assert len(result_mails()) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseResult.objects.create(attempt=attempt, trainee=world.alice, course=world.course, max_score=1)


def test_a_second_submit_is_refused_and_changes_nothing(world, django_capture_on_commit_callbacks):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    submit(attempt, django_capture_on_commit_callbacks)
    with pytest.raises(ExamError) as refused:
        attempts.do_submit_attempt(attempt_id=attempt.pk)
    assert refused.value.code == "already_submitted"
    assert CourseResult.objects.filter(attempt=attempt).count() == 1


def test_the_beat_task_submits_overdue_attempts_with_their_answers(world, settings, django_capture_on_commit_callbacks):
    settings.EXAM_SAVE_GRACE_SECONDS = 30
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=True)
    with freeze_time(attempt.deadline + datetime.timedelta(seconds=20)):
        assert tasks.submit_overdue_attempts.apply().get() == 0  # saves may still be in flight
    with (
        freeze_time(attempt.deadline + datetime.timedelta(seconds=90)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.submit_overdue_attempts.apply().get() == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED and attempt.submitted_automatically
    assert attempt.submitted_at <= attempt.deadline + datetime.timedelta(minutes=2)
    assert attempt.result.passed and attempt.result.score == attempt.result.max_score


@pytest.fixture
def essay_world(world):
    paper = make_paper(world.cohort.curriculum.entries.select_related("course")[1].course, essay=True)
    world.essay_sitting = open_sitting(paper, world.cohort)
    world.essay_paper = paper
    return world


def test_essays_wait_for_the_institutions_grader_then_the_result_is_final(
    essay_world, grader_a, grader_b, django_capture_on_commit_callbacks
):
    world = essay_world
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.essay_sitting)
    answer_all(attempt, right=True)
    result = submit(attempt, django_capture_on_commit_callbacks)
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADING
    assert result.published_at is None and result.passed is None and result_mails() == []
    pending = login(world.alice).get(reverse("exams:result", args=[attempt.pk])).content.decode()
    assert 'id="result-pending"' in pending
    essay = EssayAnswer.objects.get(attempt=attempt)
    url = reverse("admin:exams_essayanswer_change", args=[essay.pk])
    assert grader_b.get(url).status_code == 404
    theirs = grader_b.get(reverse("admin:exams_essayanswer_changelist"))
    assert theirs.status_code == 200 and url not in theirs.content.decode()
    assert url in grader_a.get(reverse("admin:exams_essayanswer_changelist")).content.decode()  # the control
    page = grader_a.get(url)
    assert page.status_code == 200 and "RUBRIC-SECRET" in page.content.decode()
    assert (
        grader_a.post(url, {"score": "11", "grader_note": ""}).status_code == 200
    )  # over the maximum: the form refuses
    assert CourseResult.objects.get(pk=result.pk).published_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = grader_a.post(url, {"score": "7", "grader_note": "好"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.published_at is not None and result.score == Decimal(11) and result.max_score == Decimal(14)
    assert result.passed is True and len(result_mails()) == 1
    with pytest.raises(ExamError):
        grading.do_grade_essay(item_id=essay.pk, grader=grader_a.user, score=Decimal(1))


def test_an_outsider_grader_is_refused_by_the_service_too(essay_world, grader_b, django_capture_on_commit_callbacks):
    world = essay_world
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.essay_sitting)
    submit(attempt, django_capture_on_commit_callbacks)
    essay = EssayAnswer.objects.get(attempt=attempt)
    with pytest.raises(ExamError) as refused:
        grading.do_grade_essay(item_id=essay.pk, grader=grader_b.user, score=Decimal(1))
    assert refused.value.code == "not_yours"


def test_the_grading_queue_lists_only_submitted_essays_of_the_own_institution(
    essay_world, grader_a, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    world = essay_world
    open_attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.essay_sitting)
    assert not EssayAnswer.objects.filter(attempt=open_attempt).exists()
    submit(open_attempt, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(20):
        listing = grader_a.get(reverse("admin:exams_essayanswer_changelist"))
    assert listing.status_code == 200
    assert (
        reverse("admin:exams_essayanswer_change", args=[EssayAnswer.objects.get(attempt=open_attempt).pk])
        in listing.content.decode()
    )


def test_history_shows_scores(world, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    client = login(world.alice)
    client.get("/en/exams/")
    with django_assert_max_num_queries(10):
        page = client.get("/en/exams/").content.decode()
    assert f'id="attempt-{attempt.pk}"' in page and "100% · Passed" in page
    assert "already passed" in page


def answer_mixed(attempt) -> dict[int, Decimal]:
    """Right, wrong, half-right (a multiple choice under partial scoring) and blank answers in turn;
    returns the score each item must get."""
    expected = {}
    for n, item in enumerate(attempt.items.select_related("question").order_by("position")):
        q, kind = item.question, n % 4
        if kind == 0 or (kind == 2 and q.question_type != QuestionType.MULTIPLE):
            keys, score = q.correct, q.max_score
        elif kind == 1:
            keys, score = [k for k in item.option_order if k not in q.correct][:1], Decimal(0)
        elif kind == 2:
            keys, score = q.correct[:1], q.max_score / len(q.correct)
        else:
            keys, score = None, Decimal(0)
        expected[item.pk] = score
        if keys is None:  # blank: never answered
            continue
        attempts.do_save_answer(
            attempt_id=attempt.pk, trainee_id=attempt.trainee_id, position=item.position,
            payload={"choices": [item.option_order.index(k) for k in keys]},
        )  # fmt: skip
    return expected


@pytest.mark.parametrize("per_row", [1, 6])
def test_a_grade_costs_a_few_statements_whatever_the_number_of_questions(
    world, per_row, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from tests.conftest import make_trainee

    from .conftest import approve

    # A self-funded trainee: for an employee, result_published's webhook receiver also reads the course and
    # the employer's endpoints (tests/api counts those), and whether the mixed answers pass varies by draw.
    trainee = make_trainee(email="self-funded@example.test", display_name="自費學員")
    approve(trainee, world.cohort)
    paper = make_paper(world.cohort.curriculum.entries.select_related("course")[1].course, per_row=per_row,
                       multiple_scoring=ExamPaper.MultipleScoring.PARTIAL)  # fmt: skip
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(paper, world.cohort))
    expected = answer_mixed(attempt)
    attempts.do_submit_attempt(attempt_id=attempt.pk)
    # Read the attempt, read its answers, claim, score every answer, write the result final (and the
    # savepoint pair around them), plus what result_published's receivers write (issue 9).
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(10):
        result = grading.do_grade_attempt(attempt_id=attempt.pk)
    assert len(callbacks) >= 1  # the result mail, after commit
    scores = dict(attempt.items.values_list("pk", "score"))
    assert scores == expected and len(set(scores.values())) >= 2
    assert not attempt.items.filter(graded_at__isnull=True).exists()
    result.refresh_from_db()
    assert result.score == sum(expected.values()) and result.max_score == sum(
        q.max_score for q in Question.objects.filter(pk__in=attempt.items.values("question_id"))
    )
    assert result.published_at is not None and Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADED


def test_a_grade_that_fails_halfway_leaves_the_attempt_submitted_for_the_next_run(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=True)
    attempts.do_submit_attempt(attempt_id=attempt.pk)

    def die(*args, **kwargs):
        raise RuntimeError("the worker died while writing the scores")

    with monkeypatch.context() as patch:
        patch.setattr(grading, "_record_scores", die)
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            grading.do_grade_attempt(attempt_id=attempt.pk)
    assert callbacks == []
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.SUBMITTED
    assert not CourseResult.objects.filter(attempt=attempt).exists()
    assert not attempt.items.filter(score__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = grading.do_grade_attempt(attempt_id=attempt.pk)
    assert result.passed and Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADED
    assert grading.do_grade_attempt(attempt_id=attempt.pk) is None
    assert len(result_mails()) == 1


# --- the outcome: the percent and the pass --------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "max_score", "percent"),
    [
        ("1", "32", "3.13"),  # 3.125: half a cent rounds up, not to the even cent
        ("0.25", "8", "3.13"),
        ("7", "8", "87.50"),
        ("2", "3", "66.67"),
    ],
)
def test_the_percent_is_rounded_half_up_to_the_cent(score, max_score, percent):
    outcome = grading.outcome_of(score=Decimal(score), max_score=Decimal(max_score), pass_mark=60)
    assert outcome.percent == Decimal(percent) and outcome.score == Decimal(score)


def test_a_paper_worth_nothing_scores_0_percent():
    assert grading.outcome_of(score=Decimal(0), max_score=Decimal(0), pass_mark=60) == grading.Outcome(
        score=Decimal(0), percent=Decimal(0), passed=False
    )
    assert grading.outcome_of(score=Decimal(0), max_score=Decimal(0), pass_mark=0).passed is True


# --- grading reads and claims its own attempt only -------------------------------------------------


def test_grading_one_attempt_leaves_the_other_submitted_attempts_alone(world):
    now = timezone.now()
    alices = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    bobs = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    for attempt, started in ((alices, now - datetime.timedelta(hours=2)), (bobs, now - datetime.timedelta(hours=1))):
        Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.SUBMITTED, started_at=started,
                                                     submitted_at=started + datetime.timedelta(minutes=30))  # fmt: skip
    result = grading.do_grade_attempt(attempt_id=alices.pk)
    assert (result.attempt_id, result.trainee_id, result.course_id) == (alices.pk, world.alice.pk, world.course.pk)
    assert Attempt.objects.get(pk=bobs.pk).state == Attempt.State.SUBMITTED, "Bob's attempt waits for its own grading"
    assert not CourseResult.objects.filter(attempt=bobs).exists()
    theirs = grading.do_grade_attempt(attempt_id=bobs.pk)
    assert (theirs.attempt_id, theirs.trainee_id) == (bobs.pk, world.bob.pk)
    assert Attempt.objects.get(pk=bobs.pk).state == Attempt.State.GRADED


# --- essays graded by hand: the service's rules ---------------------------------------------------


def essay_of(attempt):
    return attempt.items.select_related("question").get(question__question_type=QuestionType.ESSAY)


def test_the_last_essay_grade_publishes_the_sum_of_every_score_at_the_time_given(
    essay_world, grader_a, django_capture_on_commit_callbacks
):
    world = essay_world
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.essay_sitting)
    answer_all(attempt, right=False)  # every objective answer scores 0
    result = submit(attempt, django_capture_on_commit_callbacks)
    at = timezone.now() - datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(item_id=essay_of(attempt).pk, grader=grader_a.user, score=Decimal("6.5"), now=at)
    published = CourseResult.objects.get(pk=result.pk)
    assert (published.score, published.max_score, published.percent) == (Decimal("6.5"), 14, Decimal("46.43"))
    assert published.passed is False and published.published_at == at
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADED
    assert essay_of(attempt).graded_at == at
    assert len(result_mails()) == 1


def test_an_essay_grade_without_a_time_is_stamped_now_and_without_a_note_has_none(
    essay_world, grader_a, django_capture_on_commit_callbacks
):
    world = essay_world
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.essay_sitting)
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(item_id=essay_of(attempt).pk, grader=grader_a.user, score=Decimal(10))
    essay = essay_of(attempt)
    assert essay.grader_note == "" and essay.grader_id == grader_a.user.pk
    assert before <= essay.graded_at <= timezone.now()
    assert before <= CourseResult.objects.get(attempt=attempt).published_at <= timezone.now()


@pytest.fixture
def two_essays(world, django_capture_on_commit_callbacks):
    """Alice's attempt at a paper with two essays, submitted: both wait for a grader."""
    paper = make_paper(world.cohort.curriculum.entries.select_related("course")[2].course, essay=True, per_row=2)
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=open_sitting(paper, world.cohort))
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    essays = list(attempt.items.filter(question__question_type=QuestionType.ESSAY).order_by("position"))
    assert len(essays) == 2 and all(e.question.max_score == 10 for e in essays)
    return attempt, essays


def refusal(**kwargs) -> tuple[str, str]:
    """The code and the English message of ``do_grade_essay``'s refusal."""
    with pytest.raises(ExamError) as refused, translation.override("en"):
        grading.do_grade_essay(**kwargs)
    with translation.override("en"):
        return refused.value.code, str(refused.value)


@pytest.mark.parametrize("score", ["-0.01", "-1", "10.01", "11"])
def test_a_score_below_0_or_above_the_maximum_is_refused(two_essays, grader_a, score):
    _attempt, (essay, _other) = two_essays
    assert refusal(item_id=essay.pk, grader=grader_a.user, score=Decimal(score)) == (
        "bad_score",
        "The score must be from 0 to 10.",
    )
    essay.refresh_from_db()
    assert essay.score is None and essay.graded_at is None


def test_a_score_of_0_and_one_of_the_maximum_are_accepted(two_essays, grader_a, django_capture_on_commit_callbacks):
    attempt, (first, second) = two_essays
    grading.do_grade_essay(item_id=first.pk, grader=grader_a.user, score=Decimal(0))
    first.refresh_from_db()
    assert first.score == 0 and first.graded_at is not None
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADING, "one essay still waits"
    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(item_id=second.pk, grader=grader_a.user, score=Decimal(10))
    result = CourseResult.objects.get(attempt=attempt)
    assert result.score == result.max_score - 10 and result.published_at is not None


def test_an_objective_answer_is_not_graded_by_hand(two_essays, grader_a):
    attempt, _essays = two_essays
    single = attempt.items.filter(question__question_type=QuestionType.SINGLE).first()
    assert refusal(item_id=single.pk, grader=grader_a.user, score=Decimal(0)) == (
        "not_essay",
        "Only essay answers are graded by hand.",
    )


def test_a_final_result_is_not_graded_again(essay_world, grader_a, django_capture_on_commit_callbacks):
    attempt = attempts.do_start_attempt(trainee=essay_world.alice, sitting=essay_world.essay_sitting)
    submit(attempt, django_capture_on_commit_callbacks)
    essay = essay_of(attempt)
    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(item_id=essay.pk, grader=grader_a.user, score=Decimal(5))
    assert refusal(item_id=essay.pk, grader=grader_a.user, score=Decimal(9)) == (
        "final",
        "The result of this attempt is final.",
    )
    assert essay_of(attempt).score == 5


def test_an_essay_of_an_attempt_still_open_is_not_graded(essay_world, grader_a):
    attempt = attempts.do_start_attempt(trainee=essay_world.alice, sitting=essay_world.essay_sitting)
    assert refusal(item_id=essay_of(attempt).pk, grader=grader_a.user, score=Decimal(5)) == (
        "not_found",
        "This attempt is not waiting for essay grading.",
    )
    assert essay_of(attempt).score is None


def test_another_institutions_grader_is_told_why(two_essays, grader_b):
    _attempt, (essay, _other) = two_essays
    assert refusal(item_id=essay.pk, grader=grader_b.user, score=Decimal(5)) == (
        "not_yours",
        "This answer belongs to another institution's sitting.",
    )
