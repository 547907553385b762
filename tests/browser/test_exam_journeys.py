"""Exams in a real browser: the instructions before the clock starts, and a result that waits for an
essay grader, says so, and shows itself once the essay is marked."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.formats import date_format

from exams.models import Attempt, EssayAnswer
from exams.services import attempts, grading
from tests.browser.support import BROWSER, assert_accessible, assert_fits_window, expect, log_in_directly
from tests.conftest import make_staff
from tests.exams.conftest import approve, make_paper, open_sitting
from tests.factories import CohortFactory, UserFactory

pytestmark = BROWSER


def test_starting_an_exam_shows_the_rules_first_and_starts_only_on_confirm(
    *, page, context, site, lang, viewport, shot
):
    cohort = CohortFactory(code=f"INS-{lang}-{viewport}")
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course, time_limit_minutes=45, pass_mark=70, max_attempts=3, retake_wait_days=7)
    trainee = UserFactory(email=f"instructions-{lang}-{viewport}@example.test", preferred_language=lang)
    approve(trainee, cohort)
    sitting = open_sitting(paper, cohort)
    log_in_directly(context, site, trainee)

    page.goto(f"{site.url}/{lang}/exams/")
    page.locator(f"#start-{sitting.pk}").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/sittings/{sitting.pk}/start/$"))
    expect(page.locator("#fact-time")).to_contain_text("45")
    expect(page.locator("#fact-questions")).to_have_text("3")
    expect(page.locator("#fact-pass-mark")).to_have_text("70%")
    expect(page.locator("#connection-rules li")).to_have_count(3)
    expect(page.locator("#confirm-start")).to_be_visible()
    assert not Attempt.objects.filter(trainee=trainee).exists(), "reading the rules starts no clock"
    shot(page, "exam-instructions")
    assert_accessible(page)
    assert_fits_window(page)

    # "Not now" goes back without starting; reloading the rules starts nothing either.
    page.locator("#not-yet").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/$"))
    page.locator(f"#start-{sitting.pk}").click()
    page.reload()
    assert not Attempt.objects.filter(trainee=trainee).exists()

    page.locator("#confirm-start").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/attempts/\d+/$"))
    attempt = Attempt.objects.get(trainee=trainee)
    assert attempt.state == Attempt.State.OPEN
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^(44|45):\d\d$"))
    # Back on the rules page, the open attempt is resumed, not started again.
    page.goto(f"{site.url}/{lang}/exams/sittings/{sitting.pk}/start/")
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/attempts/{attempt.pk}/$"))
    assert Attempt.objects.filter(trainee=trainee).count() == 1


def test_a_result_waiting_for_an_essay_says_by_when_and_shows_itself_once_marked(
    *, page, context, site, lang, viewport, shot, settings
):
    settings.EXAM_RESULT_POLL_SECONDS = 1
    settings.EXAM_RESULT_POLL_MAX_SECONDS = 2
    settings.EXAM_ESSAY_MARKING_DAYS = 5
    cohort = CohortFactory(code=f"ESS-{lang}-{viewport}")
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course, essay=True)
    trainee = UserFactory(email=f"essay-{lang}-{viewport}@example.test", preferred_language=lang)
    approve(trainee, cohort)
    grader = make_staff(cohort.institution, "grader", email=f"grader-{lang}-{viewport}@example.test")
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(paper, cohort))
    for item in attempt.items.select_related("question"):
        payload = {"text": "客戶關係的經營重點……"} if item.question.is_essay else {"choices": [0]}
        attempts.do_save_answer(attempt_id=attempt.pk, trainee_id=trainee.pk, position=item.position, payload=payload)
    attempts.do_submit_attempt(attempt_id=attempt.pk)
    grading.do_grade_attempt(attempt_id=attempt.pk)  # the worker may get there first: either grades once
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADING
    essay = EssayAnswer.objects.get(attempt=attempt)
    log_in_directly(context, site, trainee)

    page.goto(f"{site.url}/{lang}/exams/attempts/{attempt.pk}/result/")
    expect(page.locator('[data-state="grading-pending"]')).to_be_visible()
    explanation = page.locator("#pending-explanation")
    expect(explanation.locator("li")).to_have_count(4)
    due = timezone.localdate(attempt.submitted_at) + datetime.timedelta(days=5)
    with translation.override(lang):
        expect(explanation).to_contain_text(str(cohort.institution))
        expect(page.locator("#expected-by")).to_contain_text(date_format(due, "DATE_FORMAT"))
    shot(page, "result-pending-essay")
    assert_accessible(page)
    assert_fits_window(page)
    # Nothing changes while the essay waits: the page asks in the background and stays put.
    page.wait_for_timeout(2500)
    expect(page.locator('[data-state="grading-pending"]')).to_be_visible()

    # A grader marks the essay; the open page turns into the result by itself.
    grading.do_grade_essay(item_id=essay.pk, grader=grader, score=Decimal(8))
    expect(page.locator("#result-summary")).to_contain_text("%", timeout=15_000)
    expect(page.locator('[data-state="grading-pending"]')).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/attempts/{attempt.pk}/result/$"))
    shot(page, "result-after-essay-marked")
    assert_accessible(page)
