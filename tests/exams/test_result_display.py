"""How a trainee reads a result, in both languages: the percent to a tenth, rounded down (never more than was
earned, so a fail below the pass mark never shows at it and only full marks show 100%), the same on the result
page, in the history of My exams and in the result e-mail; the breakdown counts each area's questions in the
words the start page counts them, and labels its scores as points; a grader's note stays with the staff."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from exams import mail as exam_mail
from exams.models import Attempt, CourseResult, EssayAnswer
from exams.services import attempts, grading

from .conftest import login, make_paper, open_sitting
from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db

VERDICT = {"en": ("Passed", "Not passed"), "zh-hant": ("及格", "不及格")}  # a value, capitalised as a label


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def graded(world, django_capture_on_commit_callbacks):
    """Alice's attempt at the world's paper (pass mark 60%), every answer right, published."""
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    assert world.paper.pass_mark == 60
    return attempt


def published_as(attempt, percent: str) -> CourseResult:
    """The attempt's result with ``percent``, passed as the pass rule (``grading.outcome_of``) says."""
    result = CourseResult.objects.get(attempt=attempt)
    result.percent, result.passed = Decimal(percent), Decimal(percent) >= attempt.paper.pass_mark
    result.save(update_fields=["percent", "passed"])
    return result


def summary(page: str) -> str:
    return page.split('id="result-summary">')[1].split("<span", maxsplit=1)[0].strip()


CASES = [
    ("68.42", "68.4%", True),
    ("59.96", "59.9%", False),  # a fail: never 60%, the pass mark
    ("99.96", "99.9%", True),  # not 100%: one answer was not full marks
    ("100.00", "100%", True),
    ("87.50", "87.5%", True),
    ("60.00", "60%", True),
]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize(("percent", "shown", "passed"), CASES)
def test_the_result_page_shows_the_percent_to_a_tenth_rounded_down(graded, language, percent, shown, passed):
    published_as(graded, percent)
    page = login(graded.trainee).get(url("exams:result", language, graded.pk)).content.decode()
    assert summary(page) == f"{shown} ·"
    verdict = page.split('id="result-summary">')[1].split("</span>", maxsplit=1)[0]
    assert verdict.endswith(VERDICT[language][0] if passed else VERDICT[language][1])


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_my_exams_history_shows_the_same_percent(graded, language):
    published_as(graded, "59.96")
    page = login(graded.trainee).get(url("exams:home", language)).content.decode()
    row = page.split(f'id="attempt-{graded.pk}"')[1].split("</tr>", maxsplit=1)[0]
    assert f"59.9% · {VERDICT[language][1]}" in row and "60%" not in row and "59.96" not in row


@pytest.mark.parametrize(("language", "line"), [("en", "59.9%."), ("zh-hant", "59.9%。")])
def test_the_result_mail_shows_the_same_percent(graded, language, line):
    result = published_as(graded, "59.96")
    graded.trainee.preferred_language = language
    graded.trainee.save(update_fields=["preferred_language"])
    CourseResult.objects.filter(pk=result.pk).update(mailed_at=None)
    mail.outbox.clear()
    assert exam_mail.send_result(result_id=result.pk)
    (sent,) = mail.outbox
    assert line in sent.body and "59.96" not in sent.body and "60%" not in sent.body
    assert "59.9%" in sent.alternatives[0][0]


@pytest.mark.parametrize(
    ("percent", "shown"), [("59.96", "59.9"), ("59.99", "59.9"), ("0.04", "0.0"), ("66.67", "66.6"), ("100", "100.0")]
)
def test_the_shown_percent_never_crosses_the_pass_mark(percent, shown):
    assert grading.shown_percent(Decimal(percent)) == Decimal(shown)
    outcome = grading.outcome_of(score=Decimal(percent), max_score=Decimal(100), pass_mark=60)
    assert (grading.shown_percent(outcome.percent) >= 60) is outcome.passed


# --- the breakdown speaks of questions as the start page does, and of points ---------------------------------


