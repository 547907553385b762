"""Every page a trainee reaches, checked with axe-core in both languages and both window sizes."""

from courses import services as training
from tests.browser.support import BROWSER, assert_accessible, assert_fits_window, expect, log_in_directly
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = BROWSER

PUBLIC = [
    "/",
    "/catalog/",
    "/catalog/assistant/",
    "/catalog/standard/",
    "/cohorts/",
    "/cohorts/{cohort}/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/verify/resend/",
    "/accounts/logout/",
    "/verify/",
]
TRAINEE = [
    "/dashboard/",
    "/accounts/profile/",
    "/cohorts/",
    "/cohorts/{cohort}/",
    "/exams/",
    "/exams/sittings/{sitting}/start/",
    "/exams/attempts/{pending}/result/",
    "/certificates/",
    "/certification/reminders/",
    "/career/",
    "/enrolments/{enrolment}/withdraw/",
    "/accounts/logout/",
]


def visit(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url} answered {response and response.status}"
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_fits_window(page)


def test_the_public_pages_have_no_serious_accessibility_violation(page, site, lang, viewport):
    cohort = CohortFactory(code=f"A11Y-{lang}-{viewport}")
    for path in PUBLIC:
        visit(page, f"{site.url}/{lang}{path.format(cohort=cohort.code)}")
    visit(page, f"{site.url}/{lang}/no-such-page/", status=404)


def pending_essay_attempt(trainee, cohort, course):
    """A submitted attempt whose essay waits for a grader (the pending result page)."""
    from exams.services import attempts, grading
    from tests.exams.conftest import make_paper, open_sitting

    attempt = attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(make_paper(course, essay=True), cohort))
    attempts.do_submit_attempt(attempt_id=attempt.pk)
    grading.do_grade_attempt(attempt_id=attempt.pk)  # or the worker, first: either grades once
    return attempt


def test_a_trainees_pages_have_no_serious_accessibility_violation(page, context, site, lang, viewport):
    from tests.exams.conftest import make_paper, open_sitting

    cohort = CohortFactory(code=f"A11Y-T-{lang}-{viewport}")
    trainee = UserFactory(email=f"a11y-{lang}-{viewport}@example.test", preferred_language=lang)
    enrolment = training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    training.do_record_attendance(session=TrainingSessionFactory(cohort=cohort), enrolment=enrolment, hours=4)
    first, second = [entry.course for entry in cohort.curriculum.entries.select_related("course")[:2]]
    sitting = open_sitting(make_paper(first), cohort)  # its instructions page
    pending = pending_essay_attempt(trainee, cohort, second)
    log_in_directly(context, site, trainee)
    for path in TRAINEE:
        url = path.format(cohort=cohort.code, sitting=sitting.pk, pending=pending.pk, enrolment=enrolment.pk)
        visit(page, f"{site.url}/{lang}{url}")
    visit(page, f"{site.url}/{lang}/no-such-page/", status=404)


# The supervision area, for the program office (every institution, the item analysis) and for an
# institution's admin (their own); every figure family adds its pages here.
SUPERVISION = [
    "/supervision/",
]
SUPERVISION_OFFICE_ONLY: list[str] = []


def test_the_supervision_pages_have_no_serious_accessibility_violation(page, context, site, lang, viewport):
    from supervision import services as supervision
    from tests.conftest import make_program_office, make_staff
    from tests.exams.conftest import make_paper, open_sitting

    cohort = CohortFactory(code=f"A11Y-S-{lang}-{viewport}")
    trainee = UserFactory(email=f"a11y-s-{lang}-{viewport}@example.test")
    training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    first, second = [entry.course for entry in cohort.curriculum.entries.select_related("course")[:2]]
    open_sitting(make_paper(first), cohort)
    pending_essay_attempt(trainee, cohort, second)
    supervision.do_recompute_nightly()
    office = make_program_office(email=f"office-s-{lang}-{viewport}@example.test", preferred_language=lang)
    admin = make_staff(cohort.institution, email=f"admin-s-{lang}-{viewport}@example.test", preferred_language=lang)
    for person, paths in ((office, SUPERVISION + SUPERVISION_OFFICE_ONLY), (admin, SUPERVISION)):
        context.clear_cookies()
        log_in_directly(context, site, person)
        for path in paths:
            visit(page, f"{site.url}/{lang}{path}")
