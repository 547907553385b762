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
    "/catalog/courses/BCM-101/",  # the syllabus in force today, with the versions list
    "/catalog/courses/BCM-101/?on=2023-06-01",  # an earlier version
    "/cohorts/",
    "/cohorts/{cohort}/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/verify/resend/",
    "/accounts/logout/",
    "/verify/",
    "/continuing-education/",
]
TRAINEE = [
    "/dashboard/",
    "/accounts/profile/",
    "/cohorts/",
    "/cohorts/{cohort}/",
    "/cohorts/{cohort}/enrol/",  # the confirmation page, saying why they cannot apply again (the journey: the form)
    "/exams/",
    "/exams/sittings/{sitting}/start/",
    "/exams/attempts/{pending}/result/",
    "/certificates/",
    "/certification/reminders/",
    "/career/",
    "/enrolments/{enrolment}/withdraw/",
    "/continuing-education/",  # as someone holding no certificate: the list, and why they cannot enrol
    "/accounts/logout/",
]
# A holder of an active certificate: the enrol buttons, their CE courses and the self-report form.
HOLDER = [
    "/continuing-education/",
    "/certificates/",
    "/continuing-education/enrolments/{ce_enrolment}/withdraw/",
]

# The supervision area (issue 18): the pages of the office and of an institution alike.
SUPERVISION = [
    "/supervision/",
    "/supervision/pass-rates/",
    "/supervision/training/",
    "/supervision/certificates/",
    "/supervision/exams/",
    "/supervision/cohorts/",
    "/supervision/certificates/expiring/",
]


def visit(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url} answered {response and response.status}"
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_fits_window(page)


def test_the_public_pages_have_no_serious_accessibility_violation(page, site, lang, viewport):
    from courses.demo import load_syllabi

    load_syllabi()  # the course pages show the demo's syllabi
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


def test_a_holders_continuing_education_pages_have_no_serious_accessibility_violation(
    page, context, site, lang, viewport
):
    import datetime

    from django.utils import timezone

    from certification import services as certification
    from certification.models import CECourse
    from tests.factories import CertificateFactory, InstitutionFactory

    holder = UserFactory(email=f"a11y-h-{lang}-{viewport}@example.test", preferred_language=lang)
    CertificateFactory(trainee=holder)
    starts_on = timezone.localdate() + datetime.timedelta(days=7)
    courses = [
        CECourse.objects.create(
            institution=InstitutionFactory(),
            title_zh=f"後續教育 {n}",
            title_en=f"Continuing education {n}",
            hours=6,
            starts_on=starts_on,
            ends_on=starts_on,
            capacity=5,
            place_zh="教室",
            place_en="Room",
        )
        for n in range(2)
    ]
    for course in courses:
        certification.do_publish_ce_course(course=course)
    enrolment = certification.do_enrol_ce(holder=holder, course=courses[0])
    log_in_directly(context, site, holder)
    for path in HOLDER:
        visit(page, f"{site.url}/{lang}{path.format(ce_enrolment=enrolment.pk)}")


# The exchange (issue 22): a cohort's discussion as its trainee, its teacher and its institution's admin.
EXCHANGE = [
    "/exchange/",
    "/exchange/{cohort}/",
    "/exchange/{cohort}/{course}/",
    "/exchange/posts/{answer}/report/",
]
EXCHANGE_MODERATOR = [*EXCHANGE[:3], "/exchange/posts/{answer}/hide/"]


def test_the_exchange_pages_have_no_serious_accessibility_violation(page, context, site, lang, viewport, institution):
    from decimal import Decimal

    from accounts.models import StaffMembership
    from exchange import services as exchange
    from tests.conftest import make_staff

    cohort = CohortFactory(code=f"A11Y-X-{lang}-{viewport}", institution=institution)
    course = cohort.curriculum.entries.order_by("course__code").first().course
    teacher = make_staff(institution, StaffMembership.Role.TEACHER, email=f"t-x-{lang}-{viewport}@example.test",
                         preferred_language=lang, is_staff=True)  # fmt: skip
    TrainingSessionFactory(cohort=cohort, course=course, teacher_person=teacher.staff_membership, hours=Decimal(4))
    trainee = UserFactory(email=f"a11y-x-{lang}-{viewport}@example.test", preferred_language=lang)
    training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    admin = make_staff(institution, email=f"admin-x-{lang}-{viewport}@example.test", preferred_language=lang)
    question = exchange.do_post(by=trainee, cohort=cohort, course=course, body="請問 **KYC** 多久更新一次？")
    answer = exchange.do_post(by=teacher, cohort=cohort, course=course, body="- 每年\n- 資料變更時", parent=question)
    exchange.do_accept(by=teacher, answer=answer)
    exchange.do_pin(by=teacher, question=question)
    values = {"cohort": cohort.code, "course": course.code, "answer": answer.pk}
    for person, paths in ((trainee, EXCHANGE), (teacher, EXCHANGE[:3]), (admin, EXCHANGE_MODERATOR)):
        context.clear_cookies()
        log_in_directly(context, site, person)
        for path in paths:
            visit(page, f"{site.url}/{lang}{path.format(**values)}")


SUPERVISION_OFFICE_ONLY = [
    "/supervision/institutions/",
]


def test_the_supervision_pages_have_no_serious_accessibility_violation(
    page, context, site, lang, viewport, program_office, institution, settings
):
    """As the program office (every page) and as an institution's admin (theirs), with figures to draw."""
    from supervision import figures
    from tests.conftest import make_staff
    from tests.supervision import report_data

    settings.SUPERVISION_MIN_RESPONSES = 3
    report_data.build([institution], scale=1, seed=len(lang) + len(viewport))
    for step in figures.steps():
        step.recompute()
    admin = make_staff(institution, email=f"admin-s-{lang}-{viewport}@example.test", preferred_language=lang)
    for person, paths in ((program_office, SUPERVISION + SUPERVISION_OFFICE_ONLY), (admin, SUPERVISION)):
        context.clear_cookies()
        log_in_directly(context, site, person)
        for path in paths:
            visit(page, f"{site.url}/{lang}{path}")
