"""An essay with an invisible control character in a real browser: the answer is saved without it, the page says
so under the question (in the trainee's language: the notice comes from the server), and the text area shows what
was saved, with the caret where the trainee left it, so that typing on loses nothing (tests/exams/
test_invisible_characters.py has the server's side)."""

import re

from exams.models import Attempt, QuestionType
from tests.browser.support import BROWSER, assert_accessible, expect, log_in_directly
from tests.exams.conftest import approve, make_paper, open_sitting
from tests.factories import CohortFactory, UserFactory

pytestmark = BROWSER

RLO = "\u202e"


def test_an_essay_is_saved_without_an_invisible_control_and_the_page_says_so(
    *, page, context, site, lang, viewport, shot
):
    cohort = CohortFactory(code=f"CTL-{lang}-{viewport}")
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course, essay=True, time_limit_minutes=30)
    trainee = UserFactory(email=f"controls-{lang}-{viewport}@example.test", preferred_language=lang)
    approve(trainee, cohort)
    sitting = open_sitting(paper, cohort)
    log_in_directly(context, site, trainee)

    page.goto(f"{site.url}/{lang}/exams/sittings/{sitting.pk}/start/")
    page.locator("#confirm-start").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/attempts/\d+/$"))
    attempt = Attempt.objects.get(trainee=trainee)
    essay = attempt.items.get(question__question_type=QuestionType.ESSAY)
    area = page.locator(f"#answer-{essay.position}")
    notice = page.locator(f"#notice-{essay.position}")
    expect(notice).to_be_hidden()
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "saved")  # attempt.js is listening

    area.fill(f"abc{RLO}fed")  # as a paste brings it: the override shows "abcdef" as "abcfed"
    expect(notice).to_be_visible(timeout=10_000)
    expect(notice).to_contain_text("U+202E")
    if lang == "en":
        expect(notice).to_contain_text(f"question {essay.position}")
    expect(area).to_have_value("abcfed")
    expect(status).to_have_attribute("data-state", "saved")
    expect(page.locator("#save-error")).to_be_hidden()
    essay.refresh_from_db()
    assert essay.answer == "abcfed"
    shot(page, "exam-essay-controls-removed")
    assert_accessible(page)

    # The caret stayed at the end: typing on appends, and is saved as usual.
    area.press("End")
    area.press_sequentially("g")
    expect(area).to_have_value("abcfedg")
    for _ in range(50):
        essay.refresh_from_db()
        if essay.answer == "abcfedg":
            break
        page.wait_for_timeout(200)
    assert essay.answer == "abcfedg"
    page.reload()
    expect(area).to_have_value("abcfedg")
