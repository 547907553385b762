"""Trainee pages: finding cohorts, enrolling with a reason when refused, the dashboard."""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import partial

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from accounts.models import AuditEvent
from courses import services
from courses.models import (
    Attendance,
    Course,
    Enrolment,
    PriorLearning,
    RemoteCompletion,
    SelfStudyEntry,
    TrainingSession,
)
from courses.services import TrainingError
from courses.signals import training_progress_changed
from tests.conftest import logged_in, make_program_office, make_staff
from tests.factories import (
    CohortFactory,
    InstitutionFactory,
    RemoteModuleFactory,
    StaffMembershipFactory,
    TrainingSessionFactory,
    UserFactory,
    curriculum_of,
)
from tests.page_text import text_of
from tests.row_locks import recorded_row_locks

pytestmark = pytest.mark.django_db


def approved(trainee, cohort) -> Enrolment:
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))


def named(cohort, language: str = "en") -> str:
    """The cohort as messages name it on a page in ``language``: human name, then the code."""
    with translation.override(language):
        return escape(str(cohort))


def test_open_cohorts_are_filtered_by_tier_track_city_and_mode(client):
    CohortFactory(code="TPE-RETAIL", city="TPE")
    CohortFactory(code="KHH-CORP", city="KHH", curriculum=curriculum_of("standard", "corporate"))
    CohortFactory(code="WEB-ASSIST", city="", is_online=True, offers_remote=True, curriculum=curriculum_of("assistant"))
    CohortFactory(code="DRAFT-1", status="draft")
    CohortFactory(
        code="LATE-1",
        enrolment_closes_at=timezone.now() - datetime.timedelta(hours=1),
        enrolment_opens_at=timezone.now() - datetime.timedelta(days=5),
    )

    def codes(query: str) -> set[str]:
        html = client.get(f"/en/cohorts/{query}").content.decode()
        return {c for c in ("TPE-RETAIL", "KHH-CORP", "WEB-ASSIST", "DRAFT-1", "LATE-1") if c in html}

    assert codes("") == {"TPE-RETAIL", "KHH-CORP", "WEB-ASSIST"}
    assert codes("?tier=standard") == {"TPE-RETAIL", "KHH-CORP"}
    assert codes("?track=corporate") == {"KHH-CORP"}
    assert codes("?city=KHH") == {"KHH-CORP"}
    assert codes("?city=online") == {"WEB-ASSIST"}
    assert codes("?mode=remote") == {"WEB-ASSIST"}


@pytest.mark.parametrize(("language", "heading"), [("en", "Open cohorts"), ("zh-hant", "開放報名的梯次")])
def test_the_cohort_finder_speaks_both_languages(client, language, heading):
    CohortFactory(code="TPE-1")
    html = client.get(f"/{language}/cohorts/").content.decode()
    assert heading in html and "TPE-1" in html


