"""The exam page's rows (exams.selectors.attempt_sheet, issue 20) read the JSON columns as text and keep what
they decoded: the same values as the ORM's JSON field gives, for every kind of question and answer."""

import pytest

from courses.models import CurriculumCourse
from exams import selectors
from exams.models import AttemptQuestion, QuestionType
from exams.services import attempts
from tests.exams.conftest import approve, make_paper, open_sitting
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_rows_are_the_orms_values_answered_or_not(institution):
    trainee = UserFactory()
    cohort = CohortFactory(institution=institution)
    approve(trainee, cohort)
    course = CurriculumCourse.objects.filter(curriculum=cohort.curriculum).first().course
    sitting = open_sitting(make_paper(course, essay=True, per_row=2), cohort)
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
    items = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("question").order_by("position"))
    kinds = {item.question.question_type for item in items}
    assert {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.ESSAY} <= kinds
    for item in items[::2]:  # half answered, the rest not
        if item.question.question_type == QuestionType.ESSAY:
            payload = {"text": 'An essay with "quotes", <tags>, 中文 and\nlines.'}
        elif item.question.question_type == QuestionType.MULTIPLE:
            payload = {"choices": [0, 2]}
        else:
            payload = {"choices": [1]}
        attempts.do_save_answer(attempt_id=attempt.pk, trainee_id=trainee.pk, position=item.position, payload=payload)
    expected = list(
        AttemptQuestion.objects.filter(attempt_id=attempt.pk).order_by("position").values(*selectors._SHEET_COLUMNS)
    )
    for _ in range(2):  # decoded, then from what was kept
        assert selectors.attempt_sheet(attempt.pk) == expected
    assert any(row["answer"] in (None, [], "") for row in expected) and any(row["answer"] for row in expected)
