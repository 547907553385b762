"""An institution admin's day in Django admin, in a real browser: approve, record attendance, see only their own."""

import re

from django.contrib.auth.models import Group, Permission

from accounts.scoping import INSTITUTION_ADMIN_GROUP
from courses import services as training
from courses.models import Attendance, Enrolment
from tests.browser.support import BROWSER, admin_log_in, expect, run_admin_action
from tests.factories import (
    CohortFactory,
    InstitutionFactory,
    StaffMembershipFactory,
    TrainingSessionFactory,
    UserFactory,
)

pytestmark = BROWSER

# What an institution admin needs in the admin when the "institution admin" group does not say.
FALLBACK_PERMISSIONS = [
    ("courses", "view_cohort"), ("courses", "change_cohort"),
    ("courses", "view_enrolment"), ("courses", "change_enrolment"),
    ("courses", "view_trainingsession"), ("courses", "change_trainingsession"), ("courses", "add_trainingsession"),
    ("courses", "view_attendance"), ("courses", "add_attendance"), ("courses", "change_attendance"),
]


def institution_admin(institution, email_address: str):
    """A staff member of ``institution`` with the institution admin's permissions."""
    membership = StaffMembershipFactory(institution=institution, user__email=email_address)
    user = membership.user
    group = Group.objects.filter(name=INSTITUTION_ADMIN_GROUP).first()
    if group is not None and group.permissions.exists():
        user.groups.add(group)
    else:
        for app_label, codename in FALLBACK_PERMISSIONS:
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def test_an_institution_admin_approves_enrolments_and_records_attendance(page, site, lang, viewport, shot):
    own = InstitutionFactory()
    other = InstitutionFactory()
    admin_user = institution_admin(own, f"admin-{lang}-{viewport}@inst-a.test")
    cohort = CohortFactory(institution=own, code=f"A-{lang}-{viewport}")
    trainee = UserFactory(email=f"trainee-{lang}-{viewport}@example.test", display_name="林美華", preferred_language=lang)
    enrolment = training.do_enrol(trainee=trainee, cohort=cohort)
    outsider_cohort = CohortFactory(institution=other, code=f"B-{lang}-{viewport}")
    outsider = UserFactory(email=f"outsider-{lang}-{viewport}@example.test")
    outsider_enrolment = training.do_enrol(trainee=outsider, cohort=outsider_cohort)

    admin_log_in(page, site, lang, admin_user.email)
    shot(page, "admin-index")

    # The enrolments list shows this institution's trainee and nobody else's.
    page.goto(f"{site.url}/{lang}/admin/courses/enrolment/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(trainee.email)
    expect(page.locator("#result_list")).not_to_contain_text(outsider.email)
    expect(page.locator("body")).not_to_contain_text(outsider_cohort.code)
    shot(page, "enrolments-pending")

    run_admin_action(page, [trainee.email], "approve")
    expect(page.locator(".messagelist .success")).to_be_visible()
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.APPROVED
    assert enrolment.teaching_hours_owed == 64
    shot(page, "enrolments-approved")
    # The worker mails the decision in the trainee's language.
    decision = site.wait_for_mail(trainee.email)
    assert cohort.code in decision

    # Another institution's enrolment is not reachable by its address either.
    page.goto(f"{site.url}/{lang}/admin/courses/enrolment/{outsider_enrolment.pk}/change/")
    expect(page.locator("body")).not_to_contain_text(outsider.email)
    expect(page).not_to_have_url(re.compile(rf"/enrolment/{outsider_enrolment.pk}/change/$"))

    # Attendance of a session: one row per trainee in training, hours typed in.
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    page.goto(f"{site.url}/{lang}/admin/courses/trainingsession/{session.pk}/change/")
    row = page.locator("#attendances-0")
    options = row.locator("select option")
    expect(options).to_have_count(2)  # the empty choice and our trainee; never the outsider
    row.locator("select").select_option(str(enrolment.pk))
    row.locator("input[name$=-hours]").fill("6")
    shot(page, "attendance-typed")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, "attendance-saved")
    attendance = Attendance.objects.get(session=session, enrolment=enrolment)
    assert attendance.hours == 6
    assert attendance.recorded_by == admin_user
    assert not Attendance.objects.filter(enrolment=outsider_enrolment).exists()
