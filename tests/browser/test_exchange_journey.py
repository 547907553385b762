"""The exchange in a real browser (issue 22): a trainee asks, the teacher answers and accepts, the trainee
gets the digest by e-mail; on a phone and a desktop, in both languages."""

import re
import time
from decimal import Decimal
from urllib.parse import urlsplit

from accounts.models import StaffMembership
from courses import services as training
from exchange.models import Post
from tests.browser.support import (
    BROWSER,
    assert_accessible,
    assert_fits_window,
    expect,
    first_link,
    log_in_directly,
    mail_text,
)
from tests.conftest import make_staff
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = BROWSER

QUESTION = {"zh-hant": "請問信用卡循環利率的上限是多少？", "en": "What is the cap on credit card revolving interest?"}
ANSWER = {"zh-hant": "目前上限為**年利率 15%**，見教材第五章。", "en": "It is capped at **15% a year**; see chapter 5."}


def digests_to(site, address: str) -> list[str]:
    """The texts of the exchange digests mailed to ``address`` (their link leads to /exchange/)."""
    texts = [mail_text(m) for m in site.messages() if address in (m.get("To") or "")]
    return [text for text in texts if "/exchange/" in text]


def digest_to(site, address: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while not (found := digests_to(site, address)):
        assert time.monotonic() < deadline, f"no digest to {address} within {timeout:.0f} s"
        time.sleep(0.2)
    return found[-1]


def test_a_trainee_asks_the_teacher_answers_and_accepts_and_the_trainee_gets_the_digest(
    page, context, site, lang, viewport, shot
):
    from exchange.tasks import send_digests

    cohort = CohortFactory(code=f"EX-{lang}-{viewport}")
    course = cohort.curriculum.entries.order_by("course__code").first().course
    teacher = make_staff(
        cohort.institution, StaffMembership.Role.TEACHER, email=f"teacher-{lang}-{viewport}@example.test",
        display_name="陳志明", is_staff=True, preferred_language=lang,
    )  # fmt: skip
    TrainingSessionFactory(cohort=cohort, course=course, teacher_person=teacher.staff_membership, hours=Decimal(4))
    trainee = UserFactory(email=f"asker-{lang}-{viewport}@example.test", display_name="陳怡君", preferred_language=lang)
    training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))

    # The trainee goes from the cohort's page to its discussion, and asks.
    log_in_directly(context, site, trainee)
    page.goto(f"{site.url}/{lang}/cohorts/{cohort.code}/")
    page.locator("#cohort-discussion a").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/exchange/{cohort.code}/$"))
    assert_accessible(page)
    page.locator(f"#exchange-courses a[href$='/{course.code}/']").click()
    page.locator("#id_body").fill("")
    page.locator("#ask-form [type=submit]").click()
    expect(page.locator("#exchange-error")).to_be_visible()  # an empty post is refused, nothing written
    assert not Post.objects.exists()
    page.locator("#id_body").fill(QUESTION[lang])
    page.locator("#ask-form [type=submit]").click()
    expect(page.locator(".exchange-question").first).to_contain_text(QUESTION[lang])
    shot(page, "asked")
    assert_accessible(page)
    assert_fits_window(page)

    # The teacher answers, accepts the answer and pins the question.
    context.clear_cookies()
    log_in_directly(context, site, teacher)
    page.goto(f"{site.url}/{lang}/exchange/")
    page.locator(f"#exchange-cohorts a[href$='/exchange/{cohort.code}/']").click()
    page.locator(f"#exchange-courses a[href$='/{course.code}/']").click()
    question = Post.objects.get()
    page.locator(f"#answer-{question.pk}").fill(ANSWER[lang])
    page.locator(f"#post-{question.pk} .exchange-answer-form [type=submit]").click()
    answer = Post.objects.get(parent=question)
    page.locator(f"#post-{answer.pk} form[action$='/accept/'] [type=submit]").click()
    expect(page.locator(f"#post-{answer.pk} .badge.text-bg-success")).to_be_visible()
    page.locator(f"#post-{question.pk} form[action$='/pin/'] [type=submit]").first.click()
    expect(page.locator(f"#post-{question.pk} .badge.text-bg-warning").first).to_be_visible()
    expect(page.locator(f"#post-{answer.pk} .exchange-body strong")).to_be_visible()  # Markdown, rendered
    shot(page, "answered-and-accepted")
    assert_accessible(page)
    assert_fits_window(page)

    # The hourly digest: the trainee gets the answer, in their language, with a link back.
    send_digests.delay()  # beat's job, run by the worker: it enqueues each person's digest
    text = digest_to(site, trainee.email)
    assert "15%" in text
    link = first_link(text, f"/{lang}/exchange/{cohort.code}/")
    page.goto(site.url + urlsplit(link).path)  # the mail names the site's address; the test server has its own
    expect(page.locator(f"#post-{answer.pk}.exchange-accepted")).to_be_visible()
    shot(page, "trainee-reads-the-accepted-answer")
    assert_accessible(page)
    assert_fits_window(page)
    # Again: nothing twice (each post is mailed once to each person).
    from exchange import digest

    assert digest.send_digest(user_id=trainee.pk) == 0
    assert len(digests_to(site, trainee.email)) == 1
