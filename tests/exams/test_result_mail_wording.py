"""The result e-mail writes its areas as the result page does (capitalised: "Finance", not "finance") and every
score in one format, in both languages and both parts of the mail: no trailing zeros ("1.5 / 2", never "1.50 / 2"
beside "1 / 1"), as ``core.numbers.plain_number`` writes numbers elsewhere; the breakdown's rows carry the score so
written (``score_shown``, ``max_shown``) for the page to write the same."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from exams import mail as exam_mail
from exams import selectors
from exams.models import AttemptQuestion, CourseResult
from exams.services import attempts

from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(world, django_capture_on_commit_callbacks) -> CourseResult:
    """Alice's published result, its finance question (multiple choice, 2 points) scored 1.5: economics 1 / 1,
    finance 1.5 / 2, law 1 / 1."""
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    AttemptQuestion.objects.filter(attempt=attempt, question__knowledge_area="finance").update(score=Decimal("1.50"))
    published = CourseResult.objects.get(attempt=attempt)
    CourseResult.objects.filter(pk=published.pk).update(mailed_at=None)
    return published


def mailed(result: CourseResult, language: str) -> tuple[str, str]:
    result.trainee.preferred_language = language
    result.trainee.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    assert exam_mail.send_result(result_id=result.pk)
    (sent,) = mail.outbox
    return sent.body, sent.alternatives[0][0]


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("en", ["- Economics: 1 question · 1 / 1 points", "- Finance: 1 question · 1.5 / 2 points",
                "- Law: 1 question · 1 / 1 points"]),
        ("zh-hant", ["- 經濟：1 題 · 1 / 1 分", "- 金融：1 題 · 1.5 / 2 分", "- 法律：1 題 · 1 / 1 分"]),
    ],
)  # fmt: skip
def test_the_mails_text_writes_areas_capitalised_and_scores_without_trailing_zeros(result, language, lines):
    text, _html = mailed(result, language)
    for line in lines:
        assert f"{line}\n" in text, (line, text)
    assert "1.50" not in text and "1.00" not in text


@pytest.mark.parametrize(("language", "points"), [("en", "1.5 / 2 points"), ("zh-hant", "1.5 / 2 分")])
def test_the_mails_html_writes_the_same(result, language, points):
    _text, html = mailed(result, language)
    assert points in html and "1.50" not in html
    if language == "en":
        assert ">Finance<" in html and ">finance<" not in html


def test_the_breakdown_rows_carry_the_scores_as_written(result):
    items = list(selectors.attempt_items(result.attempt_id))
    rows = {row["key"]: row for row in selectors.breakdown_by_area(items)}
    assert (rows["finance"]["score_shown"], rows["finance"]["max_shown"]) == ("1.5", "2")
    assert (rows["law"]["score_shown"], rows["law"]["max_shown"]) == ("1", "1")
    assert selectors.breakdown_of_attempt(result.attempt_id) == list(rows.values())
    with translation.override("en"):
        assert str(rows["finance"]["area"]) == "Finance"