def test_a_trainee_enrols_from_the_cohort_page_and_sees_the_pending_enrolment():
    cohort = CohortFactory(code="TPE-1")
    trainee = UserFactory()
    client = logged_in(trainee)
    page = client.get("/en/cohorts/TPE-1/").content.decode()
    assert 'href="/en/cohorts/TPE-1/enrol/"' in page  # the confirmation page (tests/courses/test_enrol_confirmation.py)
    assert 'action="/en/cohorts/TPE-1/enrol/"' in client.get("/en/cohorts/TPE-1/enrol/").content.decode()
    response = client.post("/en/cohorts/TPE-1/enrol/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/en/dashboard/"
    assert f"Your application for {named(cohort)} is sent" in html and "Pending approval" in html
    assert Enrolment.objects.get(trainee=trainee, cohort=cohort).state == "pending"


def test_a_full_cohort_tells_the_trainee_why_and_enrols_nobody():
    cohort = CohortFactory(code="TPE-1", capacity=1)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    client = logged_in(UserFactory())
    assert "is full" in client.get("/en/cohorts/TPE-1/").content.decode()
    response = client.post("/en/cohorts/TPE-1/enrol/", follow=True)
    assert f"Cohort {named(cohort)} is full." in response.content.decode()
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


@pytest.mark.parametrize(
    ("cohort_kwargs", "institution_kwargs", "reason"),
    [
        ({"status": "closed"}, {}, "is not open for enrolment"),
        (
            {
                "enrolment_opens_at": timezone.now() - datetime.timedelta(days=9),
                "enrolment_closes_at": timezone.now() - datetime.timedelta(days=1),
            },
            {},
            "closed on",
        ),
        ({}, {"status": "suspended"}, "is not authorized"),
    ],
)
def test_the_reason_is_shown_when_enrolment_is_impossible(cohort_kwargs, institution_kwargs, reason):
    CohortFactory(code="TPE-1", institution=InstitutionFactory(**institution_kwargs), **cohort_kwargs)
    client = logged_in(UserFactory())
    assert reason in client.get("/en/cohorts/TPE-1/").content.decode()
    assert reason in client.post("/en/cohorts/TPE-1/enrol/", follow=True).content.decode()


def test_already_enrolled_is_explained():
    trainee = UserFactory()
    services.do_enrol(trainee=trainee, cohort=CohortFactory())
    CohortFactory(code="TPE-2")
    client = logged_in(trainee)
    assert "You already have an active enrolment" in client.get("/en/cohorts/TPE-2/").content.decode()


def test_a_draft_cohort_is_not_found(client):
    CohortFactory(code="SECRET", status="draft")
    assert client.get("/en/cohorts/SECRET/").status_code == 404


def test_enrolling_needs_a_log_in(client, settings):
    settings.LOGIN_URL = "/en/admin/login/"  # the accounts pages may mount elsewhere; the redirect is what matters
    CohortFactory(code="TPE-1")
    response = client.post("/en/cohorts/TPE-1/enrol/", HTTP_REFERER="http://testserver/en/cohorts/TPE-1/")
    # After log-in, back to the page with the button.
    assert response.status_code == 302 and "next=/en/cohorts/TPE-1/" in response["Location"]
    assert not Enrolment.objects.exists()
    # A GET is the confirmation page (tests/courses/test_enrol_confirmation.py); it enrols nobody.
    assert logged_in(UserFactory()).get("/en/cohorts/TPE-1/enrol/").status_code == 200
    assert not Enrolment.objects.exists()


def test_the_dashboard_needs_a_log_in(client, settings):
    settings.LOGIN_URL = "/en/admin/login/"
    response = client.get("/en/dashboard/")
    assert response.status_code == 302 and "next=/en/dashboard/" in response["Location"]


def trainee_with_credit_in_training():
    """The worked figure: assistant training completed, then approved for standard retail."""
    trainee = UserFactory(display_name="林雅婷")
    assistant = CohortFactory(curriculum=curriculum_of("assistant"))
    done = approved(trainee, assistant)
    services.do_record_attendance(session=TrainingSessionFactory(cohort=assistant, hours=16), enrolment=done, hours=16)
    prep = TrainingSessionFactory(cohort=assistant, purpose="exam_prep", hours=8)
    services.do_record_attendance(session=prep, enrolment=done, hours=8)
    services.do_complete_enrolment(enrolment=done)
    # Under way: it began a week ago (sessions and attendance fall within a cohort's dates).
    cohort = CohortFactory(
        code="STD-R-1", offers_remote=True, starts_on=timezone.localdate() - datetime.timedelta(days=7)
    )
    enrolment = approved(trainee, cohort)
    return trainee, enrolment


def test_the_dashboard_shows_the_credited_hours_owed_and_progress_by_mode_and_course():
    trainee, enrolment = trainee_with_credit_in_training()
    cohort = enrolment.cohort
    past = TrainingSessionFactory(
        cohort=cohort,
        hours=8,
        held_on=timezone.localdate() - datetime.timedelta(days=1),
        course=cohort.curriculum.entries.get(course__code="BCM-201").course,
    )
    services.do_record_attendance(session=past, enrolment=enrolment, hours=6)
    module = RemoteModuleFactory(cohort=cohort, hours=4, course=past.course)
    services.do_record_remote_completion(module=module, enrolment=enrolment)
    TrainingSessionFactory(cohort=cohort, held_on=timezone.localdate() + datetime.timedelta(days=3), teacher="張老師")

    html = logged_in(trainee).get("/en/dashboard/").content.decode()
    text = text_of(html)  # the figures are kept with their units on a phone (tests/courses/test_phone_line_breaks.py)
    assert "Hours owed: teaching 6 days / 48 h + exam preparation 1 day / 8 h" in text
    assert "16 h credited for earlier training" in text
    assert "10 of 56 hours done" in text
    assert "張老師" in html  # the upcoming session
    assert ">6 of 16 h<" not in html and ">10 of 16 h<" in html  # BCM-201: 6 face-to-face + 4 remote of its 16
    assert "credited" in html
    zh = logged_in(trainee).get("/zh-hant/dashboard/").content.decode()
    # Training hours are class hours (課時) throughout, never "h" or clock hours (小時).
    zh_text = text_of(zh)
    assert "應修時數: 授課 6 天 / 48 課時 + 考前輔導 1 天 / 8 課時" in zh_text
    assert "先前培訓抵免 16 課時" in zh_text and 'lang="zh-Hant"' in zh
    assert "應修 56 課時，已完成 10 課時" in zh_text
    assert ">10／16 課時<" in zh and " h<" not in zh and " h " not in zh and "小時" not in zh


def test_a_refusal_is_explained_in_the_trainees_language():
    cohort = CohortFactory(code="TPE-1", capacity=1)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    response = logged_in(UserFactory()).post("/zh-hant/cohorts/TPE-1/enrol/", follow=True)
    assert f"梯次 {named(cohort, 'zh-hant')} 已額滿。" in response.content.decode()


def test_a_trainee_logs_self_study_from_the_dashboard():
    trainee, enrolment = trainee_with_credit_in_training()
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    client = logged_in(trainee)
    data = {
        "enrolment": enrolment.pk,
        "course": course.pk,
        "studied_on": timezone.localdate().isoformat(),
        "hours": "2.5",
        "note": "案例研讀",
    }
    response = client.post("/en/dashboard/self-study/", data, follow=True)
    assert "counts once your institution confirms it" in response.content.decode()
    entry = SelfStudyEntry.objects.get()
    assert (entry.enrolment, entry.hours, entry.status) == (enrolment, Decimal("2.5"), "logged")
    assert "2.5 h of self-study awaiting confirmation" in text_of(response.content.decode())


@pytest.mark.parametrize(
    ("hours", "message"), [("30", "less than or equal to 24"), ("0", "greater than or equal to 0.1")]
)
def test_self_study_with_bad_hours_is_refused_with_the_reason(hours, message):
    trainee, enrolment = trainee_with_credit_in_training()
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    response = logged_in(trainee).post(
        "/en/dashboard/self-study/",
        {
            "enrolment": enrolment.pk,
            "course": course.pk,
            "studied_on": timezone.localdate().isoformat(),
            "hours": hours,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SelfStudyEntry.objects.exists()


def test_self_study_over_24_hours_a_day_is_refused_by_the_rule():
    trainee, enrolment = trainee_with_credit_in_training()
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    data = {
        "enrolment": enrolment.pk,
        "course": course.pk,
        "studied_on": timezone.localdate().isoformat(),
        "hours": "20",
    }
    client = logged_in(trainee)
    client.post("/en/dashboard/self-study/", data)
    response = client.post("/en/dashboard/self-study/", data)
    assert response.status_code == 400 and "a day has 24" in response.content.decode()
    assert SelfStudyEntry.objects.count() == 1


def test_a_trainee_cannot_log_self_study_on_someone_elses_enrolment():
    _other, enrolment = trainee_with_credit_in_training()
    intruder = UserFactory()
    approved(intruder, CohortFactory())
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    response = logged_in(intruder).post(
        "/en/dashboard/self-study/",
        {"enrolment": enrolment.pk, "course": course.pk, "studied_on": timezone.localdate().isoformat(), "hours": "1"},
    )
    assert response.status_code == 400
    assert not SelfStudyEntry.objects.exists()


def test_a_trainee_sees_only_their_own_enrolments_and_cannot_withdraw_anyone_elses():
    _alice, alice_enrolment = trainee_with_credit_in_training()
    bob = UserFactory(display_name="Bob")
    approved(bob, CohortFactory(code="BOB-COHORT"))
    client = logged_in(bob)
    html = client.get("/en/dashboard/").content.decode()
    assert "BOB-COHORT" in html and "STD-R-1" not in html
    assert client.post(f"/en/enrolments/{alice_enrolment.pk}/withdraw/").status_code == 404
    alice_enrolment.refresh_from_db()
    assert alice_enrolment.state == "approved"


def test_a_trainee_withdraws_and_may_enrol_again():
    trainee = UserFactory()
    cohort = CohortFactory(code="TPE-1", capacity=1)
    enrolment = approved(trainee, cohort)
    client = logged_in(trainee)
    response = client.post(f"/en/enrolments/{enrolment.pk}/withdraw/", follow=True)
    assert f"You withdrew from {named(cohort)}" in response.content.decode()
    response = client.post("/en/cohorts/TPE-1/enrol/", follow=True)
    assert f"Your application for {named(cohort)} is sent" in response.content.decode()


def make_trainee_rows(trainee, rows: range) -> None:
    """Enrolments in cohorts of each curriculum with attendance, remote and self-study; then withdrawn ones."""
    curricula = [
        curriculum_of("assistant"),
        curriculum_of("standard", "retail"),
        curriculum_of("standard", "corporate"),
        curriculum_of("senior", "retail"),
        curriculum_of("senior", "corporate"),
    ]
    for i in rows:
        cohort = CohortFactory(
            curriculum=curricula[i % len(curricula)],
            offers_remote=True,
            starts_on=timezone.localdate() - datetime.timedelta(days=7),
        )
        for earlier in Enrolment.objects.filter(trainee=trainee, curriculum=cohort.curriculum, state="approved"):
            services.do_withdraw_enrolment(enrolment=earlier)  # its rows stay on the dashboard
        enrolment = approved(trainee, cohort)
        for day in range(3):  # the day before yesterday, yesterday and today: attendance is of sessions held
            session = TrainingSessionFactory(cohort=cohort, held_on=timezone.localdate() - datetime.timedelta(days=day))
            services.do_record_attendance(session=session, enrolment=enrolment, hours=3)
        services.do_record_remote_completion(module=RemoteModuleFactory(cohort=cohort), enrolment=enrolment)
        services.do_log_self_study(
            trainee=trainee, enrolment=enrolment, course=session.course, studied_on=timezone.localdate(), hours=2
        )


def test_the_dashboard_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    trainee = UserFactory()
    client = logged_in(trainee)
    make_trainee_rows(trainee, range(1))
    with django_assert_max_num_queries(16) as small:
        assert client.get("/en/dashboard/").status_code == 200
    make_trainee_rows(trainee, range(1, 9))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/en/dashboard/").status_code == 200


def test_the_cohort_finder_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(2):
        CohortFactory()
    with django_assert_max_num_queries(8) as small:
        client.get("/en/cohorts/")
    for _ in range(10):
        CohortFactory()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/en/cohorts/")


# --- the training-record rules, at the service ---------------------------------------------------
# What the pages above lead to, asked of courses.services directly: each refusal's code and its words
# (in English), the boundaries (a day's 24 hours, 0, the cohort's first and last day, today), what is
# written (hours, who recorded or decided, the audit trail) and that a refusal writes nothing.

TODAY = timezone.localdate


@contextmanager
def refused(code: str, message: str | re.Pattern) -> Iterator[None]:
    """The block is refused with ``code`` and, read in English, exactly ``message`` (or words matching it)."""
    with translation.override("en"):
        with pytest.raises(TrainingError) as caught:
            yield
        words = str(caught.value)  # a message without arguments is translated only now
    assert caught.value.code == code, words
    if isinstance(message, re.Pattern):
        assert message.fullmatch(words), words
    else:
        assert words == message


def en(thing) -> str:
    """``thing`` as a message names it in English (a cohort: its English name, then its code)."""
    with translation.override("en"):
        return date_format(thing) if isinstance(thing, datetime.date) else str(thing)


def in_training_cohort(**cohort_fields):
    """A cohort under way (it began a week ago and ends in three weeks) and an approved enrolment in it."""
    today = TODAY()
    fields = {"starts_on": today - datetime.timedelta(days=7), "ends_on": today + datetime.timedelta(days=21)}
    cohort = CohortFactory(**(fields | cohort_fields))
    return cohort, approved(UserFactory(), cohort)


@contextmanager
def progress_heard(capture_on_commit) -> Iterator[list[int]]:
    """The enrolments whose progress was announced (after commit) in the block; ``capture_on_commit`` is
    pytest-django's ``django_capture_on_commit_callbacks``."""
    heard: list[int] = []

    def receiver(sender, enrolment, **kwargs):
        heard.append(enrolment.pk)

    training_progress_changed.connect(receiver)
    try:
        with capture_on_commit(execute=True):
            yield heard
    finally:
        training_progress_changed.disconnect(receiver)


# prior learning


def test_prior_learning_is_refused_for_a_day_that_has_not_come_and_taken_up_to_today():
    message = "Prior learning cannot be completed on a day that has not come yet."
    services.check_prior_learning(completed_on=TODAY())
    with refused("future_date", message):
        services.check_prior_learning(completed_on=TODAY() + datetime.timedelta(days=1))
    day = datetime.date(2020, 3, 1)  # the day it is, when the caller says so
    services.check_prior_learning(completed_on=day, today=day)
    with refused("future_date", message):
        services.check_prior_learning(completed_on=datetime.date(2020, 3, 2), today=day)


def test_recorded_prior_learning_says_who_credited_what_and_a_correction_keeps_the_first_recorder(program_office):
    trainee, assistant = UserFactory(), curriculum_of("assistant")
    prior = PriorLearning(trainee=trainee, curriculum=assistant, completed_on=datetime.date(2019, 6, 30))
    services.do_record_prior_learning(prior=prior, by=program_office)
    prior.refresh_from_db()
    assert (prior.recorded_by, prior.completed_on) == (program_office, datetime.date(2019, 6, 30))
    event = AuditEvent.objects.get(action=AuditEvent.Action.PRIOR_LEARNING)
    assert (event.actor, event.object_type, event.object_id) == (program_office, "courses.PriorLearning", str(prior.pk))
    assert event.summary == f"recorded: {assistant} 2019-06-30"
    assert event.detail == {
        "trainee_id": trainee.pk,
        "curriculum_id": assistant.pk,
        "completed_on": "2019-06-30",
        "created": True,
    }

    colleague = make_program_office()
    prior.completed_on = datetime.date(2019, 7, 1)
    services.do_record_prior_learning(prior=prior, by=colleague)
    prior.refresh_from_db()
    assert (prior.recorded_by, prior.completed_on) == (program_office, datetime.date(2019, 7, 1))
    change = AuditEvent.objects.filter(action=AuditEvent.Action.PRIOR_LEARNING).latest("pk")
    assert (change.actor, change.summary) == (colleague, f"changed: {assistant} 2019-07-01")
    assert change.detail["created"] is False and change.detail["completed_on"] == "2019-07-01"


def test_prior_learning_on_a_day_to_come_is_refused_and_nothing_is_written(program_office):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    prior = PriorLearning(trainee=UserFactory(), curriculum=curriculum_of("assistant"), completed_on=tomorrow)
    with refused("future_date", "Prior learning cannot be completed on a day that has not come yet."):
        services.do_record_prior_learning(prior=prior, by=program_office)
    assert not PriorLearning.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PRIOR_LEARNING).exists()


# hours


@pytest.mark.parametrize(("given", "kept"), [("0", "0.0"), ("6.54", "6.5"), (Decimal("7.25"), "7.2"), (8, "8.0")])
def test_attendance_hours_are_kept_to_a_tenth_and_0_means_absent(given, kept):
    cohort, enrolment = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    attendance = services.do_record_attendance(session=session, enrolment=enrolment, hours=given)
    assert Attendance.objects.get(pk=attendance.pk).hours == Decimal(kept)


def test_a_whole_day_of_24_hours_is_the_most_a_session_or_an_attendance_holds():
    cohort, enrolment = in_training_cohort()
    services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=24)
    day = TrainingSessionFactory(cohort=cohort, purpose="exam_prep", course=None, hours=24)
    services.do_record_attendance(session=day, enrolment=enrolment, hours="24")
    assert day.attendances.get().hours == Decimal(24)
    more = "Hours must be more than 0 and at most 24 in a day."
    for hours in ("24.1", "25"):
        with refused("bad_hours", more):
            services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=hours)
        attended = f"Attended hours are between 0 (absent) and the session's 24 hours; {hours} is outside that."
        with refused("bad_hours", attended):
            services.do_record_attendance(session=day, enrolment=enrolment, hours=hours)
    assert day.attendances.get().hours == Decimal(24)


