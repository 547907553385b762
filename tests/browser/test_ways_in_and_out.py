"""Ways in and out, in a real browser: withdrawing asks first, the language a person uses survives
log-in and the switch carries it to the profile, the log-out page, the verification mail again, a
404 with ways back, a readable sessions table on a phone and a one-line menu on a laptop."""

import datetime
import re

from django.utils import timezone, translation

from accounts.models import User
from courses import services as training
from courses.models import Enrolment
from tests.browser.support import (
    BROWSER,
    PASSWORD,
    assert_accessible,
    assert_fits_window,
    expect,
    first_link,
    log_in_directly,
)
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = BROWSER

HTML_LANG = {"zh-hant": "zh-Hant", "en": "en"}


def open_menu(page, viewport: str) -> None:
    if viewport == "phone":
        page.locator(".navbar-toggler").click()
        expect(page.locator("#main-nav")).to_be_visible()


def log_in_on_the_page(page, email: str) -> None:
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]").click()


# How many lines the text of an element takes (the distinct tops of its line boxes).
TEXT_LINES = """el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""


def test_withdrawing_asks_first_and_says_what_is_lost(page, context, site, lang, viewport, shot):
    today = timezone.localdate()  # a cohort under way: a class behind it, one ahead
    cohort = CohortFactory(
        code=f"WD-{lang}-{viewport}",
        capacity=5,
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=30),
    )
    trainee = UserFactory(email=f"withdraw-{lang}-{viewport}@example.test", preferred_language=lang)
    enrolment = training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    past = TrainingSessionFactory(cohort=cohort, hours=8, held_on=timezone.localdate() - datetime.timedelta(days=2))
    training.do_record_attendance(session=past, enrolment=enrolment, hours=8)
    TrainingSessionFactory(
        cohort=cohort,
        held_on=timezone.localdate() + datetime.timedelta(days=4),
        starts_at=datetime.time(14, 0),
        teacher="張老師",
        location="臺北市中正區金融研訓院 3樓 301教室",
    )
    log_in_directly(context, site, trainee)

    page.goto(f"{site.url}/{lang}/dashboard/")
    # The upcoming sessions stay readable on a phone: one card per session, not a character a line.
    teacher_cell = page.locator("#upcoming-sessions td[data-label]").nth(4)
    expect(teacher_cell).to_contain_text("張老師")
    if viewport == "phone":
        assert teacher_cell.bounding_box()["width"] > 250
    else:  # a long cohort name takes the room: no heading and no date breaks over lines
        for cell in page.locator("#upcoming-sessions th, #upcoming-sessions td:first-child").all():
            assert cell.evaluate(TEXT_LINES) == 1, cell.inner_text()
    assert_fits_window(page)
    shot(page, "dashboard-sessions")

    page.locator(f"#enrolment-{enrolment.pk} a.withdraw-link").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/enrolments/{enrolment.pk}/withdraw/$"))
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    with translation.override(lang):  # the cohort by its name, the code second
        expect(page.locator("h1")).to_contain_text(cohort.name)
    expect(page.locator("main .cohort-code")).to_have_text(cohort.code)
    expect(page.locator("#withdraw-hours")).to_contain_text("8")
    shot(page, "withdraw-confirmation")
    assert_accessible(page)
    assert_fits_window(page)
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.APPROVED, "opening the page withdraws nothing"

    # Changing one's mind leads back, enrolled.
    page.locator("#withdraw-form a").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/dashboard/$"))
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.APPROVED

    page.locator(f"#enrolment-{enrolment.pk} a.withdraw-link").click()
    page.locator("#withdraw-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/dashboard/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f"#enrolment-{enrolment.pk} a.withdraw-link")).to_have_count(0)
    shot(page, "withdrawn")
    enrolment.refresh_from_db()
    cohort.refresh_from_db()
    assert enrolment.state == Enrolment.State.WITHDRAWN and cohort.seats_taken == 0


def test_the_language_in_use_survives_log_in_and_the_switch_leaves_the_profile(page, site, lang, viewport, shot):
    other = "en" if lang == "zh-hant" else "zh-hant"
    # The profile says the other language; the person is browsing in ``lang``.
    user = UserFactory(email=f"lang-{lang}-{viewport}@example.test", preferred_language=other)

    page.goto(f"{site.url}/{lang}/catalog/")
    open_menu(page, viewport)
    page.locator("#main-nav a[href$='/accounts/login/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/login/"))
    log_in_on_the_page(page, user.email)
    # Still in the language being used, on the dashboard.
    expect(page).to_have_url(re.compile(rf"/{lang}/dashboard/$"))
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    user.refresh_from_db()
    assert user.preferred_language == other, "log-in does not change the profile"

    # The switch, logged in: the page changes; the profile's language (its e-mails) is the profile page's.
    open_menu(page, viewport)
    page.locator("#language-select").select_option(other)
    expect(page).to_have_url(re.compile(rf"/{other}/dashboard/$"))
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[other])
    user.refresh_from_db()
    assert user.preferred_language == other
    open_menu(page, viewport)
    page.locator("#language-select").select_option(lang)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    user.refresh_from_db()
    assert user.preferred_language == other, "the switch leaves the profile's language"

    # Log out and come back to the site's address: the next log-in is in that language.
    open_menu(page, viewport)
    page.locator("#main-nav form[action$='/accounts/logout/'] button").click()
    page.goto(f"{site.url}/")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    open_menu(page, viewport)
    page.locator("#main-nav a[href$='/accounts/login/']").click()
    log_in_on_the_page(page, user.email)
    expect(page).to_have_url(re.compile(rf"/{lang}/dashboard/$"))
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    shot(page, "dashboard-after-log-in")


def test_log_out_page_resend_and_not_found(page, context, site, lang, viewport, shot):
    # The log-in page offers the verification mail again; the answer is neutral, the mail real.
    address = f"unverified-{lang}-{viewport}@example.test"
    UserFactory(email=address, is_active=False, email_verified_at=None, preferred_language=lang)
    page.goto(f"{site.url}/{lang}/accounts/login/")
    expect(page.locator("#resend-verification")).to_be_visible()
    shot(page, "log-in-with-resend")
    assert_accessible(page)
    assert_fits_window(page)
    page.locator("#resend-verification a").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/verify/resend/$"))
    shot(page, "resend-form")
    assert_accessible(page)
    page.locator("#id_email").fill(address)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/verify/resend/$"))
    expect(page.locator("#resend-answer")).to_contain_text(address)
    shot(page, "resend-sent")
    assert_accessible(page)
    link = first_link(site.wait_for_mail(address), "/accounts/verify/")
    page.goto(link)  # opening the link activates nothing (mail scanners open links): its button does
    assert not User.objects.get(email=address).is_active
    page.locator("#verify-form [type=submit]").click()
    expect(page.locator("main a.btn-primary[href$='/accounts/login/']")).to_be_visible()
    assert User.objects.get(email=address).is_active

    # Logged in: the menu fits on one line on a laptop; the log-out address shows a button.
    trainee = UserFactory(email=f"logout-{lang}-{viewport}@example.test", preferred_language=lang)
    log_in_directly(context, site, trainee)
    page.goto(f"{site.url}/{lang}/dashboard/")
    if viewport == "desktop":
        tops = page.locator("#main-nav .nav-item").evaluate_all(
            "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, f"the menu wraps onto {len(set(tops))} lines"
        navbar = page.locator("nav.navbar").bounding_box()
        assert navbar["height"] < 80
    page.goto(f"{site.url}/{lang}/accounts/logout/")
    expect(page.locator("#logout-form button[type=submit]")).to_be_visible()
    shot(page, "log-out-page")
    assert_accessible(page)
    assert_fits_window(page)
    page.locator("#logout-form button[type=submit]").click()
    page.goto(f"{site.url}/{lang}/dashboard/")
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/login/"))

    # A missing page: translated, in the site's layout, with ways back.
    response = page.goto(f"{site.url}/{lang}/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.locator("#main-nav")).to_have_count(1)
    expect(page.locator(f"#not-found-ways a[href='/{lang}/']")).to_be_visible()
    shot(page, "not-found")
    assert_accessible(page)
    assert_fits_window(page)
    page.locator(f"#not-found-ways a[href='/{lang}/catalog/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/catalog/$"))
