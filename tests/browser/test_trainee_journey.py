"""A trainee's journey in a real browser: find a cohort, enrol, follow hours, sit an exam, get the certificate."""

import datetime
import re
import time
from urllib.parse import urlsplit

from django.utils import timezone, translation

from courses import services as training
from courses.models import Enrolment
from tests.browser.support import (
    BROWSER,
    assert_accessible,
    assert_fits_window,
    expect,
    first_link,
    log_in_directly,
)
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = BROWSER

NEW_PASSWORD = "Bcm-journey-2026!"
HTML_LANG = {"zh-hant": "zh-Hant", "en": "en"}
OFFLINE = {"zh-hant": re.compile(r"離線|offline", re.I), "en": "Offline, will retry"}


def saved_answers(attempt) -> int:
    return attempt.items.filter(answered_at__isnull=False).count()


def open_menu(page, viewport: str) -> None:
    if viewport == "phone":
        page.locator(".navbar-toggler").click()
        expect(page.locator("#main-nav")).to_be_visible()


def test_a_newcomer_signs_up_verifies_switches_language_finds_a_cohort_and_enrols(page, site, lang, viewport, shot):
    other = "en" if lang == "zh-hant" else "zh-hant"
    wanted = CohortFactory(code=f"RET-{lang}-{viewport}", city="KHH")
    CohortFactory(code=f"TPE-{lang}-{viewport}", city="TPE")
    address = f"newcomer-{lang}-{viewport}@example.test"

    # Sign up in the page's language.
    page.goto(f"{site.url}/{lang}/")
    open_menu(page, viewport)
    page.locator("#main-nav a[href$='/accounts/signup/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/signup/$"))
    expect(page.locator("#id_preferred_language")).to_have_value(lang)
    assert_accessible(page)
    page.locator("#id_display_name").fill("張家豪")
    page.locator("#id_email").fill(address)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    shot(page, "sign-up")
    page.locator("main form [type=submit]").click()
    expect(page.locator("main")).to_contain_text(address)
    shot(page, "sign-up-done")
    assert_accessible(page)

    # No log-in before the address is verified.
    page.goto(f"{site.url}/{lang}/accounts/login/")
    page.locator("#id_username").fill(address)
    page.locator("#id_password").fill(NEW_PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/login/"))
    expect(page.locator("main .alert-danger, main .invalid-feedback").first).to_be_visible()
    shot(page, "log-in-refused-before-verification")
    assert_accessible(page)

    # The worker mails the link.
    link = first_link(site.wait_for_mail(address), "/accounts/verify/")
    assert f"/{lang}/accounts/verify/" in link, "the link opens in the language of the sign-up"
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    shot(page, "verify-button")
    assert_accessible(page)
    page.locator("#verify-form [type=submit]").click()  # opening the link activates nothing: the button does
    expect(page.locator("main a.btn-primary[href$='/accounts/login/']")).to_be_visible()
    shot(page, "verified")
    assert_accessible(page)

    page.locator("main a.btn-primary").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/login/"))
    page.locator("#id_username").fill(address)
    page.locator("#id_password").fill(NEW_PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))

    # Switch language and back: the same page, in the other language, then in ours again.
    for language in (other, lang):
        open_menu(page, viewport)
        page.locator("#language-select").select_option(language)
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
        expect(page).to_have_url(re.compile(rf"/{language}/"))

    # Find the Kaohsiung cohort.
    open_menu(page, viewport)
    page.locator("#main-nav a[href$='/cohorts/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/cohorts/"))
    expect(page.locator("#cohorts .card")).to_have_count(2)
    shot(page, "cohorts")
    assert_accessible(page)
    assert_fits_window(page)
    page.locator("#id_city").select_option("KHH")
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("#cohorts .card")).to_have_count(1)
    with translation.override(lang):
        wanted_name = wanted.name  # cohorts show by their human name, the code second
    page.locator("#cohorts").get_by_role("link", name=wanted_name).click()
    expect(page.locator("h1")).to_have_text(wanted_name)
    expect(page.locator("main")).to_contain_text(wanted.code)
    shot(page, "cohort")
    assert_accessible(page)

    # The cohort says its training is blended; Enrol opens a page that says what the application is and what
    # follows, and enrols nobody until its button is pressed.
    expect(page.locator(".blended-note")).to_be_visible()
    page.locator("#enrol-link").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/cohorts/{wanted.code}/enrol/$"))
    expect(page.locator("#apply-cohort")).to_have_text(wanted_name)
    expect(page.locator("#apply-next li")).to_have_count(4)
    shot(page, "apply")
    assert_accessible(page)
    assert_fits_window(page)
    assert not Enrolment.objects.filter(trainee__email=address).exists()

    # Apply; the dashboard says it waits for the institution.
    page.locator("#apply-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/dashboard/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".enrolment")).to_contain_text(wanted.code)
    shot(page, "dashboard-pending")
    assert_accessible(page)
    assert_fits_window(page)
    enrolment = Enrolment.objects.get(trainee__email=address)
    assert (enrolment.cohort, enrolment.state) == (wanted, Enrolment.State.PENDING)

    # The worker mails that the application was received, with the way to its card on the dashboard.
    received = site.wait_for_mail(address)
    deadline = time.monotonic() + 60
    while f"#enrolment-{enrolment.pk}" not in received and time.monotonic() < deadline:
        time.sleep(0.2)
        received = site.wait_for_mail(address)
    link = first_link(received, f"/{lang}/dashboard/#enrolment-{enrolment.pk}")
    page.goto(site.url + urlsplit(link).path + "#" + urlsplit(link).fragment)  # the worker's SITE_URL is not ours
    expect(page.locator(f"#enrolment-{enrolment.pk}")).to_contain_text(wanted.code)


# The lines a code is laid out on: each break must come after a hyphen or underscore, never inside a part.
CODE_LINES = """(el) => {
  const text = el.firstChild, lines = [];
  for (let i = 0; i < text.length; i++) {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const top = Math.round(range.getBoundingClientRect().top);
    if (!lines.length || Math.abs(lines[lines.length - 1].top - top) > 2) lines.push({top, text: ""});
    lines[lines.length - 1].text += text.data[i];
  }
  return lines.map((line) => line.text);
}"""


def test_an_approved_trainee_follows_hours_on_the_dashboard(*, page, context, site, lang, viewport, shot):
    # A code as long as the demo's (INST-A-STANDARD-RETAIL): on a phone it squeezed beside the cohort's name.
    cohort = CohortFactory(code=f"HRS-A-STANDARD-RETAIL-{lang}-{viewport}")
    trainee = UserFactory(email=f"hours-{lang}-{viewport}@example.test", preferred_language=lang)
    enrolment = training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    training.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    TrainingSessionFactory(cohort=cohort, hours=8, held_on=timezone.localdate() + datetime.timedelta(days=2))
    log_in_directly(context, site, trainee)

    page.goto(f"{site.url}/{lang}/dashboard/")
    card = page.locator(f"#enrolment-{enrolment.pk}")
    expect(card).to_contain_text(cohort.code)
    # 8 of the 72 hours owed (64 teaching + 8 exam preparation) are done.
    done = {"zh-hant": "應修 72 課時，已完成 8 課時", "en": "8 of 72 hours done"}[lang]
    expect(card).to_contain_text(done)
    bar = card.locator(".progress-stacked .progress").first
    assert 10 <= float(bar.get_attribute("aria-valuenow")) <= 12
    shot(page, "dashboard-hours")
    assert_accessible(page)
    assert_fits_window(page)

    # The upcoming session: its cohort's name, then the code below it, as wide as the cell, broken only at hyphens.
    sessions = page.locator("#upcoming-sessions")
    sessions.scroll_into_view_if_needed()
    shot(page, "dashboard-sessions")
    row = sessions.locator("tbody tr").first
    cell = row.locator("td").nth(1)
    code = cell.locator(".cohort-code")
    expect(code).to_have_text(cohort.code)
    cell_box, code_box = cell.bounding_box(), code.bounding_box()
    assert code_box["y"] >= cell_box["y"] + 16, "the code stands below the cohort's name, not beside it"
    lines = code.evaluate(CODE_LINES)
    assert "".join(lines) == cohort.code
    assert all(line.endswith(("-", "_")) for line in lines[:-1]), f"the code broke inside a part: {lines}"
    if viewport == "phone":
        assert code_box["width"] >= row.bounding_box()["width"] / 3, "the code is not squeezed into a narrow column"
    expect(row.locator("td").nth(3)).to_have_text({"zh-hant": "8 課時", "en": "8 h"}[lang])

    # Self-study logged on the dashboard waits for the institution's confirmation.
    form = page.locator("form[action$='/dashboard/self-study/']")
    form.locator("select[name=enrolment]").select_option(str(enrolment.pk))
    course_choice = form.locator("select[name=course] option").nth(1).get_attribute("value")
    form.locator("select[name=course]").select_option(course_choice)
    expect(form.locator("input[name=studied_on]")).to_have_value(timezone.localdate().isoformat())
    form.locator("input[name=hours]").fill("2.5")
    form.locator("input[name=note]").fill("第一章 / chapter one")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#self-study")).to_contain_text("2.5")
    shot(page, "dashboard-self-study")
    assert_accessible(page)


def test_a_trainee_sits_an_exam_through_a_reload_and_a_lost_connection(*, page, context, site, lang, viewport, shot):
    """The countdown runs, answers survive a reload and an offline spell, and a real worker grades."""
    from exams.models import Attempt
    from tests.exams.conftest import approve, make_paper, open_sitting

    cohort = CohortFactory(code=f"EXM-{lang}-{viewport}")
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course, time_limit_minutes=30)
    trainee = UserFactory(email=f"exam-{lang}-{viewport}@example.test", preferred_language=lang)
    approve(trainee, cohort)
    sitting = open_sitting(paper, cohort)
    log_in_directly(context, site, trainee)

    page.goto(f"{site.url}/{lang}/exams/")
    shot(page, "my-exams")
    assert_accessible(page)
    # The rules first (tests/browser/test_exam_journeys.py); the clock starts on confirm.
    page.locator(f"#start-{sitting.pk}").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/sittings/{sitting.pk}/start/$"))
    assert not Attempt.objects.filter(trainee=trainee).exists()
    page.locator("#confirm-start").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/attempts/\d+/$"))
    attempt = Attempt.objects.get(trainee=trainee)
    status = page.locator("#save-status")
    expect(status).to_be_visible()

    # The countdown follows the server's deadline, second by second.
    countdown = page.locator("#countdown")
    expect(countdown).to_have_text(re.compile(r"^(29|30):\d\d$"))
    first = int(countdown.get_attribute("data-seconds-left"))
    assert 28 * 60 < first <= 30 * 60
    page.wait_for_timeout(2100)
    assert int(countdown.get_attribute("data-seconds-left")) <= first - 2
    shot(page, "exam-start")
    assert_accessible(page)
    assert_fits_window(page)

    questions = page.locator("fieldset.question")
    count = questions.count()
    assert count == 3
    # The clock and the save status stay in sight at the foot of the paper.
    page.locator("#submit-attempt").scroll_into_view_if_needed()
    expect(countdown).to_be_in_viewport()
    expect(status).to_be_in_viewport()

    # Answer the first question; it is saved at once and survives a reload.
    questions.nth(0).locator("input").first.check()
    expect(status).to_have_attribute("data-state", "saved")
    assert saved_answers(attempt) == 1
    picked = questions.nth(0).locator("input").first.get_attribute("id")
    page.reload()
    expect(page.locator(f"#{picked}")).to_be_checked()
    shot(page, "exam-after-reload")

    # The connection drops: the page says so, keeps the answers, and saves them when it is back.
    context.set_offline(True)
    for n in range(1, count):
        questions.nth(n).locator("input").first.check()
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_have_text(OFFLINE[lang])
    shot(page, "exam-offline")
    assert saved_answers(attempt) == 1, "nothing reached the server while offline"
    context.set_offline(False)
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)
    assert saved_answers(attempt) == count
    page.reload()
    for n in range(count):
        expect(questions.nth(n).locator("input").first).to_be_checked()
    shot(page, "exam-all-saved")

    # The session ends (a log-out in another tab): the answer is not called saved, stays on the device, and is
    # saved once the trainee has logged in again (it was taken to the log-in page, whose 200 read as "saved").
    from django.conf import settings

    first_saved_at = attempt.items.get(position=1).answered_at
    context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    questions.nth(0).locator("input").nth(1).check()
    expect(status).to_have_attribute("data-state", "refused")
    expect(page.locator("#save-error")).to_be_visible()
    shot(page, "exam-logged-out")
    assert attempt.items.get(position=1).answered_at == first_saved_at
    log_in_directly(context, site, trainee)
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)
    assert attempt.items.get(position=1).answered_at > first_saved_at

    # Submit asks first; a real worker grades; the result page shows it.
    page.locator("#submit-attempt").click()
    expect(page.locator("#answered-count")).to_contain_text(str(count))
    shot(page, "exam-submit")
    assert_accessible(page)
    page.locator("#confirm-submit").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/exams/attempts/{attempt.pk}/result/$"))
    for _ in range(60):
        if page.locator("#result-summary").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.locator("#result-summary")).to_contain_text("%")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    shot(page, "exam-result")
    assert_accessible(page)
    assert_fits_window(page)