@pytest.mark.parametrize("hours", ["0", "0.04", "-0.1", "-3"])
def test_a_session_of_no_hours_or_fewer_is_refused(hours):
    cohort = CohortFactory()
    with refused("bad_hours", "Hours must be more than 0 and at most 24 in a day."):
        services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=hours)
    services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours="0.1")


@pytest.mark.parametrize("hours", ["-0.1", "-1"])
def test_attendance_below_0_is_refused_and_not_written(hours):
    cohort, enrolment = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    with refused(
        "bad_hours", f"Attended hours are between 0 (absent) and the session's 8 hours; {hours} is outside that."
    ):
        services.do_record_attendance(session=session, enrolment=enrolment, hours=hours)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("hours", ["abc", "", None, "1,5", [8]])
def test_hours_that_are_not_a_number_are_refused_in_words(hours):
    cohort, enrolment = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    with refused("bad_hours", "Hours must be a number."):
        services.do_record_attendance(session=session, enrolment=enrolment, hours=hours)
    with refused("bad_hours", "Hours must be a number."):
        services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=hours)
    assert not Attendance.objects.exists()


# who has hours recorded


@pytest.mark.parametrize(
    ("state", "label"), [("pending", "pending approval"), ("completed", "completed"), ("withdrawn", "withdrawn")]
)
def test_only_trainees_in_training_have_hours_recorded(state, label):
    cohort, enrolment = in_training_cohort(offers_remote=True)
    Enrolment.objects.filter(pk=enrolment.pk).update(state=state)
    enrolment.refresh_from_db()
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    message = f"Hours are recorded only for an approved enrolment or one in training; this one is {label}."
    with refused("bad_state", message):
        services.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    with refused("bad_state", message):
        services.do_record_remote_completion(module=RemoteModuleFactory(cohort=cohort), enrolment=enrolment)
    assert not Attendance.objects.exists() and not RemoteCompletion.objects.exists()


