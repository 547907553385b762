"""Admin data checks: sessions and attendance within the cohort's dates, prior learning in the
past (and audited), a session with attendance is not deleted."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.models import AuditEvent
from courses import services
from courses.models import Attendance, Enrolment, PriorLearning, TrainingSession
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db


def approved(cohort) -> Enrolment:
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=UserFactory(), cohort=cohort))


def session_data(cohort, held_on: str, **extra) -> dict:
    return {"cohort": cohort.pk, "purpose": "exam_prep", "mode": "face_to_face", "held_on": held_on, "hours": "8",
            "teacher": "Ms Lin", "location": "301 教室", **extra}  # fmt: skip


# --- sessions and attendance within the cohort's dates --------------------------------------


def test_a_session_outside_the_cohorts_dates_is_refused_on_the_form(alice, institution):
    cohort = CohortFactory(
        institution=institution, starts_on=datetime.date(2027, 3, 1), ends_on=datetime.date(2027, 3, 31)
    )
    for day, shown in (("2027-02-28", "28 February 2027"), ("2027-04-01", "1 April 2027")):
        response = alice.post("/en/admin/courses/trainingsession/add/", session_data(cohort, day))
        assert response.status_code == 200
        with translation.override("en"):
            expected = f"{shown} is outside cohort {cohort}, which runs from 1 March 2027 to 31 March 2027."
        assert expected in response.content.decode()
    assert not TrainingSession.objects.exists()
    for day in ("2027-03-01", "2027-03-31"):  # the first and last day are the cohort's
        assert alice.post("/en/admin/courses/trainingsession/add/", session_data(cohort, day)).status_code == 302
    assert TrainingSession.objects.count() == 2


def test_attendance_on_a_session_the_cohorts_dates_no_longer_cover_is_refused(alice, institution):
    cohort = CohortFactory(institution=institution)
    enrolment = approved(cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    # The cohort moved later (by the ORM, as a data fix would); the session now lies before it.
    cohort.starts_on += datetime.timedelta(days=1)
    cohort.save(update_fields=["starts_on"])
    with pytest.raises(services.TrainingError) as refused:
        services.do_record_attendance(session=session, enrolment=enrolment, hours=4)
    assert refused.value.code == "outside_cohort_dates"
    response = alice.post(
        f"/en/admin/courses/trainingsession/{session.pk}/change/",
        {
            "cohort": cohort.pk,
            "purpose": session.purpose,
            "course": session.course_id,
            "held_on": session.held_on.isoformat(),
            "hours": "8",
            "teacher": session.teacher,
            "attendances-TOTAL_FORMS": 1,
            "attendances-INITIAL_FORMS": 0,
            "attendances-MIN_NUM_FORMS": 0,
            "attendances-MAX_NUM_FORMS": 1000,
            "attendances-0-enrolment": enrolment.pk,
            "attendances-0-hours": "4",
            "attendances-0-session": session.pk,
        },
    )
    assert response.status_code == 200
    assert "is outside cohort" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_cohorts_dates_cannot_move_away_from_its_sessions(alice, institution):
    cohort = CohortFactory(institution=institution, status="draft")
    TrainingSessionFactory(cohort=cohort, held_on=cohort.starts_on)
    response = alice.get(f"/en/admin/courses/cohort/{cohort.pk}/change/")
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("status", "seats_taken")}
    data.update(
        {
            "curriculum": cohort.curriculum_id,
            "starts_on": (cohort.starts_on + datetime.timedelta(days=1)).isoformat(),
            "ends_on": cohort.ends_on.isoformat(),
            "enrolment_opens_at_0": timezone.localtime(cohort.enrolment_opens_at).date().isoformat(),
            "enrolment_opens_at_1": "09:00",
            "enrolment_closes_at_0": timezone.localtime(cohort.enrolment_closes_at).date().isoformat(),
            "enrolment_closes_at_1": "09:00",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = alice.post(f"/en/admin/courses/cohort/{cohort.pk}/change/", data)
    assert response.status_code == 200
    assert "1 face-to-face session would fall outside these dates" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.sessions.get().held_on == cohort.starts_on


# --- prior learning --------------------------------------------------------------------------


def test_prior_learning_dated_in_the_future_is_refused_and_nothing_is_saved(office):
    trainee = UserFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = office.post(
        "/en/admin/courses/priorlearning/add/",
        {"trainee": trainee.pk, "curriculum": curriculum_of("assistant").pk, "completed_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "Prior learning cannot be completed on a day that has not come yet." in response.content.decode()
    assert not PriorLearning.objects.exists()
    assert not AuditEvent.objects.filter(action="prior_learning").exists()
    with pytest.raises(services.TrainingError):
        services.check_prior_learning(completed_on=tomorrow)


def test_recording_prior_learning_is_audited_with_who_and_what(office, program_office):
    trainee = UserFactory()
    curriculum = curriculum_of("assistant")
    response = office.post(
        "/en/admin/courses/priorlearning/add/",
        {"trainee": trainee.pk, "curriculum": curriculum.pk, "completed_on": "2020-06-30", "evidence": "證書影本"},
    )
    assert response.status_code == 302
    prior = PriorLearning.objects.get()
    assert prior.recorded_by == program_office
    event = AuditEvent.objects.get(action="prior_learning")
    assert (event.actor, event.object_type, event.object_id) == (program_office, "courses.PriorLearning", str(prior.pk))
    assert event.detail == {
        "trainee_id": trainee.pk,
        "curriculum_id": curriculum.pk,
        "completed_on": "2020-06-30",
        "created": True,
    }
    # A correction is audited too, and keeps who first recorded it.
    office.post(
        f"/en/admin/courses/priorlearning/{prior.pk}/change/",
        {"trainee": trainee.pk, "curriculum": curriculum.pk, "completed_on": "2020-07-01", "evidence": "證書影本"},
    )
    assert AuditEvent.objects.filter(action="prior_learning", detail__created=False).count() == 1
    prior.refresh_from_db()
    assert prior.completed_on == datetime.date(2020, 7, 1) and prior.recorded_by == program_office


# --- deleting a session ------------------------------------------------------------------------


def test_a_session_with_attendance_is_not_deleted_and_the_page_says_how_many_records(office, institution):
    """Only the program office may delete sessions; even it does not delete recorded hours."""
    cohort = CohortFactory(institution=institution)
    a, b = approved(cohort), approved(cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    services.do_record_session_attendance(session=session, hours_by_enrolment={a.pk: 8, b.pk: 0})
    url = f"/en/admin/courses/trainingsession/{session.pk}/delete/"
    page = office.get(url)
    assert page.status_code == 200
    assert f"Session {session} has 2 attendance records; it cannot be deleted." in page.content.decode()
    office.post(url, {"post": "yes"})
    assert TrainingSession.objects.filter(pk=session.pk).exists() and Attendance.objects.count() == 2
    # The bulk action refuses it too.
    office.post(
        "/en/admin/courses/trainingsession/",
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
    )
    assert TrainingSession.objects.filter(pk=session.pk).exists()


def test_a_session_without_attendance_is_deleted(office, institution):
    session = TrainingSessionFactory(cohort=CohortFactory(institution=institution))
    response = office.post(f"/en/admin/courses/trainingsession/{session.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TrainingSession.objects.exists()


@translation.override("en")
def test_the_delete_service_refuses_a_session_with_attendance(institution):
    cohort = CohortFactory(institution=institution)
    enrolment = approved(cohort)
    session = TrainingSessionFactory(cohort=cohort)
    services.do_record_attendance(session=session, enrolment=enrolment, hours=0)  # absent still counts
    with pytest.raises(services.TrainingError) as refused:
        services.do_delete_session(session=session)
    assert refused.value.code == "has_attendance"
    assert "1 attendance record;" in str(refused.value)
    assert TrainingSession.objects.filter(pk=session.pk).exists()
