"""An attempt whose result is pending (submitted, or its essays being marked) is reached by a link: from its row of
My exams' history, and from the notice of the sitting (My exams' card, the instructions page) that says the last
attempt is still being graded. Its result page says how far the marking is and updates itself. In both languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from exams.models import Attempt

from .conftest import login
from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "en"]


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def words(language: str, msgid: str) -> str:
    with translation.override(language):
        return escape(gettext(msgid))


@pytest.fixture
def marking(essay_world, attempt, django_capture_on_commit_callbacks) -> Attempt:
    """Alice's attempt at the essay world's sitting, submitted: its essay waits for a grader."""
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADING
    return attempt


def row_of(page: str, attempt: Attempt) -> str:
    return page.split(f'<tr id="attempt-{attempt.pk}">')[1].split("</tr>", maxsplit=1)[0]


def card_of(page: str, sitting_id: int) -> str:
    after = page.split(f'id="sitting-{sitting_id}"')[1]
    return after.split('<div class="card mb-3', maxsplit=1)[0].split("</section>", maxsplit=1)[0]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", [Attempt.State.SUBMITTED, Attempt.State.GRADING])
def test_the_history_row_of_a_pending_attempt_links_its_result_page(essay_world, marking, language, state):
    Attempt.objects.filter(pk=marking.pk).update(state=state)
    client = login(essay_world.alice)
    row = row_of(client.get(url("exams:home", language)).content.decode(), marking)
    result = url("exams:result", language, marking.pk)
    assert f'<a href="{result}">{capfirst(words(language, "awaiting grading"))}</a>' in row
    page = client.get(result)
    assert page.status_code == 200 and 'id="result-pending"' in page.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sittings_notice_links_the_pending_attempts_result_page(essay_world, marking, language):
    client = login(essay_world.alice)
    result = url("exams:result", language, marking.pk)
    pending = words(language, "Your previous attempt is still being graded.")
    card = card_of(client.get(url("exams:home", language)).content.decode(), essay_world.sitting.pk)
    link = (
        f'<a id="pending-{essay_world.sitting.pk}" href="{result}">{words(language, "See how far the marking is")}</a>'
    )
    assert f'id="reason-{essay_world.sitting.pk}">{pending} {link}</p>' in card
    instructions = client.get(url("exams:start", language, essay_world.sitting.pk)).content.decode()
    notice = instructions.split('id="start-refused">')[1].split("</div>")[0]
    assert notice.startswith(pending) and f'id="pending-result" href="{result}"' in notice


@pytest.mark.parametrize("language", LANGUAGES)
def test_another_reason_links_nothing_and_a_published_result_links_its_page(
    essay_world, marking, grader_a, language, django_capture_on_commit_callbacks
):
    from exams.models import EssayAnswer
    from exams.services import grading

    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(
            item_id=EssayAnswer.objects.get(attempt=marking).pk, grader=grader_a.user, score=grading.Decimal(8)
        )
    client = login(essay_world.alice)
    page = client.get(url("exams:home", language)).content.decode()
    card = card_of(page, essay_world.sitting.pk)
    assert f'id="reason-{essay_world.sitting.pk}"' in card and "pending-" not in card  # passed, or a retake wait
    assert f'href="{url("exams:result", language, marking.pk)}"' in row_of(page, marking)
    instructions = client.get(url("exams:start", language, essay_world.sitting.pk)).content.decode()
    assert 'id="start-refused"' in instructions and 'id="pending-result"' not in instructions