def test_a_trainee_in_training_has_hours_recorded():
    cohort, enrolment = in_training_cohort()
    Enrolment.objects.filter(pk=enrolment.pk).update(state="in_training")
    enrolment.refresh_from_db()
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    assert services.do_record_attendance(session=session, enrolment=enrolment, hours=5).hours == Decimal(5)


# the cohort's dates


def test_a_session_falls_on_the_cohorts_first_or_last_day_or_between_them():
    cohort = CohortFactory(starts_on=datetime.date(2027, 3, 1), ends_on=datetime.date(2027, 4, 30))
    for day in (datetime.date(2027, 3, 1), datetime.date(2027, 4, 1), datetime.date(2027, 4, 30)):
        services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=8, held_on=day)
    for day in (datetime.date(2027, 2, 28), datetime.date(2027, 5, 1)):
        with refused(
            "outside_cohort_dates",
            f"{en(day)} is outside cohort {en(cohort)}, which runs from 1 March 2027 to 30 April 2027.",
        ):
            services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=8, held_on=day)


def test_no_attendance_is_recorded_for_a_session_the_cohorts_new_dates_leave_out():
    cohort, enrolment = in_training_cohort(ends_on=TODAY())  # its last day's session is held: today
    first = TrainingSessionFactory(cohort=cohort, held_on=cohort.starts_on, hours=8)
    last = TrainingSessionFactory(cohort=cohort, held_on=cohort.ends_on, hours=8)
    services.do_record_attendance(session=first, enrolment=enrolment, hours=8)
    services.do_record_attendance(session=last, enrolment=enrolment, hours=8)
    cohort.starts_on += datetime.timedelta(days=1)  # the cohort now begins a day later
    cohort.save()
    first.refresh_from_db()
    message = (
        f"{en(first.held_on)} is outside cohort {en(cohort)}, "
        f"which runs from {en(cohort.starts_on)} to {en(cohort.ends_on)}."
    )
    with refused("outside_cohort_dates", message):
        services.do_record_attendance(session=first, enrolment=enrolment, hours=4)
    assert first.attendances.get().hours == Decimal(8)  # as it was


