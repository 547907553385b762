"""Hours only for what has happened: attendance from a session's own day on, self-study and remote-module
completions from the cohort's first day to today (local dates, Asia/Taipei), and the refusal of a day's 25th hour of
self-study in the reader's words (the day as the pages write dates, and what is still open on it)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from freezegun import freeze_time

from courses import selectors, services
from courses.models import Attendance, Course, Enrolment, RemoteCompletion, RemoteModule, SelfStudyEntry
from courses.services import TrainingError
from tests.courses.test_services import approved
from tests.factories import CohortFactory, RemoteModuleFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def written(day: datetime.date, language: str) -> str:
    """``day`` as a page in ``language`` writes it (the ``date`` filter)."""
    with translation.override(language):
        return date_format(day)


def refusal(call, language: str = "en") -> TrainingError:
    with translation.override(language), pytest.raises(TrainingError) as refused:
        call()
    return refused.value


# --- attendance -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_attendance_at_a_session_not_held_yet_is_refused_and_counts_no_hours(language):
    enrolment = approved()
    tomorrow = TODAY() + DAY
    session = TrainingSessionFactory(cohort=enrolment.cohort, held_on=tomorrow, hours=Decimal(8))

    error = refusal(lambda: services.do_record_attendance(session=session, enrolment=enrolment, hours=8), language)

    assert error.code == "future_date"
    assert written(tomorrow, language) in str(error)  # the session's day, as that reader's pages write it
    if language == "en":
        assert str(error) == (
            f"This session is on {written(tomorrow, 'en')} and has not been held yet: "
            "attendance is recorded from that day on."
        )
    assert not Attendance.objects.exists()
    assert selectors.progress(enrolment).face_to_face == 0


def test_attendance_is_recorded_from_the_sessions_own_day():
    enrolment = approved()
    session = TrainingSessionFactory(cohort=enrolment.cohort, held_on=TODAY(), hours=Decimal(8))
    services.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    assert selectors.progress(enrolment).face_to_face == Decimal(8)


def test_the_sessions_day_is_the_local_date_in_taipei_not_the_utc_one():
    """At 00:30 on 2 May in Taipei it is still 1 May in UTC: the session of 2 May has been held, that of 3 May not."""
    with freeze_time("2026-05-01 16:30:00"):  # UTC
        enrolment = approved()
        held = TrainingSessionFactory(cohort=enrolment.cohort, held_on=datetime.date(2026, 5, 2))
        services.do_record_attendance(session=held, enrolment=enrolment, hours=8)
        to_come = TrainingSessionFactory(cohort=enrolment.cohort, held_on=datetime.date(2026, 5, 3))
        assert refusal(lambda: services.do_record_attendance(session=to_come, enrolment=enrolment, hours=8)).code == (
            "future_date"
        )


def test_a_whole_sessions_attendance_to_come_is_refused_for_everyone_at_once():
    cohort = CohortFactory()
    enrolments = [approved(cohort=cohort) for _ in range(2)]
    session = TrainingSessionFactory(cohort=cohort, held_on=TODAY() + DAY)
    for record in (
        lambda: services.do_record_session_attendance(
            session=session, hours_by_enrolment=dict.fromkeys(e.pk for e in enrolments)
        ),
        lambda: services.do_mark_whole_session_attended(session=session),
    ):
        assert refusal(record).code == "future_date"
    assert not Attendance.objects.exists()


def test_the_session_admin_refuses_attendance_to_come_by_the_action_and_in_the_form(alice, institution):
    cohort = CohortFactory(institution=institution)
    enrolment = approved(cohort=cohort)
    next_week = TODAY() + 7 * DAY
    session = TrainingSessionFactory(cohort=cohort, held_on=next_week, hours=Decimal(4))
    why = f"This session is on {written(next_week, 'en')} and has not been held yet"

    response = alice.post(
        "/en/admin/courses/trainingsession/",
        {"action": "mark_whole_session_attended", "_selected_action": [session.pk]},
        follow=True,
    )
    assert why in response.content.decode()

    form = {
        "cohort": cohort.pk, "purpose": session.purpose, "mode": session.mode, "course": session.course_id,
        "held_on": next_week.isoformat(), "starts_at": "", "hours": "4", "teacher": session.teacher, "location": "",
        "attendances-TOTAL_FORMS": 1, "attendances-INITIAL_FORMS": 0, "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000, "attendances-0-enrolment": enrolment.pk, "attendances-0-hours": "4",
        "attendances-0-session": session.pk,
    }  # fmt: skip
    response = alice.post(f"/en/admin/courses/trainingsession/{session.pk}/change/", form)
    assert response.status_code == 200
    assert why in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_session_with_attendance_does_not_move_to_a_day_to_come(alice, institution):
    cohort = CohortFactory(institution=institution)
    enrolment = approved(cohort=cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(4))  # the cohort's first day, held
    services.do_record_attendance(session=session, enrolment=enrolment, hours=4)
    next_week = TODAY() + 7 * DAY
    form = {
        "cohort": cohort.pk, "purpose": session.purpose, "mode": session.mode, "course": session.course_id,
        "held_on": next_week.isoformat(), "starts_at": "", "hours": "4", "teacher": session.teacher, "location": "",
        "attendances-TOTAL_FORMS": 0, "attendances-INITIAL_FORMS": 0, "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000,
    }  # fmt: skip

    response = alice.post(f"/en/admin/courses/trainingsession/{session.pk}/change/", form)

    assert response.status_code == 200
    assert (
        f"Attendance of this session is recorded, so it cannot move to {written(next_week, 'en')}, "
        "a day that has not come yet." in response.content.decode()
    )
    session.refresh_from_db()
    assert session.held_on == cohort.starts_on
    # A session without attendance is planned for any day of the cohort; so is this one, to a day held.
    services.check_session(
        cohort=cohort, purpose="teaching", course=session.course, hours=4, held_on=TODAY(), session=session
    )
    planned = TrainingSessionFactory(cohort=cohort, held_on=TODAY())
    services.check_session(
        cohort=cohort, purpose="teaching", course=planned.course, hours=4, held_on=next_week, session=planned
    )


# --- self-study -----------------------------------------------------------------------------


def log(enrolment: Enrolment, day: datetime.date, hours: object = 1) -> SelfStudyEntry:
    return services.do_log_self_study(
        trainee=enrolment.trainee,
        enrolment=enrolment,
        course=Course.objects.get(code="BCM-101"),
        studied_on=day,
        hours=hours,
    )


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_self_study_before_the_cohort_starts_is_refused(language):
    starts = TODAY() - 3 * DAY
    enrolment = approved(cohort=CohortFactory(starts_on=starts))

    error = refusal(lambda: log(enrolment, starts - DAY), language)

    assert error.code == "before_cohort_start"
    assert written(starts, language) in str(error)
    if language == "en":
        with translation.override("en"):
            cohort = str(enrolment.cohort)
        assert (
            str(error)
            == f"Cohort {cohort} starts on {written(starts, 'en')}: self-study before that day cannot be logged for it."
        )
    assert not SelfStudyEntry.objects.exists()


def test_self_study_is_logged_from_the_cohorts_first_day_to_today():
    starts = TODAY() - 3 * DAY
    enrolment = approved(cohort=CohortFactory(starts_on=starts))
    log(enrolment, starts)
    log(enrolment, TODAY())
    assert refusal(lambda: log(enrolment, TODAY() + DAY)).code == "future_date"
    assert SelfStudyEntry.objects.count() == 2


def test_a_cohort_yet_to_start_takes_no_self_study_not_even_for_its_first_day():
    starts = TODAY() + 5 * DAY
    enrolment = approved(cohort=CohortFactory(starts_on=starts, ends_on=starts + 30 * DAY))
    assert refusal(lambda: log(enrolment, TODAY())).code == "before_cohort_start"
    assert refusal(lambda: log(enrolment, starts)).code == "future_date"  # not today yet


def test_self_study_after_the_cohorts_last_day_still_counts_while_in_training():
    """A trainee still owing hours once the classes are over studies on: a past day after the cohort's end is taken."""
    enrolment = approved(cohort=CohortFactory(starts_on=TODAY() - 40 * DAY, ends_on=TODAY() - 10 * DAY))
    log(enrolment, TODAY() - 2 * DAY)
    assert SelfStudyEntry.objects.count() == 1


