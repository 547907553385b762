"""The isolation world: two institutions, each with rows of every institution-owned model, and two
employers, each with its HR staff member and employer B with rows of every employer-owned model.

Built from the demo data (accounts.demo, courses.demo …) plus rows the demo does not give
institution B. When you add an institution-owned model, make sure ``build_world`` gives
institution B at least one row of it: the admin sweep fails for a scoped model without one. The same
for an employer-owned model (``EmployerScopedAdmin``): employer B needs a row of it.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

import accounts.demo
import courses.demo
from accounts.models import Employer, Institution, TraineeProfile, User
from courses import services as training
from courses.models import Cohort, Curriculum, PriorLearning, RemoteModule, TrainingSession


@dataclass
class World:
    inst_a: Institution
    inst_b: Institution
    admin_a: User
    admin_b: User
    trainee_a: User
    trainee_b: User
    emp_a: Employer
    emp_b: Employer
    hr_a: User
    hr_b: User


def build_world() -> World:
    accounts.demo.load()
    courses.demo.load()
    inst_a = Institution.objects.get(code="inst-a")
    inst_b = Institution.objects.get(code="inst-b")
    trainee_b = User.objects.get(email="trainee07@demo.test")
    TraineeProfile.objects.filter(user__email__in=[f"trainee{n:02d}@demo.test" for n in (7, 8, 9, 10)]).update(
        registered_by=inst_b
    )
    cohort_b = Cohort.objects.get(code="INST-B-STANDARD-RETAIL")
    enrolment = training.do_enrol(trainee=trainee_b, cohort=cohort_b)
    enrolment = training.do_approve_enrolment(enrolment=enrolment)
    course = cohort_b.curriculum.entries.first().course
    session = TrainingSession.objects.create(
        cohort=cohort_b, course=course, held_on=timezone.localdate(), hours=8, teacher="周老師", location="301 教室"
    )
    training.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    module = RemoteModule.objects.create(cohort=cohort_b, course=course, title_zh="單元", title_en="Unit", hours=4)
    training.do_record_remote_completion(module=module, enrolment=enrolment)
    training.do_log_self_study(
        trainee=trainee_b,
        enrolment=enrolment,
        course=course,
        studied_on=timezone.localdate() - datetime.timedelta(days=1),
        hours=2,
    )
    PriorLearning.objects.create(
        trainee=trainee_b,
        curriculum=Curriculum.objects.get(tier__code="assistant"),
        completed_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    _exam_rows_of(cohort_b, trainee_b, course)
    _certification_rows_of(enrolment, trainee_b)
    _career_rows_of(trainee_b)
    _exchange_rows_of(cohort_b, trainee_b, course)
    return World(
        inst_a=inst_a,
        inst_b=inst_b,
        admin_a=User.objects.get(email="admin@inst-a.demo.test"),
        admin_b=User.objects.get(email="admin@inst-b.demo.test"),
        trainee_a=User.objects.get(email="trainee01@demo.test"),
        trainee_b=trainee_b,
        emp_a=Employer.objects.get(code="bank-a"),
        emp_b=Employer.objects.get(code="bank-b"),
        hr_a=User.objects.get(email="hr@bank-a.demo.test"),
        hr_b=User.objects.get(email="hr@bank-b.demo.test"),
    )


def _exam_rows_of(cohort, trainee, course) -> None:
    """Exams (issue 5): a sitting, a submitted attempt whose essay waits for a grader, its result row."""
    from exams import demo as exam_demo
    from exams.models import ExamPaper, Sitting
    from exams.services import attempts, grading

    exam_demo.load()
    now = timezone.now()
    sitting = Sitting.objects.create(
        paper=ExamPaper.objects.get(course=course),
        cohort=cohort,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        is_online=True,
    )
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
    attempts.do_submit_attempt(attempt_id=attempt.pk)
    grading.do_grade_attempt(attempt_id=attempt.pk)


EXCHANGE_B_TEXT = "乙班討論：存款保險的理賠流程"


def _exchange_rows_of(cohort, trainee, course) -> None:
    """The exchange (issue 22): cohort B's discussion, with a question, a hidden answer, a report and its trail."""
    from exchange.models import ModerationEvent, Post, PostReport, Thread
    from exchange.text import render

    admin_b = User.objects.get(email="admin@inst-b.demo.test")
    thread = Thread.objects.create(cohort=cohort, course=course)
    question = Post.objects.create(
        thread=thread, author=trainee, body=EXCHANGE_B_TEXT, body_html=render(EXCHANGE_B_TEXT)
    )
    answer = Post.objects.create(
        thread=thread, parent=question, author=trainee, body="乙班的回答", body_html=render("乙班的回答"),
        hidden_at=timezone.now(), hidden_by=admin_b, hidden_reason="乙班隱藏原因",
    )  # fmt: skip
    ModerationEvent.objects.create(post=answer, action=ModerationEvent.Action.HIDDEN, by=admin_b, reason="乙班隱藏原因")
    PostReport.objects.create(post=question, reporter=trainee, reason="乙班檢舉原因")


