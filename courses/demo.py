"""Demo training for `make run`, built on accounts.demo's institutions and trainees (idempotent).

* inst-a (Taipei) and inst-b (online) each have an open cohort for every tier and track.
* trainee01–04 are approved in inst-a's standard-retail cohort with attendance recorded,
  trainee05 is pending there.
* trainee06 completed the assistant training (a finished inst-a cohort) and is approved in
  inst-a's standard-corporate cohort, so the credited hours show: 48 h / 6 days + 8 h / 1 day.
* Every course has its unified syllabus and textbook (``demo_syllabi``), BCM-101 in two versions.
* trainee08 completed inst-b's online assistant cohort with nothing face-to-face: teaching by a live
  remote session and recorded modules, exam preparation by a live remote session and a recorded
  exam-preparation module.

Everything goes through ``courses.services``; dates hang on each cohort's stored start date, so a
second run (even on another day) finds what the first made.

Before trainee06's and trainee08's training is marked complete (which closes its sittings to them), ``sit_exams``
has them sit its exams: the exams app's demo (``exams.demo.pass_the_exams``), which ``manage.py load_demo`` hands
in, as this app cannot import it. Without it the training completes with no exam sat, and earns no certificate.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, StaffMembership, User

from . import demo_syllabi, services
from .models import (
    City,
    Cohort,
    Course,
    Curriculum,
    Enrolment,
    Purpose,
    RemoteModule,
    SyllabusVersion,
    TrainingSession,
)

PLACES = {"inst-a": (City.TAIPEI, False), "inst-b": ("", True)}
# Teachers by their Chinese name, with the English one English pages show (陳志明 has none: the
# pages fall back to the Chinese name).
TEACHERS_EN = {
    "黃美玲": "Huang Mei-ling",
    "李建宏": "Lee Chien-hung",
    "王大同": "Wang Ta-tung",
    "林淑華": "Lin Shu-hua",
}
CLASSROOM = ("臺北金融研訓中心 301 教室", "Taipei Banking Training Centre, Room 301")


def _trainee(number: int) -> User | None:
    return User.objects.filter(email=f"trainee{number:02d}@demo.test").first()


def _cohort_code(institution: Institution, curriculum: Curriculum) -> str:
    track = f"-{curriculum.track.code.upper()}" if curriculum.track_id else ""
    return f"{institution.code.upper()}-{curriculum.tier.code.upper()}{track}"


def _open_cohort(institution: Institution, curriculum: Curriculum, *, today: datetime.date) -> Cohort:
    city, online = PLACES[institution.code]
    now = timezone.now()
    cohort, _created = Cohort.objects.get_or_create(
        code=_cohort_code(institution, curriculum),
        defaults={
            "institution": institution,
            "curriculum": curriculum,
            "city": city,
            "is_online": online,
            "offers_face_to_face": not online,
            "offers_remote": True,
            "offers_self_study": True,
            "capacity": 30,
            # Started a few days ago and still taking late enrolments, so the dashboards show
            # both recorded attendance and upcoming sessions.
            "starts_on": today - datetime.timedelta(days=3),
            "ends_on": today + datetime.timedelta(days=60),
            "enrolment_opens_at": now - datetime.timedelta(days=30),
            "enrolment_closes_at": now + datetime.timedelta(days=45),
        },
    )
    if cohort.status == Cohort.Status.DRAFT:
        services.do_open_cohort(cohort=cohort)
    return cohort


def _enrolment(trainee: User, cohort: Cohort, *, approve: bool) -> Enrolment:
    enrolment = Enrolment.objects.filter(trainee=trainee, cohort=cohort).first()
    if enrolment is None:
        enrolment = services.do_enrol(trainee=trainee, cohort=cohort)
    if approve and enrolment.state == Enrolment.State.PENDING:
        enrolment = services.do_approve_enrolment(enrolment=enrolment)
    return enrolment


def _session(cohort: Cohort, day: int, code: str | None, hours: int, teacher: str) -> TrainingSession:
    """A class on day ``day`` of the cohort: in the classroom, or live remote for an online cohort."""
    course = cohort.curriculum.entries.get(course__code=code).course if code else None
    purpose = Purpose.TEACHING if code else Purpose.EXAM_PREP
    mode = TrainingSession.Mode.LIVE_REMOTE if cohort.is_online else TrainingSession.Mode.FACE_TO_FACE
    services.check_session(cohort=cohort, purpose=purpose, course=course, hours=hours, mode=mode)
    location, location_en = ("", "") if cohort.is_online else CLASSROOM
    # The institution's teacher of that name has an account (accounts.demo): the session names them.
    person = StaffMembership.objects.filter(
        institution_id=cohort.institution_id, role=StaffMembership.Role.TEACHER, user__display_name=teacher
    ).first()
    services.check_session_teacher(cohort=cohort, teacher_person=person)
    session, _ = TrainingSession.objects.get_or_create(
        cohort=cohort,
        held_on=cohort.starts_on + datetime.timedelta(days=day),
        course=course,
        defaults={
            "purpose": purpose,
            "mode": mode,
            "hours": hours,
            "teacher_person": person,
            "teacher": teacher,
            "teacher_en": TEACHERS_EN.get(teacher, ""),
            "starts_at": datetime.time(9, 0),
            "location": location,
            "location_en": location_en,
        },
    )
    if person is not None and session.teacher_person_id is None:  # made before teachers had accounts
        session.teacher_person = person
        session.save(update_fields=["teacher_person"])
    return session


def _module(cohort: Cohort, code: str | None, title_zh: str, title_en: str, hours: int) -> RemoteModule:
    """A recorded module: teaching of course ``code``, or exam preparation when ``code`` is None."""
    course = cohort.curriculum.entries.get(course__code=code).course if code else None
    purpose = Purpose.TEACHING if code else Purpose.EXAM_PREP
    services.check_module(cohort=cohort, course=course, hours=hours, purpose=purpose)
    module, _ = RemoteModule.objects.get_or_create(
        cohort=cohort,
        purpose=purpose,
        course=course,
        title_zh=title_zh,
        defaults={"title_en": title_en, "hours": Decimal(hours)},
    )
    return module


def _standard_retail_class(cohort: Cohort) -> None:
    first = _session(cohort, 0, "BCM-101", 8, "陳志明")
    second = _session(cohort, 1, "BCM-102", 8, "黃美玲")
    _session(cohort, 7, "BCM-103", 8, "陳志明")
    _session(cohort, 8, "BCM-201", 8, "李建宏")
    module = _module(cohort, "BCM-103", "銀行營銷實務線上單元", "Bank marketing practice online unit", 4)
    attended = {1: (8, 8), 2: (8, 6), 3: (8, 0), 4: (4, 8)}
    for number, (day_one, day_two) in attended.items():
        trainee = _trainee(number)
        if trainee is None:
            continue
        enrolment = _enrolment(trainee, cohort, approve=True)
        services.do_record_attendance(session=first, enrolment=enrolment, hours=day_one)
        services.do_record_attendance(session=second, enrolment=enrolment, hours=day_two)
        if number == 1:
            services.do_record_remote_completion(module=module, enrolment=enrolment, completed_on=first.held_on)
        if number == 2 and not enrolment.self_study.exists():
            entry = services.do_log_self_study(
                trainee=trainee,
                enrolment=enrolment,
                course=first.course,
                studied_on=first.held_on,
                hours=Decimal(2),
                note="第一章 課後複習",
            )
            services.do_confirm_self_study(entry=entry)
    pending = _trainee(5)
    if pending is not None:
        _enrolment(pending, cohort, approve=False)


#: What a trainee does at the sittings of a training before it is marked complete (``load``'s ``sit_exams``).
SitExams = Callable[[Enrolment], None]


def _completed_assistant_training(
    institution: Institution, trainee: User, *, today: datetime.date, sit_exams: SitExams | None
) -> None:
    if Enrolment.objects.filter(trainee=trainee, state=Enrolment.State.COMPLETED).exists():
        return
    assistant = Curriculum.objects.get(tier__code="assistant")
    now = timezone.now()
    cohort, _ = Cohort.objects.get_or_create(
        code=f"{institution.code.upper()}-ASSISTANT-EARLIER",
        defaults={
            "institution": institution,
            "curriculum": assistant,
            "city": PLACES[institution.code][0] or City.TAIPEI,
            "capacity": 30,
            "starts_on": today - datetime.timedelta(days=60),
            "ends_on": today - datetime.timedelta(days=57),
            "enrolment_opens_at": now - datetime.timedelta(days=90),
            "enrolment_closes_at": now + datetime.timedelta(days=1),
        },
    )
    if cohort.status == Cohort.Status.DRAFT:
        services.do_open_cohort(cohort=cohort)
    enrolment = _enrolment(trainee, cohort, approve=True)
    for day, code in ((0, "BCM-101"), (1, "BCM-102")):
        services.do_record_attendance(session=_session(cohort, day, code, 8, "王大同"), enrolment=enrolment, hours=8)
    services.do_record_attendance(session=_session(cohort, 2, None, 8, "王大同"), enrolment=enrolment, hours=8)
    cohort.refresh_from_db()
    if cohort.status in (Cohort.Status.OPEN, Cohort.Status.CLOSED):
        services.do_start_cohort(cohort=cohort)
    if sit_exams is not None:
        sit_exams(enrolment)  # at the end of the training, while its sittings are still the trainee's
    services.do_complete_enrolment(enrolment=enrolment)
    services.do_finish_cohort(cohort=cohort)
    # Its enrolment was kept open until now only to take this one; like every cohort's, it closed by its last day
    # (services.cohort_problems), so that the cohort's admin page saves as it is shown.
    last_day = datetime.datetime.combine(cohort.ends_on, datetime.time(17), tzinfo=timezone.get_current_timezone())
    Cohort.objects.filter(pk=cohort.pk).update(enrolment_closes_at=last_day)


def _online_assistant_completed(cohort: Cohort, trainee: User, *, sit_exams: SitExams | None) -> None:
    """trainee08 completes the online assistant cohort (16 h teaching + 8 h exam preparation), all remote, and
    sits its exams (``sit_exams``) before it is marked complete."""
    teaching = _session(cohort, 0, "BCM-101", 8, "林淑華")
    prep_live = _session(cohort, 2, None, 4, "王大同")
    modules = [
        _module(cohort, "BCM-102", "理論基礎與政策法規線上課程", "Foundations, policies and regulations (recorded)", 4),
        _module(cohort, "BCM-103", "營銷實務與策略線上課程", "Marketing practice and strategy (recorded)", 4),
        _module(cohort, None, "考前輔導錄播", "Exam preparation (recorded)", 4),
    ]
    enrolment = _enrolment(trainee, cohort, approve=True)
    if enrolment.state == Enrolment.State.COMPLETED:
        return
    for session in (teaching, prep_live):
        services.do_record_attendance(session=session, enrolment=enrolment, hours=session.hours)
    for module in modules:
        services.do_record_remote_completion(
            module=module, enrolment=enrolment, completed_on=cohort.starts_on + datetime.timedelta(days=1)
        )
    if sit_exams is not None:
        sit_exams(enrolment)
    services.do_complete_enrolment(enrolment=enrolment)


def load_syllabi() -> None:
    """A syllabus and textbook for every course (``demo_syllabi``); BCM-101 also has its earlier version.
    A course that already has a version in force from the demo's date is left as it is."""
    courses = {c.code: c for c in Course.objects.filter(code__in=demo_syllabi.SYLLABI)}
    made = set(SyllabusVersion.objects.filter(course__in=courses.values()).values_list("course__code", "in_force_from"))

    def save(code: str, syllabus: demo_syllabi.Syllabus, start: datetime.date, end: datetime.date | None) -> None:
        if code in courses and (code, start) not in made:
            services.do_save_syllabus_version(
                course=courses[code], in_force_from=start, in_force_until=end,
                texts=demo_syllabi.texts_of(syllabus),
                topics=[services.TopicData(*topic) for topic in demo_syllabi.topics_of(syllabus)],
            )  # fmt: skip

    save("BCM-101", demo_syllabi.EARLIER_BCM_101, demo_syllabi.EARLIER_FROM, demo_syllabi.EARLIER_UNTIL)
    for code, syllabus in demo_syllabi.SYLLABI.items():
        save(code, syllabus, demo_syllabi.IN_FORCE_FROM, None)