# --- a day's 24 hours -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_day_over_24_hours_is_refused_with_the_day_as_pages_write_it_and_the_hours_still_open(language):
    enrolment = approved()
    yesterday = TODAY() - DAY
    log(enrolment, yesterday, "13.7")

    error = refusal(lambda: log(enrolment, yesterday, "10.4"), language)

    assert error.code == "day_over_24"
    message = str(error)
    assert written(yesterday, language) in message
    assert yesterday.isoformat() not in message
    assert "13.7" in message and "10.3" in message  # logged, and still open
    if language == "en":
        assert message == (
            f"{written(yesterday, 'en')} already has 13.7 hours of self-study logged; a day has 24, "
            "so at most 10.3 more can be logged for it."
        )
    log(enrolment, yesterday, "10.3")  # exactly what is open


def test_a_full_day_of_self_study_says_no_more_can_be_logged():
    enrolment = approved()
    log(enrolment, TODAY(), 24)
    error = refusal(lambda: log(enrolment, TODAY(), "0.5"))
    assert (error.code, str(error)) == (
        "day_over_24",
        f"{written(TODAY(), 'en')} already has 24 hours of self-study logged: no more can be logged for that day.",
    )


# --- remote-module completions ---------------------------------------------------------------


def complete(enrolment: Enrolment, day: datetime.date) -> RemoteCompletion:
    module = RemoteModule.objects.filter(cohort=enrolment.cohort).first() or RemoteModuleFactory(
        cohort=enrolment.cohort
    )
    return services.do_record_remote_completion(module=module, enrolment=enrolment, completed_on=day)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_completion_before_the_cohort_starts_is_refused_naming_the_days_it_may_have(language):
    starts = TODAY() - 3 * DAY
    enrolment = approved(cohort=CohortFactory(starts_on=starts, offers_remote=True))

    error = refusal(lambda: complete(enrolment, starts - DAY), language)

    assert (error.code, error.field) == ("before_cohort_start", "completed_on")
    for day in (starts, TODAY(), starts - DAY):  # the first day, today, and the day refused
        assert written(day, language) in str(error)
    if language == "en":
        with translation.override("en"):
            cohort = str(enrolment.cohort)
        assert str(error) == (
            f"A completion in cohort {cohort} is dated from the cohort's first day ({written(starts, 'en')}) "
            f"to today ({written(TODAY(), 'en')}); {written(starts - DAY, 'en')} is not."
        )
    assert not RemoteCompletion.objects.exists()
    assert selectors.progress(enrolment).remote == 0


