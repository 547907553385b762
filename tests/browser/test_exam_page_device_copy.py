"""The exam page's copy of an answer kept on the device survives a save of an older answer that this device sent
before it and that the server stored last: the page closed while that save was still in flight (its reply never
read), so the server's answer looks newer than the copy, yet it is older (static/exams/attempt.js; the exam page's
other browser tests are tests/browser/test_exam_page_sync.py)."""

import contextlib
import json
import re
import time

from exams.models import AttemptQuestion, QuestionType
from exams.services import attempts
from tests.browser.support import BROWSER, expect, log_in_directly
from tests.browser.test_exam_page_sync import answer_of, exam_for

pytestmark = BROWSER


def test_a_newer_answer_kept_on_the_device_outlives_an_older_save_stored_after_it(
    *, page, context, site, lang, viewport
):
    trainee, attempt = exam_for("OLDERLAST", lang, viewport, essay=False)
    single = attempt.items.get(question__question_type=QuestionType.SINGLE)
    older = {"question": single.position, "choices": [0]}
    held = []  # the older save: sent, and never answered while the page is open
    landed = []  # the older save as the server stored it, after the newer answer the page sent as it went

    def stored() -> list:
        return AttemptQuestion.objects.get(pk=single.pk).answer

    def server(route):
        request = route.request
        if request.method == "POST" and json.loads(request.post_data or "{}") == older and not held:
            held.append(route)
            return
        if request.method == "GET" and held and not landed:
            # The reloaded page reads what the server holds: by then the newer answer the page sent as it went
            # (keepalive, which no route sees; once on hiding, once on leaving) has reached the server, and the
            # older save after it.
            for _ in range(100):
                if stored() == [single.option_order[1]]:
                    time.sleep(0.5)  # the second of the two
                    landed.append(attempts.do_save_answer(
                        attempt_id=attempt.pk, trainee_id=trainee.pk, position=single.position, payload=older
                    ))  # fmt: skip
                    time.sleep(0.5)
                    if stored() == [single.option_order[0]]:
                        break
                time.sleep(0.1)
        route.continue_()

    log_in_directly(context, site, trainee)
    page.on("dialog", lambda dialog: dialog.accept())
    page.route(re.compile(rf"/exams/attempts/{attempt.pk}/answer/$"), server)
    page.goto(f"{site.url}/{lang}/exams/attempts/{attempt.pk}/")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "saved")

    page.locator(f"#answer-{single.position}-0").check()
    expect(status).to_have_attribute("data-state", "saving")
    page.locator(f"#answer-{single.position}-1").check()  # while the older save is in flight
    page.reload()

    expect(status).to_have_attribute("data-state", "saved")
    assert landed, "the older save reached the server after the newer answer"
    expect(page.locator(f"#answer-{single.position}-1")).to_be_checked()
    expect(page.locator(f"#answer-{single.position}-0")).not_to_be_checked()
    assert answer_of(single, [single.option_order[1]]) == [single.option_order[1]]
    assert landed[-1].answered_at < AttemptQuestion.objects.get(pk=single.pk).answered_at  # sent again, after it
    for route in held:
        with contextlib.suppress(Exception):  # the request went with the page it came from
            route.abort()
