"""Starting an exam takes two steps: My exams leads to the instructions (the clock does not run), and
only the confirm button (a POST) starts the attempt."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exams.models import Attempt
from exams.services import attempts
from tests.page_text import text_of

from .conftest import login, open_sitting

pytestmark = pytest.mark.django_db


def start_url(sitting, language: str = "en") -> str:
    with translation.override(language):
        return reverse("exams:start", args=[sitting.pk])


def test_my_exams_links_to_the_instructions_and_starts_nothing(world):
    with translation.override("en"):
        home = reverse("exams:home")
    page = login(world.alice).get(home).content.decode()
    assert f'id="start-{world.sitting.pk}" href="{start_url(world.sitting)}"' in page
    assert "<form" not in page.split(f"sitting-{world.sitting.pk}")[1].split("</div>\n  </div>")[0]
    assert not Attempt.objects.exists()


def test_the_instructions_say_the_rules_and_a_get_never_starts_the_clock(world):
    world.paper.pass_mark, world.paper.max_attempts, world.paper.retake_wait_days = 70, 3, 7
    world.paper.save()
    client = login(world.alice)
    for _ in range(2):
        response = client.get(start_url(world.sitting))
        assert response.status_code == 200
    assert not Attempt.objects.exists(), "a GET of the start URL never starts an attempt"
    page = response.content.decode()
    assert 'id="fact-time"><span class="text-nowrap">60 minutes</span>' in page  # on one line on a phone
    assert 'id="fact-questions">3<' in page  # the blueprint draws 3 questions
    assert 'id="fact-pass-mark">70%<' in page
    assert "This would be attempt 1 of 3 (3 left, this one included)." in text_of(page)
    assert "you may sit again 7 days after you submit" in text_of(page)
    assert "The clock keeps running on the server while you are away." in page
    assert "Every answer is saved on the server as you give it" in page
    assert "before the deadline" in page
    assert 'method="post"' in page and 'id="confirm-start"' in page


def test_confirming_starts_the_attempt_and_opens_it(world):
    client = login(world.alice)
    response = client.post(start_url(world.sitting))
    attempt = Attempt.objects.get(trainee=world.alice)
    assert response.status_code == 302 and response.url == reverse("exams:attempt", args=[attempt.pk])
    assert attempt.state == Attempt.State.OPEN


def test_with_an_open_attempt_the_instructions_lead_back_to_it(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    response = login(world.alice).get(start_url(world.sitting))
    assert response.status_code == 302 and response.url == reverse("exams:attempt", args=[attempt.pk])
    assert Attempt.objects.count() == 1


def test_the_instructions_warn_when_the_window_closes_before_the_time_limit(world):
    sitting = open_sitting(world.paper, world.cohort, closes_at=timezone.now() + datetime.timedelta(minutes=20))
    page = login(world.alice).get(start_url(sitting)).content.decode()
    text = text_of(page)
    assert "if you start now you have 19 minutes" in text or "if you start now you have 20 minutes" in text


def test_the_instructions_say_why_a_trainee_cannot_start_and_offer_no_button(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attempts.do_submit_attempt(attempt_id=attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting).pk)
    page = login(world.alice).get(start_url(world.sitting)).content.decode()
    assert 'id="start-refused"' in page and "You may retake this exam from" in page
    assert 'id="confirm-start"' not in page
    assert "This would be attempt 2 of 3 (2 left, this one included)." in text_of(page)


def test_the_instructions_speak_chinese_to_a_chinese_reader(world):
    world.alice.preferred_language = "zh-hant"
    world.alice.save(update_fields=["preferred_language"])
    page = login(world.alice).get(start_url(world.sitting, "zh-hant")).content.decode()
    assert 'lang="zh-Hant"' in page
    # The new sentences read Chinese once their translations merge.
    assert 'id="fact-time"><span class="text-nowrap">60 分鐘</span>' in page
    assert 'id="confirm-start"' in page


def test_another_cohorts_trainee_cannot_see_the_instructions_or_start(world):
    bob = login(world.bob)
    assert bob.get(start_url(world.sitting)).status_code == 404
    bob.post(start_url(world.sitting))
    assert not Attempt.objects.filter(sitting=world.sitting).exists()


def test_another_trainees_attempt_stays_theirs_after_the_instructions(world):
    attempt = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    alice = login(world.alice)
    assert alice.get(start_url(world.other_sitting)).status_code == 404
    with translation.override("en"):
        assert alice.get(reverse("exams:attempt", args=[attempt.pk])).status_code == 404


def test_the_start_url_answers_only_get_and_post(world):
    assert login(world.alice).put(start_url(world.sitting)).status_code == 405
