"""A session is never shorter than the hours already credited for it: recording more than its length was refused
("9 hours is more than the session's 8 hours"), but cutting an 8-hour session with 8-hour attendance rows to 4 was
saved, and its trainees kept 8 hours of a 4-hour class. The rule is the service's (``check_session_length``, and
``do_save_session``, the admin's way to save a session), says how many rows credit more and the most any does, in
both languages; the rows are lowered first, then the session. Attendance is checked against the session's length
as stored (its row read again under its lock), and a session with attendance stays in its cohort."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.html import escape

from courses import services
from courses.models import Attendance, Enrolment, TrainingSession
from courses.services import TrainingError
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

from .test_admin_training_records import submitted

pytestmark = pytest.mark.django_db


def approved(cohort, name: str) -> Enrolment:
    return services.do_approve_enrolment(
        enrolment=services.do_enrol(trainee=UserFactory(display_name=name), cohort=cohort)
    )


@pytest.fixture
def session(institution) -> TrainingSession:
    """An 8-hour session of inst-a's cohort; two trainees attended all of it, a third 3 hours."""
    cohort = CohortFactory(institution=institution)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    first, second, third = (approved(cohort, name) for name in ("王小明", "李美玲", "陳大文"))
    services.do_record_session_attendance(
        session=session, hours_by_enrolment={first.pk: None, second.pk: None, third.pk: 3}
    )
    return session


def shortened(session: TrainingSession, hours: str) -> TrainingSession:
    session = TrainingSession.objects.get(pk=session.pk)
    session.hours = Decimal(hours)
    return session


def test_the_service_refuses_a_session_shorter_than_its_attendance(session):
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_save_session(session=shortened(session, "4"))
    assert (refused.value.code, refused.value.field) == ("below_attendance", "hours")
    assert str(refused.value) == (
        "2 trainees' attendance of this session is recorded as more than 4 hours, up to 8: a session cannot be "
        "shorter than the hours already credited for it. Lower that attendance first."
    )
    assert TrainingSession.objects.get(pk=session.pk).hours == 8


def test_one_row_over_is_named_with_its_hours(session):
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_save_session(session=shortened(session, "7.5"))
    assert str(refused.value).startswith(
        "2 trainees' attendance of this session is recorded as more than 7.5 hours, up to 8:"
    )
    first = Attendance.objects.filter(session=session, hours=8).order_by("pk").first()
    services.do_record_attendance(session=session, enrolment=first.enrolment, hours=7)
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_save_session(session=shortened(session, "7.5"))
    assert str(refused.value).startswith(
        "1 trainee's attendance of this session is recorded as 8 hours, more than 7.5:"
    )


def test_the_session_is_shortened_once_its_rows_are_lowered(session):
    for attendance in Attendance.objects.filter(session=session, hours__gt=4):
        services.do_record_attendance(session=session, enrolment=attendance.enrolment, hours=4)
    services.do_save_session(session=shortened(session, "4"))
    assert TrainingSession.objects.get(pk=session.pk).hours == 4
    services.do_save_session(session=shortened(session, "10"))  # longer is always fine
    assert TrainingSession.objects.get(pk=session.pk).hours == 10


def test_attendance_is_checked_against_the_length_stored_not_a_stale_copy(session):
    stale = TrainingSession.objects.get(pk=session.pk)  # read while the session is 8 hours long
    for attendance in Attendance.objects.filter(session=session):
        services.do_record_attendance(session=session, enrolment=attendance.enrolment, hours=2)
    services.do_save_session(session=shortened(session, "2"))
    enrolment = Attendance.objects.filter(session=session).first().enrolment
    with pytest.raises(TrainingError) as refused:
        services.do_record_attendance(session=stale, enrolment=enrolment, hours=8)
    assert refused.value.code == "hours_beyond_session"
    with pytest.raises(TrainingError):
        services.do_record_session_attendance(session=stale, hours_by_enrolment={enrolment.pk: 8})
    assert set(Attendance.objects.filter(session=session).values_list("hours", flat=True)) == {2}


def test_a_session_with_attendance_stays_in_its_cohort(session, institution):
    other = CohortFactory(institution=institution)
    moved = TrainingSession.objects.get(pk=session.pk)
    moved.cohort = other
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_save_session(session=moved)
    assert (refused.value.code, refused.value.field) == ("has_attendance", "cohort")
    assert TrainingSession.objects.get(pk=session.pk).cohort_id == session.cohort_id
    empty = TrainingSessionFactory(cohort=session.cohort)
    empty.cohort = other
    services.do_save_session(session=empty)  # nobody's hours hang on it
    assert TrainingSession.objects.get(pk=empty.pk).cohort_id == other.pk


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_admin_form_refuses_to_shorten_below_the_credited_hours(alice, session, language):
    url = f"/{language}/admin/courses/trainingsession/{session.pk}/change/"
    data = submitted(alice.get(url))
    data["hours"] = "4"
    response = alice.post(url, data)
    assert response.status_code == 200
    with translation.override(language), pytest.raises(TrainingError) as refusal:
        services.check_session_length(session=session, hours=4)
    assert escape(str(refusal.value)) in response.content.decode()
    assert TrainingSession.objects.get(pk=session.pk).hours == 8
    assert sorted(Attendance.objects.filter(session=session).values_list("hours", flat=True)) == [3, 8, 8]


def test_the_admin_saves_the_session_once_its_rows_are_lowered(alice, session):
    url = f"/en/admin/courses/trainingsession/{session.pk}/change/"
    data = submitted(alice.get(url))
    for key, value in list(data.items()):
        if key.startswith("attendances-") and key.endswith("-hours") and Decimal(value) > 4:
            data[key] = "4"
    assert alice.post(url, data).status_code == 302  # the rows first
    data = submitted(alice.get(url))
    data["hours"] = "4"
    assert alice.post(url, data).status_code == 302  # then the session
    assert TrainingSession.objects.get(pk=session.pk).hours == 4
    assert sorted(Attendance.objects.filter(session=session).values_list("hours", flat=True)) == [3, 4, 4]
