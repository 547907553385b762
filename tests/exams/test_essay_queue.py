"""The essay grading queue as graders work it, in both languages: oldest submission first (the marking time runs
from it), each row named by its question's number and shown with its trainee, course, attempt, submission time
and status; the same number of queries however many rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from exams.models import Attempt, EssayAnswer
from exams.services import attempts
from tests.factories import UserFactory

from .conftest import approve, make_paper, open_sitting
from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "en"]


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def sit(trainee, sitting, capture, *, days_ago: int) -> EssayAnswer:
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
    answer_all(attempt, right=True)
    submit(attempt, capture)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days_ago))
    return EssayAnswer.objects.select_related("attempt__trainee", "attempt__paper__course").get(attempt=attempt)


@pytest.fixture
def paper(world):
    return make_paper(world.cohort.curriculum.entries.select_related("course")[1].course, essay=True)


@pytest.fixture
def queue(world, paper, django_capture_on_commit_callbacks) -> list[EssayAnswer]:
    """Three waiting essays of inst-a's cohort, submitted 1, 5 and 3 days ago, in that order."""
    sitting = open_sitting(paper, world.cohort)
    essays = []
    for n, days in enumerate((1, 5, 3)):
        trainee = UserFactory(display_name=f"學員{n}")
        approve(trainee, world.cohort)
        essays.append(sit(trainee, sitting, django_capture_on_commit_callbacks, days_ago=days))
    return essays


def rows_of(page: str) -> list[str]:
    body = page.split('id="result_list"')[1].split("</tbody>", maxsplit=1)[0]
    return body.split("<tr")[2:]  # the header's row, then one a row


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_queue_lists_the_oldest_submission_first(queue, grader_a, language):
    newest, oldest, middle = queue
    page = grader_a.get(url("admin:exams_essayanswer_changelist", language)).content.decode()
    links = [url("admin:exams_essayanswer_change", language, essay.pk) for essay in (oldest, middle, newest)]
    found = [page.index(link) for link in links]
    assert found == sorted(found), "oldest submitted first"


@pytest.mark.parametrize(
    ("language", "question", "status", "columns"),
    [
        ("en", "Question", "waiting", ["Question", "Trainee", "Course", "Attempt number", "Submitted at", "Status"]),
        ("zh-hant", "第", "待評分", ["題目", "學員", "課程", "作答次數", "交卷時間", "狀態"]),
    ],
)
def test_each_row_names_its_trainee_course_question_submission_and_status(
    queue, grader_a, language, question, status, columns
):
    essay = queue[1]
    page = grader_a.get(url("admin:exams_essayanswer_changelist", language)).content.decode()
    head = page.split('id="result_list"')[1].split("</thead>", maxsplit=1)[0]
    for column in columns:
        assert column in head, column
    (row,) = [row for row in rows_of(page) if url("admin:exams_essayanswer_change", language, essay.pk) in row]
    with translation.override(language):
        submitted = date_format(timezone.localtime(essay.attempt.submitted_at), "DATETIME_FORMAT")
        course = str(essay.attempt.paper.course)
        number = {"en": f"Question {essay.position}", "zh-hant": f"第 {essay.position} 題"}[language]
    assert f">{number}</a>" in row
    assert essay.attempt.trainee.display_name in row and course in row and submitted in row and status in row
    assert " #1 · " not in page, "no cryptic row names"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_essays_name_reads_on_its_page(queue, grader_a, language):
    essay = queue[0]
    page = grader_a.get(url("admin:exams_essayanswer_change", language, essay.pk)).content.decode()
    with translation.override(language):
        number = {"en": f"Question {essay.position}", "zh-hant": f"第 {essay.position} 題"}[language]
        attempt = {"en": "attempt 1", "zh-hant": "第 1 次作答"}[language]
    title = page.split("<title>")[1].split("</title>")[0]
    assert essay.attempt.trainee.display_name in title and number in title and attempt in title
    assert essay.attempt.paper.course.code in title


def test_the_queue_runs_the_same_queries_for_one_row_or_many(
    world, paper, grader_a, django_capture_on_commit_callbacks
):
    sitting = open_sitting(paper, world.cohort)
    changelist = url("admin:exams_essayanswer_changelist", "en") + "?graded=all"

    def count() -> int:
        grader_a.get(changelist)  # warm: the session, the content types
        with CaptureQueriesContext(connection) as queries:
            assert grader_a.get(changelist).status_code == 200
        return len(queries)

    for n in range(4):
        trainee = UserFactory()
        approve(trainee, world.cohort)
        sit(trainee, sitting, django_capture_on_commit_callbacks, days_ago=n)
        if n == 0:
            one = count()
    assert count() == one