# delivery and purpose


def test_a_live_remote_session_needs_a_cohort_with_remote_learning():
    online = CohortFactory(is_online=True, offers_remote=True)
    services.check_session(cohort=online, purpose="exam_prep", course=None, hours=2, mode="live_remote")
    hybrid = CohortFactory(offers_remote=True)
    services.check_session(cohort=hybrid, purpose="exam_prep", course=None, hours=2, mode="live_remote")
    classroom = CohortFactory(offers_remote=False)
    with refused("mode_not_offered", f"Cohort {en(classroom)} has no remote learning."):
        services.check_session(cohort=classroom, purpose="exam_prep", course=None, hours=2, mode="live_remote")


def test_a_face_to_face_session_needs_a_cohort_that_teaches_in_a_room():
    services.check_session(cohort=CohortFactory(), purpose="exam_prep", course=None, hours=8)
    for cohort in (
        CohortFactory(offers_face_to_face=False, offers_remote=True),
        CohortFactory(is_online=True, offers_remote=True),
    ):
        with refused("mode_not_offered", f"Cohort {en(cohort)} has no face-to-face teaching."):
            services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=8, mode="face_to_face")


def test_teaching_names_a_course_of_the_curriculum_and_exam_preparation_none():
    cohort = CohortFactory()
    ours = Course.objects.get(code="BCM-201")
    services.check_session(cohort=cohort, purpose="teaching", course=ours, hours=8)
    with refused("course_not_in_curriculum", "Exam preparation is not tied to a course: leave the course empty."):
        services.check_session(cohort=cohort, purpose="exam_prep", course=ours, hours=8)
    with refused("course_not_in_curriculum", "Teaching needs a course."):
        services.check_session(cohort=cohort, purpose="teaching", course=None, hours=8)
    senior = Course.objects.get(code="BCM-302")  # of the senior tier
    with refused("course_not_in_curriculum", f"{en(senior)} is not part of {en(cohort.curriculum)}."):
        services.check_session(cohort=cohort, purpose="teaching", course=senior, hours=8)


