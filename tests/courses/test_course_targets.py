"""Each course's target on the dashboard's "By course" is its own class hours, scaled to what is owed.

The expected figures are worked out by hand from the national catalog (never by the selector): standard
retail is BCM-101 5 h, BCM-102 6 h, BCM-103 5 h, BCM-201 16 h, BCM-221 16 h and BCM-222 16 h, 64 h of
teaching; the assistant curriculum is the first three, 16 h.
"""

from decimal import Decimal

import pytest

from courses import selectors, services
from courses.models import Course, Enrolment
from tests.conftest import logged_in
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db

STANDARD_RETAIL = ["BCM-101", "BCM-102", "BCM-103", "BCM-201", "BCM-221", "BCM-222"]


def approved(trainee=None, cohort=None) -> Enrolment:
    enrolment = services.do_enrol(trainee=trainee or UserFactory(), cohort=cohort or CohortFactory())
    return services.do_approve_enrolment(enrolment=enrolment)


def targets(enrolment: Enrolment) -> dict[str, Decimal | None]:
    return {c.course.code: c.target for c in selectors.progress(enrolment).courses}


def test_with_nothing_credited_each_course_is_out_of_its_own_class_hours():
    enrolment = approved()
    assert enrolment.teaching_hours_owed == 64
    assert targets(enrolment) == {
        "BCM-101": Decimal(5), "BCM-102": Decimal(6), "BCM-103": Decimal(5),
        "BCM-201": Decimal(16), "BCM-221": Decimal(16), "BCM-222": Decimal(16),
    }  # fmt: skip


def test_credited_courses_have_no_target_and_the_others_keep_their_class_hours():
    trainee = UserFactory()
    assistant = approved(trainee, CohortFactory(curriculum=curriculum_of("assistant")))
    services.do_record_attendance(
        session=TrainingSessionFactory(cohort=assistant.cohort, hours=16), enrolment=assistant, hours=16
    )
    prep = TrainingSessionFactory(cohort=assistant.cohort, purpose="exam_prep", hours=8)
    services.do_record_attendance(session=prep, enrolment=assistant, hours=8)
    services.do_complete_enrolment(enrolment=assistant)
    enrolment = approved(trainee)
    assert (enrolment.teaching_hours_owed, enrolment.credited_hours) == (48, 16)
    assert targets(enrolment) == {
        "BCM-101": None, "BCM-102": None, "BCM-103": None,
        "BCM-201": Decimal(16), "BCM-221": Decimal(16), "BCM-222": Decimal(16),
    }  # fmt: skip


def test_a_different_total_owed_scales_the_class_hours_in_tenths_that_add_up_to_it():
    enrolment = approved()
    Enrolment.objects.filter(pk=enrolment.pk).update(teaching_hours_owed=32)  # half of 64
    enrolment.refresh_from_db()
    assert list(targets(enrolment).values()) == [Decimal(v) for v in ("2.5", "3", "2.5", "8", "8", "8")]
    # 50 of 64: 3.906.., 4.6875, 3.906.., 12.5, 12.5, 12.5 -> tenths 39, 46, 39, 125, 125, 125 make 49.9 h;
    # the tenth left goes to the largest remainder (BCM-102's .75 of a tenth).
    Enrolment.objects.filter(pk=enrolment.pk).update(teaching_hours_owed=50)
    enrolment.refresh_from_db()
    assert list(targets(enrolment).values()) == [Decimal(v) for v in ("3.9", "4.7", "3.9", "12.5", "12.5", "12.5")]


def test_courses_without_class_hours_share_what_is_owed_equally():
    Course.objects.filter(code__in=STANDARD_RETAIL).update(class_hours=0)
    enrolment = approved()
    # 64 h over six: 10.66.. each; the four tenths left over go to the first four.
    assert list(targets(enrolment).values()) == [Decimal(v) for v in ("10.7", "10.7", "10.7", "10.7", "10.6", "10.6")]


def test_the_dashboard_shows_each_course_out_of_its_class_hours():
    trainee = UserFactory()
    enrolment = approved(trainee)
    course = enrolment.curriculum.entries.get(course__code="BCM-102").course
    session = TrainingSessionFactory(cohort=enrolment.cohort, course=course, hours=8)
    services.do_record_attendance(session=session, enrolment=enrolment, hours=3)
    html = logged_in(trainee).get("/en/dashboard/").content.decode()
    assert ">3 of 6 h<" in html  # BCM-102: 6 class hours, not 64 / 6 = 10.7
    assert html.count(">0 of 5 h<") == 2 and html.count(">0 of 16 h<") == 3
    assert "10.7" not in html
    zh = logged_in(trainee).get("/zh-hant/dashboard/").content.decode()
    assert ">3／6 課時<" in zh
