"""The exam page never claims "saved" while an answer is pending, and loses nothing typed on leaving; at time-up it
submits by itself (after the last saves, offline too once back) and shows the result page; and a tab learns of a save
made in another tab (tests/exams/test_exam_page_sync.py has the server's side)."""

import datetime
import re
import time

from django.utils import timezone, translation
from django.utils.translation import gettext

from exams.models import Attempt, QuestionType
from exams.services import attempts
from tests.browser.support import BROWSER, expect, log_in_directly
from tests.exams.conftest import approve, make_paper, open_sitting
from tests.factories import CohortFactory, UserFactory

pytestmark = BROWSER


def exam_for(name, lang, viewport, *, essay=True):
    cohort = CohortFactory(code=f"{name}-{lang}-{viewport}")
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course, essay=essay, time_limit_minutes=30)
    trainee = UserFactory(email=f"{name.lower()}-{lang}-{viewport}@example.test", preferred_language=lang)
    approve(trainee, cohort)
    return trainee, attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(paper, cohort))


def answer_of(item, expected, tries=75):
    for _ in range(tries):
        item.refresh_from_db()
        if item.answer == expected:
            break
        time.sleep(0.2)
    return item.answer


def test_typing_is_never_called_saved_before_it_is_and_leaving_loses_none_of_it(*, page, context, site, lang, viewport):
    trainee, attempt = exam_for("DIRTY", lang, viewport)
    essay = attempt.items.get(question__question_type=QuestionType.ESSAY)
    log_in_directly(context, site, trainee)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.goto(f"{site.url}/{lang}/exams/attempts/{attempt.pk}/")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "saved")
    area = page.locator(f"#answer-{essay.position}")

    area.press_sequentially("first words")
    assert status.get_attribute("data-state") in ("unsaved", "saving"), "typed, not yet saved"
    page.reload()  # at once: well within the pause before an essay is sent
    expect(area).to_have_value("first words")
    assert answer_of(essay, "first words") == "first words"
    expect(status).to_have_attribute("data-state", "saved")

    area.press("End")
    area.press_sequentially(", then more")
    expect(status).not_to_have_attribute("data-state", "saved")
    page.goto(f"{site.url}/{lang}/exams/")
    assert answer_of(essay, "first words, then more") == "first words, then more"
    assert "beforeunload" in dialogs, "leaving with an answer pending warns"


def test_at_time_up_the_page_saves_the_last_answers_submits_and_shows_the_result(
    *, page, context, site, lang, viewport
):
    trainee, attempt = exam_for("TIMEUP", lang, viewport)
    essay = attempt.items.get(question__question_type=QuestionType.ESSAY)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + datetime.timedelta(seconds=6))
    log_in_directly(context, site, trainee)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{site.url}/{lang}/exams/attempts/{attempt.pk}/")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")

    context.set_offline(True)  # the last words are typed offline, and the clock runs out so
    page.locator(f"#answer-{essay.position}").press_sequentially("last words")
    with translation.override(lang):
        offline = gettext(
            "Time is up. You are offline: your saved answers will be submitted as soon as the connection is back. "
            "Keep this page open."
        )
        done = gettext("Time is up: your saved answers are submitted. You will get the result by e-mail too.")
    expect(page.locator("#save-error")).to_have_text(offline, timeout=15_000)
    page.wait_for_timeout(1000)
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.OPEN
    expect(page).to_have_url(re.compile(rf"/exams/attempts/{attempt.pk}/$"))

    context.set_offline(False)  # back within the grace: the answer is saved, then the attempt submitted
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/attempts/{attempt.pk}/result/$"), timeout=15_000)
    expect(page.locator("body")).to_contain_text(done)
    attempt.refresh_from_db()
    assert attempt.state != Attempt.State.OPEN and attempt.submitted_automatically
    essay.refresh_from_db()
    assert essay.answer == "last words"


def test_a_tab_shows_what_another_tab_saved_after_it_and_says_so(*, page, context, site, lang, viewport):
    trainee, attempt = exam_for("TABS", lang, viewport, essay=False)
    single = attempt.items.get(question__question_type=QuestionType.SINGLE)
    true_false = attempt.items.get(question__question_type=QuestionType.TRUE_FALSE)
    log_in_directly(context, site, trainee)
    exam_url = f"{site.url}/{lang}/exams/attempts/{attempt.pk}/"
    page.goto(exam_url)
    page.locator(f"#answer-{single.position}-0").check()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    assert answer_of(single, [single.option_order[0]]) == [single.option_order[0]]

    other = context.new_page()
    other.goto(exam_url)
    expect(other.locator(f"#answer-{single.position}-0")).to_be_checked()
    other.locator(f"#answer-{single.position}-1").check()
    expect(other.locator("#save-status")).to_have_attribute("data-state", "saved")
    assert answer_of(single, [single.option_order[1]]) == [single.option_order[1]]

    # Back in the first tab: it shows what is saved, and says why it changed.
    changed = page.locator("#exam-changed")
    expect(changed).to_be_hidden()
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.locator(f"#answer-{single.position}-1")).to_be_checked()
    expect(page.locator(f"#answer-{single.position}-0")).not_to_be_checked()
    with translation.override(lang):
        expect(changed).to_have_text(
            gettext(
                "This exam was changed in another window or on another device. The page now shows the answers saved."
            )
        )

    # A save from the other tab is learnt from the first tab's next save too, without coming back to it.
    other.locator(f"#answer-{single.position}-0").check()
    assert answer_of(single, [single.option_order[0]]) == [single.option_order[0]]
    page.locator(f"#answer-{true_false.position}-0").check()
    expect(page.locator(f"#answer-{single.position}-0")).to_be_checked()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    other.close()


def test_a_time_up_submit_the_server_refuses_is_not_retried_without_end(*, page, context, site, lang, viewport):
    """A submit answered with an error (a server error, a refused form) is not "offline": the page goes to the
    result page (the exam's while it is open) and does not post again and again; the minute's job submits."""
    trainee, attempt = exam_for("SUBMIT500", lang, viewport, essay=False)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + datetime.timedelta(seconds=4))
    log_in_directly(context, site, trainee)
    posts = []

    def refuse(route):
        posts.append(route.request.url)
        route.fulfill(status=500, body="Server Error")

    page.route(re.compile(rf"/exams/attempts/{attempt.pk}/submit/$"), refuse)
    pages = []
    page.on("request", lambda request: pages.append(request.url) if request.is_navigation_request() else None)
    page.goto(f"{site.url}/{lang}/exams/attempts/{attempt.pk}/")
    expect(page.locator("#countdown")).to_have_attribute("data-seconds-left", "0", timeout=10_000)
    page.wait_for_timeout(10_000)
    assert len(posts) == 1, posts
    # To the result page, which sends an open attempt back to the exam: the server's clock and answers again.
    assert any(url.endswith(f"/exams/attempts/{attempt.pk}/result/") for url in pages), pages
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/attempts/{attempt.pk}/$"))
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.OPEN