# the teacher


def test_a_sessions_teacher_is_a_teacher_of_the_cohorts_institution():
    cohort = CohortFactory()
    ours = StaffMembershipFactory(institution=cohort.institution, role="teacher", user__display_name="林老師")
    services.check_session_teacher(cohort=cohort, teacher_person=ours)
    services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=8, teacher_person=ours)
    services.check_session_teacher(cohort=cohort, teacher_person=None)

    admin = StaffMembershipFactory(institution=cohort.institution, role="admin", user__display_name="王主任")
    for check in (services.check_session_teacher, services.check_session):
        extra = {} if check is services.check_session_teacher else {"purpose": "exam_prep", "course": None, "hours": 8}
        with refused("not_a_teacher", "王主任 is not a teacher; only staff with the teacher role teach sessions."):
            check(cohort=cohort, teacher_person=admin, **extra)

    elsewhere = StaffMembershipFactory(role="teacher", user__display_name="陳老師")
    message = f"陳老師 teaches at another institution, not at {en(cohort.institution)}, which runs cohort {en(cohort)}."
    for check in (services.check_session_teacher, services.check_session):
        extra = {} if check is services.check_session_teacher else {"purpose": "exam_prep", "course": None, "hours": 8}
        with refused("foreign_teacher", message):
            check(cohort=cohort, teacher_person=elsewhere, **extra)


# attendance


def test_attendance_keeps_its_hours_and_who_recorded_them_and_announces_the_progress(
    institution_admin, django_capture_on_commit_callbacks
):
    cohort, enrolment = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    with progress_heard(django_capture_on_commit_callbacks) as heard:
        services.do_record_attendance(session=session, enrolment=enrolment, hours="7.5", by=institution_admin)
    assert heard == [enrolment.pk]
    stored = Attendance.objects.get()
    assert (stored.session, stored.enrolment, stored.hours, stored.recorded_by) == (
        session,
        enrolment,
        Decimal("7.5"),
        institution_admin,
    )
    teacher = make_staff(cohort.institution, "teacher")
    services.do_record_attendance(session=session, enrolment=enrolment, hours=0, by=teacher)  # absent after all
    stored = Attendance.objects.get()
    assert (stored.hours, stored.recorded_by) == (Decimal(0), teacher)


def test_attendance_up_to_the_sessions_length_is_taken_and_beyond_it_refused_in_words():
    cohort, enrolment = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal("4.5"))
    services.do_record_attendance(session=session, enrolment=enrolment, hours="4.5")
    with refused(
        "hours_beyond_session",
        "Attended hours are between 0 (absent) and the session's 4.5 hours; 4.6 is outside that.",
    ):
        services.do_record_attendance(session=session, enrolment=enrolment, hours="4.6")
    assert session.attendances.get().hours == Decimal("4.5")
    whole = TrainingSessionFactory(cohort=cohort, hours=Decimal(4))
    # Whole hours read back as 4.0 from PostgreSQL's numeric column: the message still says 4
    with refused(
        "hours_beyond_session", "Attended hours are between 0 (absent) and the session's 4 hours; 5 is outside that."
    ):
        services.do_record_attendance(session=TrainingSession.objects.get(pk=whole.pk), enrolment=enrolment, hours=5)


def test_attendance_of_someone_outside_the_cohort_is_refused_in_words():
    cohort, _ = in_training_cohort()
    _other_cohort, outsider = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort)
    with refused("not_in_cohort", f"{outsider.trainee} is not in cohort {en(cohort)}."):
        services.do_record_attendance(session=session, enrolment=outsider, hours=1)
    assert not Attendance.objects.exists()


def test_a_sessions_attendance_takes_each_trainees_hours_or_the_whole_session(
    institution_admin, django_capture_on_commit_callbacks
):
    cohort, whole = in_training_cohort()
    part = approved(UserFactory(), cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    with progress_heard(django_capture_on_commit_callbacks) as heard:
        records = services.do_record_session_attendance(
            session=session, hours_by_enrolment={whole.pk: None, part.pk: "3"}, by=institution_admin
        )
    assert sorted(heard) == sorted([whole.pk, part.pk])
    assert {r.enrolment_id: r.hours for r in records} == {whole.pk: Decimal(8), part.pk: Decimal(3)}
    assert sorted(session.attendances.values_list("enrolment_id", "hours", "recorded_by")) == sorted(
        [(whole.pk, Decimal(8), institution_admin.pk), (part.pk, Decimal(3), institution_admin.pk)]
    )


def test_a_sessions_attendance_naming_unknown_enrolments_is_refused_and_writes_nothing():
    cohort, enrolment = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    with refused("not_in_cohort", "No such enrolment: 999998, 999999."):
        services.do_record_session_attendance(
            session=session, hours_by_enrolment={999999: 1, enrolment.pk: None, 999998: 2}
        )
    assert not Attendance.objects.exists()


def test_marking_a_whole_session_attended_notes_who_marked_it(institution_admin):
    cohort, enrolment = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort, hours=6)
    services.do_mark_whole_session_attended(session=session, by=institution_admin)
    assert list(session.attendances.values_list("enrolment_id", "hours", "recorded_by")) == [
        (enrolment.pk, Decimal(6), institution_admin.pk)
    ]


