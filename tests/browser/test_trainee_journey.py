"""A trainee's journey in a real browser: find a cohort, enrol, follow hours, sit an exam, get the certificate."""

import re

from django.utils import timezone

from courses import services as training
from courses.models import Enrolment
from tests.browser.support import BROWSER, assert_accessible, assert_fits_window, expect, log_in_directly
from tests.factories import CohortFactory, InstitutionFactory, TrainingSessionFactory, UserFactory

pytestmark = BROWSER

T = {
    "zh-hant": {"enrol": "報名", "find": "搜尋梯次"},
    "en": {"enrol": "Enrol", "find": "Find cohorts"},
}


def open_menu(page, viewport: str) -> None:
    if viewport == "phone":
        page.locator(".navbar-toggler").click()
        expect(page.locator("#main-nav")).to_be_visible()


def test_a_trainee_finds_a_cohort_and_enrols(page, context, site, lang, viewport, shot):
    institution = InstitutionFactory()
    wanted = CohortFactory(institution=institution, code=f"RET-{lang}-{viewport}", city="高雄市")
    trainee = UserFactory(email=f"enrol-{lang}-{viewport}@example.test", preferred_language=lang)
    log_in_directly(context, site, trainee)

    page.goto(f"{site.url}/{lang}/")
    open_menu(page, viewport)
    page.locator("#main-nav a[href$='/cohorts/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/cohorts/"))
    shot(page, "cohorts")
    assert_accessible(page)

    page.locator("#id_city").select_option("高雄市")
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("#cohorts .card")).to_have_count(1)
    page.locator("#cohorts").get_by_role("link", name=wanted.code).click()
    expect(page.locator("h1")).to_have_text(wanted.code)
    shot(page, "cohort")
    assert_accessible(page)

    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/dashboard/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".enrolment")).to_contain_text(wanted.code)
    shot(page, "dashboard-pending")
    assert_accessible(page)
    assert Enrolment.objects.get(trainee=trainee).cohort == wanted


def test_an_approved_trainee_follows_hours_on_the_dashboard(page, context, site, lang, viewport, shot):
    cohort = CohortFactory(code=f"HRS-{lang}-{viewport}")
    trainee = UserFactory(email=f"hours-{lang}-{viewport}@example.test", preferred_language=lang)
    enrolment = training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    training.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    log_in_directly(context, site, trainee)

    page.goto(f"{site.url}/{lang}/dashboard/")
    card = page.locator(f"#enrolment-{enrolment.pk}")
    expect(card).to_contain_text(cohort.code)
    # 8 of the 72 hours owed (64 teaching + 8 exam preparation) are done.
    done = {"zh-hant": "應修 72 小時，已完成 8 小時", "en": "8 of 72 hours done"}[lang]
    expect(card).to_contain_text(done)
    bar = card.locator(".progress-stacked .progress").first
    assert 10 <= float(bar.get_attribute("aria-valuenow")) <= 12
    shot(page, "dashboard-hours")
    assert_accessible(page)
    assert_fits_window(page)

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
