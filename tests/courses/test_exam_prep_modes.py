"""Exam preparation (考前輔導) in any mode the cohort offers, and teaching and exam preparation owed each.

The assistant plan owes 16 class hours of teaching and 8 of exam preparation (DOMAIN.md). An online
cohort has no classroom, so its exam preparation is a live remote session or a recorded module.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone, translation

from courses import selectors, services
from courses.models import Cohort, Enrolment, RemoteModule, TrainingSession
from courses.services import TrainingError
from tests.conftest import logged_in
from tests.factories import CohortFactory, RemoteModuleFactory, TrainingSessionFactory, UserFactory, curriculum_of
from tests.page_text import text_of

pytestmark = pytest.mark.django_db


def online_assistant_cohort(**kwargs) -> Cohort:
    return CohortFactory(is_online=True, offers_remote=True, curriculum=curriculum_of("assistant"), **kwargs)


def approved(cohort: Cohort) -> Enrolment:
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    return services.do_approve_enrolment(enrolment=enrolment)


def attend(enrolment: Enrolment, **session) -> TrainingSession:
    s = TrainingSessionFactory(cohort=enrolment.cohort, **session)
    services.do_record_attendance(session=s, enrolment=enrolment, hours=s.hours)
    return s


def complete(enrolment: Enrolment, **module) -> RemoteModule:
    m = RemoteModuleFactory(cohort=enrolment.cohort, **module)
    services.do_record_remote_completion(module=m, enrolment=enrolment)
    return m


def teach_24_hours_live(enrolment: Enrolment) -> None:
    """Three days of live remote teaching: 8 hours more than the 16 owed."""
    for _ in range(3):
        attend(enrolment, mode="live_remote", hours=8)


# --- each, not the sum -----------------------------------------------------------------------


def test_extra_teaching_hours_do_not_make_up_for_missing_exam_preparation():
    enrolment = approved(online_assistant_cohort())
    teach_24_hours_live(enrolment)
    progress = selectors.progress(enrolment)
    assert (progress.teaching_done, progress.exam_prep, progress.owed) == (24, 0, 24)
    assert progress.total_done >= progress.owed  # the old sum rule would have called this complete
    assert not progress.complete and not selectors.training_complete(enrolment)
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_complete_enrolment(enrolment=enrolment)
    assert refused.value.code == "hours_missing"
    with translation.override("en"):
        assert "exam preparation 0 of 8 hours" in str(refused.value)
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.APPROVED


def test_exam_preparation_hours_never_count_toward_teaching():
    enrolment = approved(online_assistant_cohort())
    attend(enrolment, mode="live_remote", hours=8)  # teaching: 8 of 16
    attend(enrolment, mode="live_remote", purpose="exam_prep", hours=8)
    complete(enrolment, purpose="exam_prep", hours=8)  # 16 h of exam preparation, 8 owed
    progress = selectors.progress(enrolment)
    assert (progress.teaching_done, progress.exam_prep) == (8, 16)
    assert not progress.complete
    assert progress.percent == 66  # 8 of 16 teaching + 8 of 8 exam preparation count: 16 of 24


def test_exam_preparation_by_a_live_remote_session_completes_an_online_trainee():
    enrolment = approved(online_assistant_cohort())
    teach_24_hours_live(enrolment)
    attend(enrolment, mode="live_remote", purpose="exam_prep", hours=8)
    progress = selectors.progress(enrolment)
    assert (progress.exam_prep_remote, progress.exam_prep_face_to_face, progress.exam_prep) == (8, 0, 8)
    assert progress.remote == 24 and progress.face_to_face == 0  # live remote teaching is remote learning
    assert progress.complete and progress.percent == 100
    assert services.do_complete_enrolment(enrolment=enrolment).state == Enrolment.State.COMPLETED


def test_exam_preparation_by_a_recorded_module_completes_an_online_trainee():
    enrolment = approved(online_assistant_cohort())
    complete(enrolment, hours=16)  # a recorded teaching module of a course
    complete(enrolment, purpose="exam_prep", hours=8)
    progress = selectors.progress(enrolment)
    assert (progress.remote, progress.exam_prep_remote) == (16, 8)
    assert progress.complete
    assert services.do_complete_enrolment(enrolment=enrolment).state == Enrolment.State.COMPLETED


def test_face_to_face_exam_preparation_still_counts_for_a_classroom_cohort():
    enrolment = approved(CohortFactory(curriculum=curriculum_of("assistant")))
    attend(enrolment, hours=16)
    attend(enrolment, purpose="exam_prep", hours=8)
    progress = selectors.progress(enrolment)
    assert (progress.face_to_face, progress.exam_prep_face_to_face) == (16, 8)
    assert progress.complete


def test_the_mode_bars_stop_at_each_parts_share_of_the_hours_owed():
    enrolment = approved(online_assistant_cohort())
    teach_24_hours_live(enrolment)  # 24 of 16 teaching
    attend(enrolment, mode="live_remote", purpose="exam_prep", hours=4)  # 4 of 8 exam preparation
    rows = {mode: (hours, percent) for mode, _label, hours, percent in selectors.progress(enrolment).modes}
    assert rows["remote"] == (24, 66)  # the 16 that count, of 24 owed
    assert rows["exam_prep"] == (4, 16)
    assert rows["face_to_face"] == (0, 0) and rows["self_study"] == (0, 0)
    assert sum(percent for _hours, percent in rows.values()) <= 100
    by_mode = {mode: hours for mode, _label, hours in selectors.progress(enrolment).exam_prep_modes}
    assert by_mode == {"face_to_face": 0, "remote": 4}


def test_the_dashboard_shows_teaching_and_exam_preparation_each():
    enrolment = approved(online_assistant_cohort())
    teach_24_hours_live(enrolment)
    complete(enrolment, purpose="exam_prep", hours=4)
    html = logged_in(enrolment.trainee).get("/en/dashboard/").content.decode()
    text = text_of(html)  # the figures are kept with their units on a phone
    assert "Teaching 24 of 16 h and exam preparation 4 of 8 h: each must be done." in text
    assert "remote learning 4 h" in text  # the exam preparation, by mode


# --- which modes a cohort's sessions and modules may use ---------------------------------------


def test_an_online_cohort_holds_live_remote_sessions_not_face_to_face_ones():
    cohort = online_assistant_cohort()
    course = cohort.curriculum.entries.first().course
    with translation.override("en"), pytest.raises(TrainingError, match="has no face-to-face teaching"):
        services.check_session(cohort=cohort, purpose="teaching", course=course, hours=8, mode="face_to_face")
    services.check_session(cohort=cohort, purpose="teaching", course=course, hours=8, mode="live_remote")
    services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=8, mode="live_remote")


def test_a_live_remote_session_needs_a_cohort_with_remote_learning():
    cohort = CohortFactory(offers_remote=False)
    with translation.override("en"), pytest.raises(TrainingError, match="has no remote learning"):
        services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=8, mode="live_remote")


def test_exam_preparation_names_no_course_and_teaching_names_one():
    cohort = online_assistant_cohort()
    course = cohort.curriculum.entries.first().course
    with translation.override("en"):
        with pytest.raises(TrainingError, match="leave the course empty"):
            services.check_session(cohort=cohort, purpose="exam_prep", course=course, hours=8, mode="live_remote")
        with pytest.raises(TrainingError, match="leave the course empty"):
            services.check_module(cohort=cohort, purpose="exam_prep", course=course, hours=8)
        with pytest.raises(TrainingError, match="needs a course"):
            services.check_module(cohort=cohort, purpose="teaching", course=None, hours=8)
    services.check_module(cohort=cohort, purpose="exam_prep", course=None, hours=8)


# --- the database holds the rules when a caller forgets ----------------------------------------


def refused_by_the_database(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_the_database_refuses_modules_and_sessions_whose_course_does_not_match_their_purpose():
    cohort = online_assistant_cohort()
    course = cohort.curriculum.entries.first().course
    refused_by_the_database(lambda: RemoteModuleFactory(cohort=cohort, purpose="exam_prep", course=course))
    refused_by_the_database(lambda: RemoteModuleFactory(cohort=cohort, purpose="teaching", course=None))
    refused_by_the_database(lambda: TrainingSessionFactory(cohort=cohort, purpose="exam_prep", course=course))
    refused_by_the_database(lambda: TrainingSessionFactory(cohort=cohort, purpose="teaching", course=None))
    assert not RemoteModule.objects.exists() and not TrainingSession.objects.exists()


def test_the_database_refuses_a_location_for_a_live_remote_session():
    cohort = online_assistant_cohort()
    refused_by_the_database(lambda: TrainingSessionFactory(cohort=cohort, mode="live_remote", location="301 教室"))
    refused_by_the_database(lambda: TrainingSessionFactory(cohort=cohort, mode="live_remote", location_en="Room 301"))
    refused_by_the_database(lambda: TrainingSessionFactory(cohort=cohort, mode="by_carrier_pigeon"))
    assert TrainingSessionFactory(cohort=cohort, mode="live_remote", location="").pk


def test_the_database_refuses_an_online_cohort_with_a_classroom_or_a_city():
    refused_by_the_database(lambda: CohortFactory(is_online=True, offers_face_to_face=True))
    refused_by_the_database(lambda: CohortFactory(is_online=True, city="TPE"))
    refused_by_the_database(lambda: CohortFactory(city="臺北市"))  # a city is one of the 22 codes
    assert not Cohort.objects.exists()


# --- the institution admin -------------------------------------------------------------------


def test_the_admin_schedules_live_remote_exam_preparation_and_a_recorded_exam_prep_module(
    institution_admin, institution
):
    alice = logged_in(institution_admin)
    cohort = online_assistant_cohort(institution=institution)
    form = alice.get("/en/admin/courses/trainingsession/add/").content.decode()
    assert 'name="mode"' in form and 'name="teacher_en"' in form and 'name="location_en"' in form
    session = {
        "cohort": cohort.pk,
        "purpose": "exam_prep",
        "held_on": "2027-01-05",
        "hours": "8",
        "teacher": "林淑華",
        "teacher_en": "Lin Shu-hua",
    }
    refused = alice.post("/en/admin/courses/trainingsession/add/", session | {"mode": "face_to_face"})
    assert refused.status_code == 200 and "has no face-to-face teaching" in refused.content.decode()
    assert alice.post("/en/admin/courses/trainingsession/add/", session | {"mode": "live_remote"}).status_code == 302
    assert cohort.sessions.get().mode == "live_remote"

    assert 'name="purpose"' in alice.get("/en/admin/courses/remotemodule/add/").content.decode()
    module = {
        "cohort": cohort.pk,
        "purpose": "exam_prep",
        "title_zh": "考前輔導錄播",
        "title_en": "Exam preparation (recorded)",
        "hours": "8",
        "url": "",
    }
    course = cohort.curriculum.entries.first().course
    refused = alice.post("/en/admin/courses/remotemodule/add/", module | {"course": course.pk})
    assert refused.status_code == 200 and "leave the course empty" in refused.content.decode()
    assert alice.post("/en/admin/courses/remotemodule/add/", module).status_code == 302
    assert RemoteModule.objects.get(cohort=cohort).purpose == "exam_prep"


def test_the_migration_maps_stored_city_names_to_codes():
    import importlib

    migration = importlib.import_module("courses.migrations.0005_exam_prep_any_mode_cities_english_names")
    assert migration.city_code("臺北市") == "TPE"
    assert migration.city_code("台中市") == "TXG"  # 台 as well as 臺
    assert migration.city_code("高雄") == "KHH"
    assert migration.city_code("Taipei") == "TPE"
    assert migration.city_code("Hsinchu County") == "HSQ" and migration.city_code("Hsinchu") == "HSZ"
    assert migration.city_code("月球") == ""


def test_an_online_demo_trainee_completes_without_a_classroom():
    import accounts.demo
    import courses.demo

    accounts.demo.load()
    courses.demo.load()
    enrolment = Enrolment.objects.get(trainee__email="trainee08@demo.test", cohort__code="INST-B-ASSISTANT")
    assert enrolment.state == Enrolment.State.COMPLETED and enrolment.cohort.is_online
    progress = selectors.progress(enrolment)
    assert progress.face_to_face == 0 and progress.exam_prep_face_to_face == 0
    assert progress.remote >= 16 and progress.exam_prep_remote >= 8
    assert not enrolment.cohort.sessions.filter(mode="face_to_face").exists()
    assert enrolment.cohort.remote_modules.filter(purpose="exam_prep").exists()
    client = Client()
    client.force_login(enrolment.trainee)
    html = client.get("/en/dashboard/").content.decode()
    assert "completed" in html.lower() and "INST-B-ASSISTANT" in html
    # Loading again changes nothing.
    counts = (TrainingSession.objects.count(), RemoteModule.objects.count(), Enrolment.objects.count())
    courses.demo.load()
    assert (TrainingSession.objects.count(), RemoteModule.objects.count(), Enrolment.objects.count()) == counts


def test_a_past_online_session_has_no_location_on_the_dashboard():
    enrolment = approved(online_assistant_cohort())
    TrainingSessionFactory(
        cohort=enrolment.cohort,
        mode="live_remote",
        purpose="exam_prep",
        held_on=timezone.localdate() + datetime.timedelta(days=2),
        hours=Decimal(4),
    )
    html = logged_in(enrolment.trainee).get("/en/dashboard/").content.decode()
    assert "Live remote" in html