# deleting a session


def test_a_session_nobody_attended_is_deleted():
    cohort, _ = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort)
    services.check_delete_session(session=session)
    services.do_delete_session(session=session)
    assert not TrainingSession.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize(
    ("trainees", "words"), [(1, "1 attendance record;"), (2, "2 attendance records;")], ids=["one", "two"]
)
def test_a_session_with_attendance_stays_and_says_how_many_records_hold_it(trainees, words):
    cohort, enrolment = in_training_cohort()
    others = [approved(UserFactory(), cohort) for _ in range(trainees - 1)]
    session = TrainingSessionFactory(cohort=cohort, hours=8, course=Course.objects.get(code="BCM-201"))
    services.do_record_session_attendance(
        session=session, hours_by_enrolment={e.pk: 0 for e in [enrolment, *others]}
    )  # absent still counts: it is on record
    message = f"Session {cohort.code} · {session.held_on} · BCM-201 has {words} it cannot be deleted."
    with refused("has_attendance", message):
        services.check_delete_session(session=session)
    with refused("has_attendance", message):
        services.do_delete_session(session=session)
    assert session.attendances.count() == trainees
    assert TrainingSession.objects.filter(pk=session.pk).exists()


def test_deleting_a_session_locks_that_session_only():
    session = TrainingSessionFactory()
    with recorded_row_locks() as locks:
        services.do_delete_session(session=session)
    assert locks == [["courses_trainingsession"]]


# remote learning


@pytest.mark.parametrize("hours", ["NaN", "-nan", "Infinity"])
def test_hours_that_are_not_a_finite_number_are_refused_in_words(hours):
    """Not a server error: a session's, a module's or a self-study's hours and an attendance read hours alike."""
    cohort, enrolment = in_training_cohort()
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    with refused("bad_hours", "Hours must be a number."):
        services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=hours)
    with refused("bad_hours", "Hours must be a number."):
        services.do_record_attendance(session=session, enrolment=enrolment, hours=hours)
    assert not Attendance.objects.exists()


def test_a_recorded_module_needs_remote_learning_and_fits_the_curriculum():
    remote = CohortFactory(offers_remote=True)
    ours = Course.objects.get(code="BCM-201")
    services.check_module(cohort=remote, course=ours, hours=4)
    services.check_module(cohort=remote, course=None, hours=4, purpose="exam_prep")
    classroom = CohortFactory(offers_remote=False)
    with refused("mode_not_offered", f"Cohort {en(classroom)} has no remote learning."):
        services.check_module(cohort=classroom, course=ours, hours=4)
    with refused("bad_hours", "Hours must be more than 0 and at most 24 in a day."):
        services.check_module(cohort=remote, course=ours, hours=0)
    with refused("course_not_in_curriculum", "Teaching needs a course."):
        services.check_module(cohort=remote, course=None, hours=4)
    with refused("course_not_in_curriculum", "Exam preparation is not tied to a course: leave the course empty."):
        services.check_module(cohort=remote, course=ours, hours=4, purpose="exam_prep")
    senior = Course.objects.get(code="BCM-302")
    with refused("course_not_in_curriculum", f"{en(senior)} is not part of {en(remote.curriculum)}."):
        services.check_module(cohort=remote, course=senior, hours=4)


def test_a_remote_completion_is_announced_once_and_keeps_its_day_and_recorder(
    institution_admin, django_capture_on_commit_callbacks
):
    cohort, enrolment = in_training_cohort(offers_remote=True)
    module = RemoteModuleFactory(cohort=cohort)
    yesterday = TODAY() - datetime.timedelta(days=1)
    with progress_heard(django_capture_on_commit_callbacks) as heard:
        services.do_record_remote_completion(
            module=module, enrolment=enrolment, completed_on=yesterday, by=institution_admin
        )
        services.do_record_remote_completion(module=module, enrolment=enrolment)  # again: nothing changes
    assert heard == [enrolment.pk]
    completion = RemoteCompletion.objects.get()
    assert (completion.completed_on, completion.recorded_by) == (yesterday, institution_admin)


def test_a_remote_completion_is_refused_in_words_for_an_outsider_or_a_day_to_come():
    cohort, enrolment = in_training_cohort(offers_remote=True)
    module = RemoteModuleFactory(cohort=cohort)
    _elsewhere, outsider = in_training_cohort(offers_remote=True)
    with refused("not_in_cohort", f"{outsider.trainee} is not in cohort {en(cohort)}."):
        services.do_record_remote_completion(module=module, enrolment=outsider)
    tomorrow = TODAY() + datetime.timedelta(days=1)
    dated = (
        f"A completion in cohort {en(cohort)} is dated from the cohort's first day ({en(cohort.starts_on)}) "
        f"to today ({en(TODAY())}); {en(tomorrow)} is not."
    )
    with refused("future_date", dated):
        services.do_record_remote_completion(module=module, enrolment=enrolment, completed_on=tomorrow)
    assert not RemoteCompletion.objects.exists()
    services.do_record_remote_completion(module=module, enrolment=enrolment, completed_on=TODAY())
    assert RemoteCompletion.objects.get().completed_on == TODAY()


