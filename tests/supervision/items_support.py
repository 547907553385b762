"""Building response matrices for the item-analysis tests.

``sit_matrix`` makes every attempt through the exam services (start, answer, submit, grade), as a
trainee would; ``plant_matrix`` writes graded, published attempts straight into the tables, for
the property tests that need many matrices fast.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from exams.models import Attempt, AttemptQuestion, BlueprintRow, CourseResult, ExamPaper, Question, QuestionType
from exams.services import attempts
from tests.exams.conftest import approve, open_sitting
from tests.factories import CohortFactory, UserFactory

KEYS = ["a", "b", "c", "d"]
KEY = "b"  # the right option of every single-choice question made here


def single_choice(course, n: int, *, correct: str = KEY) -> Question:
    return Question.objects.create(
        course=course,
        question_type=QuestionType.SINGLE,
        difficulty=2,
        knowledge_area="economics",
        status="active",
        text_zh=f"題目{n}",
        text_en=f"Question {n}",
        options=[{"key": k, "zh": f"選項{k}", "en": f"Option {k}"} for k in KEYS],
        correct=[correct],
    )


def paper_of(items: int, *, cohort=None):
    """A cohort, and a paper of its first course without one, whose blueprint draws all ``items``
    single-choice questions."""
    cohort = cohort or CohortFactory()
    entries = cohort.curriculum.entries.select_related("course").filter(course__exam_paper__isnull=True)
    course = entries.first().course
    paper = ExamPaper.objects.create(course=course, time_limit_minutes=60, retake_wait_days=0)
    BlueprintRow.objects.create(
        paper=paper, question_type=QuestionType.SINGLE, difficulty=2, knowledge_area="economics", count=items
    )
    questions = [single_choice(course, n) for n in range(items)]
    return cohort, paper, questions


def sit_matrix(matrix: list[list[str | None]], questions: list[Question], paper, cohort, capture) -> list[Attempt]:
    """One trainee per row answers question j with ``row[j]`` (an option key, None: left blank), submits,
    and is graded by the grading task (run on commit)."""
    sitting = open_sitting(paper, cohort)
    made = []
    for row in matrix:
        trainee = UserFactory()
        approve(trainee, cohort)
        attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
        items = {item.question_id: item for item in attempt.items.all()}
        for question, choice in zip(questions, row, strict=True):
            if choice is None:
                continue
            item = items[question.pk]
            attempts.do_save_answer(
                attempt_id=attempt.pk,
                trainee_id=trainee.pk,
                position=item.position,
                payload={"choices": [item.option_order.index(choice)]},
            )
        with capture(execute=True):
            attempts.do_submit_attempt(attempt_id=attempt.pk)
        made.append(attempt)
    return made


def plant_matrix(
    scores: list[list[Decimal]], questions: list[Question], paper, cohort, *, published: bool = True, state="graded"
) -> list[Attempt]:
    """Attempts graded as given (``scores[i][j]``: trainee i's score on question j; the answer chosen
    is the key for full marks, else the first wrong option), written straight to the tables."""
    now = timezone.now()
    sitting = open_sitting(paper, cohort)
    trainees = [UserFactory() for _ in scores]
    made = Attempt.objects.bulk_create(
        Attempt(
            sitting=sitting,
            paper=paper,
            trainee=t,
            number=1,
            seed=i,
            state=state,
            started_at=now,
            deadline=now + datetime.timedelta(hours=1),
            submitted_at=now,
        )
        for i, t in enumerate(trainees)
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            question=q,
            position=j + 1,
            option_order=KEYS,
            score=score,
            graded_at=now,
            answer=q.correct if score == q.max_score else [k for k in KEYS if k not in q.correct][:1],
        )
        for attempt, row in zip(made, scores, strict=True)
        for j, (q, score) in enumerate(zip(questions, row, strict=True))
    )
    CourseResult.objects.bulk_create(
        CourseResult(
            attempt=attempt,
            trainee=t,
            course=paper.course,
            score=sum(row),
            percent=0,
            passed=False,
            max_score=sum(q.max_score for q in questions),
            published_at=now if published else None,
        )
        for attempt, t, row in zip(made, trainees, scores, strict=True)
    )
    return made