@transaction.atomic
def load(*, sit_exams: SitExams | None = None) -> None:
    """The demo training; ``sit_exams``: what trainee06 and trainee08 do at their training's sittings before it is
    marked complete (see the module's docstring)."""
    today = timezone.localdate()
    load_syllabi()
    institutions = list(Institution.objects.filter(code__in=PLACES))
    curricula = list(Curriculum.objects.select_related("tier", "track"))
    cohorts: dict[str, Cohort] = {}
    for institution in institutions:
        if not institution.is_authorized_on(today):
            continue
        for curriculum in curricula:
            cohort = _open_cohort(institution, curriculum, today=today)
            cohorts[cohort.code] = cohort
    if "INST-A-STANDARD-RETAIL" in cohorts:
        _standard_retail_class(cohorts["INST-A-STANDARD-RETAIL"])
    trainee06 = _trainee(6)
    if trainee06 is not None and "INST-A-STANDARD-CORPORATE" in cohorts:
        inst_a = cohorts["INST-A-STANDARD-CORPORATE"].institution
        _completed_assistant_training(inst_a, trainee06, today=today, sit_exams=sit_exams)
        _enrolment(trainee06, cohorts["INST-A-STANDARD-CORPORATE"], approve=True)
    trainee08 = _trainee(8)
    if trainee08 is not None and "INST-B-ASSISTANT" in cohorts:
        _online_assistant_completed(cohorts["INST-B-ASSISTANT"], trainee08, sit_exams=sit_exams)
