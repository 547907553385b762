"""The cast of the exchange's tests: cohort A-EX at inst-a, its teacher, two admitted trainees, one who
left, a pending one; cohort A-NEXT (same institution, other people) and cohort B-EX at inst-b."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import StaffMembership, User
from courses import services as course_services
from courses.models import Cohort, Course, Enrolment
from exchange import services
from exchange.models import Post
from tests.conftest import make_staff
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory


def approved(cohort: Cohort, trainee: User) -> Enrolment:
    enrolment = course_services.do_enrol(trainee=trainee, cohort=cohort)
    return course_services.do_approve_enrolment(enrolment=enrolment)


def teacher_of(cohort: Cohort, email: str, name: str) -> User:
    user = make_staff(cohort.institution, StaffMembership.Role.TEACHER, email=email, display_name=name, is_staff=True)
    TrainingSessionFactory(cohort=cohort, teacher_person=user.staff_membership, teacher="", hours=Decimal(4))
    return user


@dataclass
class Scene:
    cohort: Cohort
    course: Course
    teacher: User
    asker: User  # trainee, reads Chinese
    peer: User  # trainee, reads English
    former: User  # withdrew after posting
    pending: User  # enrolment not yet approved
    next_cohort: Cohort
    next_trainee: User
    other_cohort: Cohort
    other_trainee: User
    other_teacher: User
    question: Post
    answer: Post
    former_post: Post


@pytest.fixture
def scene(institution, other_institution, institution_admin) -> Scene:
    cohort = CohortFactory(institution=institution, code="A-EX")
    course = cohort.curriculum.entries.order_by("course__code").first().course
    teacher = teacher_of(cohort, "teacher@inst-a.example.test", "陳志明")
    asker = UserFactory(email="asker@example.test", display_name="陳怡君")
    peer = UserFactory(email="peer@example.test", display_name="Peter Lee", preferred_language="en")
    former = UserFactory(email="former@example.test", display_name="林建宏")
    pending = UserFactory(email="pending@example.test", display_name="黃雅婷")
    for person in (asker, peer, former):
        approved(cohort, person)
    course_services.do_enrol(trainee=pending, cohort=cohort)
    next_cohort = CohortFactory(institution=institution, code="A-NEXT", curriculum=cohort.curriculum)
    next_trainee = UserFactory(email="next@example.test", display_name="張家豪")
    approved(next_cohort, next_trainee)
    other_cohort = CohortFactory(institution=other_institution, code="B-EX", curriculum=cohort.curriculum)
    other_trainee = UserFactory(email="btrainee@example.test", display_name="吳佩珊")
    approved(other_cohort, other_trainee)
    other_teacher = teacher_of(other_cohort, "teacher@inst-b.example.test", "林淑華")
    question = services.do_post(by=asker, cohort=cohort, course=course, body="存款保險的保額上限是多少？")
    answer = services.do_post(
        by=teacher, cohort=cohort, course=course, body="每一存款人在同一家要保機構**新臺幣三百萬元**。", parent=question
    )
    former_post = services.do_post(by=former, cohort=cohort, course=course, body="我的問題：KYC 要多久更新一次？")
    enrolment = Enrolment.objects.get(trainee=former, cohort=cohort)
    course_services.do_withdraw_enrolment(enrolment=enrolment, by=former)
    return Scene(
        cohort, course, teacher, asker, peer, former, pending, next_cohort, next_trainee,
        other_cohort, other_trainee, other_teacher, question, answer, former_post,
    )  # fmt: skip