@pytest.mark.parametrize(
    ("language", "questions", "points"), [("en", "1 question", "2 / 2 points"), ("zh-hant", "1 題", "2 / 2 分")]
)
def test_the_breakdown_counts_questions_as_the_start_page_does_and_labels_its_points(
    world, graded, language, questions, points
):
    client = login(graded.trainee)
    start = client.get(url("exams:start", language, world.sitting.pk)).content.decode()
    coverage = start.split('id="covers-finance"')[1].split("</li>", maxsplit=1)[0]
    # The start page: the finance area draws one question (on one line on a phone).
    assert f'· <span class="text-nowrap">{questions}</span>' in coverage
    page = client.get(url("exams:result", language, graded.pk)).content.decode()
    table = page.split('id="breakdown"')[1].split("</table>", maxsplit=1)[0]
    finance = table.split('id="area-finance"')[1].split("</tr>", maxsplit=1)[0]
    assert f">{questions}<" in finance and f">{points}<" in finance  # the multiple choice: worth 2 points
    head = table.split("</thead>", maxsplit=1)[0]
    assert {"en": "Questions", "zh-hant": "題數"}[language] in head


@pytest.mark.parametrize(
    ("language", "line"), [("en", "- Finance: 1 question · 2 / 2 points"), ("zh-hant", "1 題 · 2 / 2 分")]
)
def test_the_result_mail_breakdown_says_the_same(graded, language, line):
    graded.trainee.preferred_language = language
    graded.trainee.save(update_fields=["preferred_language"])
    result = CourseResult.objects.get(attempt=graded)
    CourseResult.objects.filter(pk=result.pk).update(mailed_at=None)
    mail.outbox.clear()
    exam_mail.send_result(result_id=result.pk)
    (sent,) = mail.outbox
    assert line in sent.body
    assert "2 / 2" in sent.alternatives[0][0] and {"en": "points", "zh-hant": "分"}[language] in sent.alternatives[0][0]


# --- a grader's note is for the staff ------------------------------------------------------------------------


def test_a_graders_note_is_not_shown_to_the_trainee_and_the_grader_is_told(
    world, grader_a, django_capture_on_commit_callbacks
):
    paper = make_paper(world.cohort.curriculum.entries.select_related("course")[1].course, essay=True)
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=open_sitting(paper, world.cohort))
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    essay = EssayAnswer.objects.get(attempt=attempt)
    change = url("admin:exams_essayanswer_change", "en", essay.pk)
    form = grader_a.get(change).content.decode()
    assert "the trainee does not see it" in form
    with django_capture_on_commit_callbacks(execute=True):
        grader_a.post(change, {"score": "7", "grader_note": "INTERNAL-NOTE for the graders"})
    page = login(world.alice).get(url("exams:result", "en", attempt.pk)).content.decode()
    assert 'id="result-summary"' in page and "INTERNAL-NOTE" not in page


# --- states and verdicts are values, capitalised as the page's other words -----------------------------------


@pytest.mark.parametrize(
    ("language", "state", "verdict"), [("en", "Graded", "100% · Passed"), ("zh-hant", "已評分", "100% · 及格")]
)
def test_my_exams_and_the_result_page_write_states_and_verdicts_capitalised(graded, language, state, verdict):
    client = login(graded.trainee)
    row = client.get(url("exams:home", language)).content.decode().split(f'id="attempt-{graded.pk}"')[1]
    cells = [cell.split(">", 1)[1] for cell in row.split("</tr>", maxsplit=1)[0].split("</td>")[:-1]]
    assert cells[3] == state and cells[4].endswith(f">{verdict}</a>"), cells
    page = client.get(url("exams:result", language, graded.pk)).content.decode()
    assert f">{verdict.split(' · ')[1]}</span>" in page.split('id="result-summary">')[1]


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["In progress", "Submitted", "Awaiting essay grading", "Graded"]),
     ("zh-hant", ["作答中", "已交卷", "待申論評分", "已評分"])],
)  # fmt: skip
def test_every_state_on_my_exams_is_capitalised(graded, language, words):
    client = login(graded.trainee)
    shown = []
    for state in ("open", "submitted", "grading", "graded"):
        Attempt.objects.filter(pk=graded.pk).update(state=state)
        row = client.get(url("exams:home", language)).content.decode().split(f'id="attempt-{graded.pk}"')[1]
        shown.append(row.split("</tr>", maxsplit=1)[0].split("</td>")[3].split(">", 1)[1])
    assert shown == words
