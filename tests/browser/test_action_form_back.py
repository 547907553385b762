"""Back after a reason form, in a real browser: an institution's staff member rejects an enrolment from the filtered
change list, gives the reason on the action's page and applies; the list says so. The browser's Back button then
shows the reason's page again (the rows as they are now), and reloading it changes nothing. The page was the
answer to the change list's post: Back met "Confirm form resubmission" (courses.admin.actions)."""

import re

from courses import services as training
from courses.models import Enrolment
from tests.browser.support import BROWSER, expect, log_in_directly, run_admin_action
from tests.conftest import make_staff
from tests.factories import CohortFactory, UserFactory

pytestmark = BROWSER

REASON = "本梯次名額已滿 / The cohort is full"


def test_back_after_applying_a_reason_form_shows_the_form_again(
    *, page, context, site, lang, viewport, shot, institution
):
    admin = make_staff(institution, email=f"admin-back-{lang}-{viewport}@inst-a.example.test", is_staff=True)
    cohort = CohortFactory(institution=institution, code=f"INST-A-BACK-{lang.upper()}-{viewport[0].upper()}")
    trainee = UserFactory(email=f"back-{lang}-{viewport}@bank-a.example.test", display_name="林美玲")
    enrolment = training.do_enrol(trainee=trainee, cohort=cohort)
    log_in_directly(context, site, admin)

    listing = f"{site.url}/{lang}/admin/courses/enrolment/?cohort__id__exact={cohort.pk}"
    page.goto(listing)
    run_admin_action(page, [trainee.email], "reject")
    expect(page).to_have_url(re.compile(rf"/{lang}/admin/courses/enrolment/action/reject/\?ids={enrolment.pk}&"))
    expect(page.locator("#content li", has_text=trainee.email)).to_be_visible()
    page.locator("form [name=reason]").fill(REASON)
    shot(page, "reason")
    page.locator("input[name=apply]").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    assert page.url == listing  # back on the list, its filter kept
    enrolment.refresh_from_db()
    decided = (enrolment.state, enrolment.decision_note, enrolment.decided_at)
    assert decided[:2] == ("rejected", REASON)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/admin/courses/enrolment/action/reject/\?ids="))
    expect(page.locator("input[name=apply]")).to_be_visible()
    expect(page.locator("#content li", has_text=trainee.email)).to_be_visible()
    shot(page, "back-to-the-reason")
    page.reload()
    expect(page.locator("input[name=apply]")).to_be_visible()
    page.go_forward()
    expect(page.locator("#changelist")).to_be_visible()
    expect(page.locator(".messagelist")).to_have_count(0)  # the list again, nothing said or done twice
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert (enrolment.state, enrolment.decision_note, enrolment.decided_at) == decided