# self-study


def log_self_study(enrolment, hours, *, day=None, course="BCM-101", **kwargs):
    return services.do_log_self_study(
        trainee=kwargs.pop("trainee", enrolment.trainee),
        enrolment=enrolment,
        course=Course.objects.get(code=course),
        studied_on=day or TODAY(),
        hours=hours,
        **kwargs,
    )


def test_logged_self_study_keeps_its_day_course_hours_and_note():
    _cohort, enrolment = in_training_cohort()
    yesterday = TODAY() - datetime.timedelta(days=1)
    entry = log_self_study(enrolment, "2.5", day=yesterday, note="第三章")
    stored = SelfStudyEntry.objects.get(pk=entry.pk)
    assert (stored.enrolment, stored.course.code, stored.studied_on, stored.hours, stored.note, stored.status) == (
        enrolment,
        "BCM-101",
        yesterday,
        Decimal("2.5"),
        "第三章",
        "logged",
    )
    assert SelfStudyEntry.objects.get(pk=log_self_study(enrolment, 1).pk).note == ""  # no note given: none kept


def test_a_long_self_study_note_is_cut_to_its_300_characters():
    _cohort, enrolment = in_training_cohort()
    entry = log_self_study(enrolment, 1, note="讀" * 299 + "完了嗎")
    assert SelfStudyEntry.objects.get(pk=entry.pk).note == "讀" * 299 + "完"


def test_a_day_of_self_study_holds_24_hours_exactly():
    _cohort, enrolment = in_training_cohort()
    log_self_study(enrolment, 24)  # a whole day, alone
    yesterday = TODAY() - datetime.timedelta(days=1)
    log_self_study(enrolment, "13.7", day=yesterday)
    # SQLite's sum of the day reads 13.7000000000000: the message says 13.7 on both databases
    with refused(
        "day_over_24",
        f"{en(yesterday)} already has 13.7 hours of self-study logged; a day has 24, "
        "so at most 10.3 more can be logged for it.",
    ):
        log_self_study(enrolment, "10.4", day=yesterday)
    log_self_study(enrolment, "10.3", day=yesterday)  # up to 24 with the first
    assert SelfStudyEntry.objects.filter(studied_on=yesterday).count() == 2


def test_self_study_refusals_say_why_and_write_nothing():
    _cohort, enrolment = in_training_cohort()
    with refused("not_yours", "This enrolment is not yours."):
        log_self_study(enrolment, 1, trainee=UserFactory())
    with refused("future_date", "Self-study cannot be logged for a day that has not come yet."):
        log_self_study(enrolment, 1, day=TODAY() + datetime.timedelta(days=1))
    senior = Course.objects.get(code="BCM-302")
    with refused("course_not_in_curriculum", f"{en(senior)} is not part of {en(enrolment.curriculum)}."):
        log_self_study(enrolment, 1, course="BCM-302")
    _none, elsewhere = in_training_cohort(offers_self_study=False)
    with refused("mode_not_offered", f"Cohort {en(elsewhere.cohort)} has no self-study."):
        log_self_study(elsewhere, 1)
    assert not SelfStudyEntry.objects.exists()


def test_logging_self_study_locks_the_enrolment_only():
    _cohort, enrolment = in_training_cohort()
    with recorded_row_locks() as locks:
        log_self_study(enrolment, 1)
    assert locks == [["courses_enrolment"]]


@pytest.mark.parametrize(("decide", "status"), [("do_confirm_self_study", "confirmed"),
                                                ("do_reject_self_study", "rejected")])  # fmt: skip
def test_a_decision_on_self_study_keeps_who_decided_and_when_and_is_taken_once(decide, status, institution_admin):
    _cohort, enrolment = in_training_cohort()
    entry = log_self_study(enrolment, 2)
    before = timezone.now()
    reason = {"reason": "重複登記"} if status == "rejected" else {}
    getattr(services, decide)(entry=entry, by=institution_admin, **reason)
    stored = SelfStudyEntry.objects.get(pk=entry.pk)
    assert (stored.status, stored.decided_by) == (status, institution_admin)
    assert before <= stored.decided_at <= timezone.now()
    for again in (services.do_confirm_self_study, partial(services.do_reject_self_study, reason="重複登記")):
        with refused("bad_state", "This self-study entry was already decided."):
            again(entry=entry, by=make_staff(enrolment.cohort.institution))
    stored = SelfStudyEntry.objects.get(pk=entry.pk)
    assert (stored.status, stored.decided_by) == (status, institution_admin)


def test_confirmed_self_study_announces_the_progress_and_rejected_does_not(django_capture_on_commit_callbacks):
    _cohort, enrolment = in_training_cohort()
    kept, dropped = log_self_study(enrolment, 2), log_self_study(enrolment, 3)
    with progress_heard(django_capture_on_commit_callbacks) as heard:
        services.do_reject_self_study(entry=dropped, reason="重複登記")
        services.do_confirm_self_study(entry=kept)
    assert heard == [enrolment.pk]


def test_deciding_on_self_study_locks_the_entry_only():
    _cohort, enrolment = in_training_cohort()
    entry = log_self_study(enrolment, 2)
    with recorded_row_locks() as locks:
        services.do_confirm_self_study(entry=entry)
    assert locks == [["courses_selfstudyentry"]]
