"""An institution's staff member decides a pending enrolment from its own page, in a real browser (a tester at
1366 px found no buttons there, only the list's actions, and Save buttons on a page where nothing is editable):
the page shows Approve and Not approve and no Save; Not approve leads to the reason's page and back to the
enrolment's page, which says what was done; Approve posts and comes back the same way. The page fits the window,
and a recorded attendance row names its trainee as text (courses.admin)."""

import re
from decimal import Decimal

from courses import services as training
from courses.models import Enrolment
from tests.browser.support import BROWSER, assert_fits_window, expect, log_in_directly
from tests.conftest import make_staff
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = BROWSER

REASON = "本梯次名額已滿 / The cohort is full"


def test_a_pending_enrolment_is_decided_from_its_page(*, page, context, site, lang, viewport, shot, institution):
    admin = make_staff(institution, email=f"admin-row-{lang}-{viewport}@inst-a.example.test", is_staff=True)
    cohort = CohortFactory(institution=institution, code=f"INST-A-ROW-{lang.upper()}-{viewport[0].upper()}")
    first, second = (
        training.do_enrol(trainee=UserFactory(email=f"row-{n}-{lang}-{viewport}@bank-a.example.test"), cohort=cohort)
        for n in (1, 2)
    )
    log_in_directly(context, site, admin)
    approve, not_approve = {"en": ("Approve", "Not approve"), "zh-hant": ("核准", "不核准")}[lang]

    row_page = f"{site.url}/{lang}/admin/courses/enrolment/{first.pk}/change/"
    page.goto(row_page)
    expect(page.locator(".row-action-approve input[type=submit]")).to_have_value(approve)
    expect(page.locator("a.row-action-reject")).to_have_text(not_approve)
    expect(page.locator("input[name=_save], input[name=_continue]")).to_have_count(0)
    assert_fits_window(page)
    shot(page, "pending-enrolment")

    page.locator("a.row-action-reject").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/admin/courses/enrolment/action/reject/\?ids={first.pk}&next="))
    page.locator("form [name=reason]").fill(REASON)
    page.locator("input[name=apply]").click()
    expect(page).to_have_url(row_page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".row-action")).to_have_count(0)
    shot(page, "not-approved")
    first.refresh_from_db()
    assert (first.state, first.decision_note) == ("rejected", REASON)

    page.goto(f"{site.url}/{lang}/admin/courses/enrolment/{second.pk}/change/")
    page.locator(".row-action-approve input[type=submit]").click()
    expect(page).to_have_url(f"{site.url}/{lang}/admin/courses/enrolment/{second.pk}/change/")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".field-progress_display .readonly")).to_contain_text(
        {"en": "0 of 72 h (face-to-face 0 h", "zh-hant": "面授 0 課時"}[lang]
    )
    assert_fits_window(page)
    shot(page, "approved")
    assert Enrolment.objects.get(pk=second.pk).state == "approved"

    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    training.do_record_attendance(session=session, enrolment=Enrolment.objects.get(pk=second.pk), hours=8)
    page.goto(f"{site.url}/{lang}/admin/courses/trainingsession/{session.pk}/change/")
    recorded = page.locator("#attendances-0 td.field-enrolment")
    expect(recorded.locator("p.recorded-trainee")).to_contain_text(second.trainee.email)
    expect(recorded.locator("select")).to_have_count(0)
    shot(page, "attendance")