def _certification_rows_of(enrolment, trainee) -> None:
    """Certification (issue 6): a certificate issued by the cohort's institution, with history and CE."""
    from certification import services as certification
    from certification import status_list
    from certification.models import Certificate, CertificateStatusChange

    certificate = Certificate.objects.create(
        number=certification._next_number(enrolment.curriculum, timezone.localdate().year),
        trainee=trainee, curriculum=enrolment.curriculum, tier=enrolment.curriculum.tier,
        track=enrolment.curriculum.track, institution=enrolment.cohort.institution, enrolment=enrolment,
        issued_on=timezone.localdate(), period_starts_on=timezone.localdate(),
        valid_until=timezone.localdate() + datetime.timedelta(days=1000),
        status_list_index=status_list.free_index(),
    )  # fmt: skip
    CertificateStatusChange.objects.create(certificate=certificate, new_status="active", action="issue")
    certification.do_record_continuing_education(
        trainee=trainee, institution=enrolment.cohort.institution, title="研討會",
        completed_on=timezone.localdate(), hours=3,
    )  # fmt: skip
    # A continuing-education course of the institution, the holder enrolled and attended.
    from certification.models import CECourse

    today = timezone.localdate()
    course = CECourse.objects.create(
        institution=enrolment.cohort.institution, title_zh="風險防範（B）", title_en="Risk (B)", hours=6,
        mode="live_remote", starts_on=today, ends_on=today, capacity=10,
    )  # fmt: skip
    certification.do_publish_ce_course(course=course)
    ce_enrolment = certification.do_enrol_ce(holder=trainee, course=course)
    certification.do_record_ce_attendance(enrolment=ce_enrolment, hours=6)


def _career_rows_of(trainee) -> None:
    """The career register (issue 19): employer B's authority table row, its grade for trainee B (backed by the
    certificate above), the grade's history, a compliance change (the certificate suspended, then reinstated),
    and its evaluation scheme with an evaluation of trainee B."""
    from career.models import AuthorityTable
    from career.services import evaluations, register
    from certification import services as certification
    from certification.models import Certificate

    profile = trainee.trainee_profile
    AuthorityTable.objects.create(
        employer=profile.employer, manager_class="personal", level="intermediate", amount=8_800_000
    )
    register.do_set_grade(
        employer=profile.employer, employee=profile, manager_class="personal", level="intermediate",
        reason="appointment", by=None, note="乙銀行內部備註",
    )  # fmt: skip
    certificate = Certificate.objects.get(trainee=trainee)
    certification.do_suspend_certificate(certificate=certificate, by=None, reason="調查")
    register.do_recheck_compliance(trainee_id=trainee.pk)
    certification.do_reinstate_certificate(certificate=certificate, by=None)
    # Its evaluation scheme, a quarter, and trainee B's evaluation with its scores (issue 19, item 4).
    scheme = evaluations.do_save_scheme(employer=profile.employer, name="乙銀行考核辦法", period_kinds=["quarterly"])
    evaluations.do_record_evaluation(
        employer=profile.employer,
        employee_id=profile.pk,
        kind="quarterly",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 31),
        scores={d.code: 77 for d in scheme.dimensions.all()},
        by=None,
    )
