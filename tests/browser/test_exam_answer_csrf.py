"""An answer refused because the exam page's form token is out of date (the trainee logged in anew in another tab,
which renews the cookie's token) is kept on the device, the page says to reload it in the server's words, and does
not send it again and again (each try would be refused alike); the reloaded page sends it (static/exams/attempt.js;
the server's side: tests/exams/test_answer_csrf.py)."""

import json
import re

from django.utils import translation

from exams.models import QuestionType
from tests.browser.support import BROWSER, expect, log_in_directly
from tests.browser.test_exam_page_sync import answer_of, exam_for
from tests.exams.test_answer_csrf import REFUSAL

pytestmark = BROWSER


def test_an_answer_refused_for_an_old_token_is_kept_said_not_retried_and_sent_after_a_reload(
    *, page, context, site, lang, viewport
):
    trainee, attempt = exam_for("CSRF", lang, viewport, essay=False)
    single = attempt.items.get(question__question_type=QuestionType.SINGLE)
    log_in_directly(context, site, trainee)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/answer/") else None)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{site.url}/{lang}/exams/attempts/{attempt.pk}/")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "saved")

    # Another tab logs in anew: the cookie holds a new token, which the page's form token is not made from.
    context.add_cookies(
        [{"name": "csrftoken", "value": "R" * 32, "url": site.url, "httpOnly": True, "sameSite": "Lax"}]
    )
    page.locator(f"#answer-{single.position}-0").check()
    expect(status).to_have_attribute("data-state", "refused")
    with translation.override(lang):
        expect(page.locator("#save-error")).to_have_text(translation.gettext(REFUSAL))
    kept = json.loads(page.evaluate(f"localStorage.getItem('bcm-exam-pending-{attempt.pk}')") or "{}")
    assert kept[str(single.position)]["body"] == {"question": single.position, "choices": [0]}
    page.wait_for_timeout(7_000)  # a retry would have gone at 3 s and 6 s
    assert len(posts) == 1, posts
    single.refresh_from_db()
    assert single.answer in (None, []), "nothing saved"

    page.reload()
    expect(status).to_have_attribute("data-state", "saved")
    assert answer_of(single, [single.option_order[0]]) == [single.option_order[0]]
    expect(page.locator(f"#answer-{single.position}-0")).to_be_checked()
    assert re.search(r"/answer/$", posts[-1])