def test_a_completion_is_dated_from_the_cohorts_first_day_to_today():
    starts = TODAY() - 3 * DAY
    cohort = CohortFactory(starts_on=starts, offers_remote=True)
    first, second = approved(cohort=cohort), approved(cohort=cohort)
    complete(first, starts)
    complete(second, TODAY())
    assert refusal(lambda: complete(approved(cohort=cohort), TODAY() + DAY)).code == "future_date"
    assert RemoteCompletion.objects.count() == 2


def test_the_admin_refuses_a_completion_before_the_cohort_starts_on_its_row(alice, institution):
    starts = TODAY() - 3 * DAY
    enrolment = approved(cohort=CohortFactory(institution=institution, starts_on=starts, offers_remote=True))
    module = RemoteModuleFactory(cohort=enrolment.cohort)
    url = f"/en/admin/courses/remotemodule/{module.pk}/change/"
    page = alice.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data.update({
        "completions-TOTAL_FORMS": "1", "completions-INITIAL_FORMS": "0", "completions-MIN_NUM_FORMS": "0",
        "completions-MAX_NUM_FORMS": "1000", "completions-0-enrolment": enrolment.pk,
        "completions-0-completed_on": (starts - DAY).isoformat(),
    })  # fmt: skip
    response = alice.post(url, data)
    assert response.status_code == 200
    assert "is dated from the cohort&#x27;s first day" in response.content.decode()
    assert not RemoteCompletion.objects.exists()
