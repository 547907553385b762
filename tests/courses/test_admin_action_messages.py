"""What the courses admin actions say they did, with the true count, in the reader's language: "record full
attendance" counts the trainees it recorded and those who already had attendance (a finished cohort's
session adds nothing, and says so), and every other action names what it did instead of "N rows changed"."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from courses import services
from courses.models import Attendance, Enrolment
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

from .test_action_form_pages import through_the_form_page

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]


def approved(cohort) -> Enrolment:
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=UserFactory(), cohort=cohort))


def act(client: Client, language: str, model: str, action: str, rows, **extra) -> str:
    """Run ``action`` on ``rows`` from the change list (through its page where it asks first); the page it lands
    on."""
    changelist = f"/{language}/admin/courses/{model}/"
    if extra:
        response = through_the_form_page(client, changelist, action, rows, **extra)
    else:
        response = client.post(
            changelist, {"action": action, "_selected_action": [row.pk for row in rows]}, follow=True
        )
    assert response.status_code == 200
    return response.content.decode()


def said(language: str, singular: str, plural: str, count: int, **values) -> str:
    """The message in ``language`` (as a page escapes it)."""
    with translation.override(language):
        text = ngettext(singular, plural, count) % {"count": count, **values}
    return text.replace("'", "&#x27;")


def sessions(language: str, count: int) -> str:
    with translation.override(language):
        return ngettext("%(count)d session", "%(count)d sessions", count) % {"count": count}


def full_attendance_said(language: str, *, recorded: int, session_count: int, kept: int) -> str:
    """What "record full attendance" says, in ``language`` (as a page escapes it)."""
    done = said(
        language,
        "Recorded full attendance for %(count)d trainee in %(sessions)s.",
        "Recorded full attendance for %(count)d trainees in %(sessions)s.",
        recorded,
        sessions=sessions(language, session_count),
    ).replace("&#x27;", "'")
    return said(
        language,
        "%(recorded)s %(count)d trainee already had attendance recorded, left unchanged.",
        "%(recorded)s %(count)d trainees already had attendance recorded, left unchanged.",
        kept,
        recorded=done,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_full_attendance_of_a_finished_cohorts_session_says_it_added_nothing(alice: Client, institution, language):
    cohort = CohortFactory(institution=institution)
    enrolments = [approved(cohort) for _ in range(3)]
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    services.do_record_session_attendance(session=session, hours_by_enrolment=dict.fromkeys(e.pk for e in enrolments))
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments[:2]]).update(state=Enrolment.State.COMPLETED)
    services.do_withdraw_enrolment(enrolment=enrolments[2])

    html = act(alice, language, "trainingsession", "mark_whole_session_attended", [session])

    assert full_attendance_said(language, recorded=0, session_count=1, kept=3) in html
    with translation.override(language):
        assert gettext("%(count)d row changed.") % {"count": 1} not in html
    assert Attendance.objects.filter(session=session).count() == 3


def test_full_attendance_counts_the_trainees_it_recorded_and_those_who_had_it(alice: Client, institution):
    cohort = CohortFactory(institution=institution)
    present, partial, _absent_yet, done = (approved(cohort) for _ in range(4))
    first = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    second = TrainingSessionFactory(cohort=cohort, hours=Decimal(4))
    services.do_record_attendance(session=first, enrolment=present, hours=8)
    services.do_record_attendance(session=first, enrolment=partial, hours=2)  # part of it: kept as it is
    services.do_record_attendance(session=first, enrolment=done, hours=8)
    Enrolment.objects.filter(pk=done.pk).update(state=Enrolment.State.COMPLETED)

    html = act(alice, "en", "trainingsession", "mark_whole_session_attended", [first, second])

    # first: _absent_yet recorded, present, partial and done had theirs; second: the three in training.
    assert "Recorded full attendance for 4 trainees in 2 sessions. 3 trainees already had attendance recorded, " in html
    assert dict(Attendance.objects.filter(session=first).values_list("enrolment_id", "hours")) == {
        present.pk: Decimal(8),
        partial.pk: Decimal(2),
        _absent_yet.pk: Decimal(8),
        done.pk: Decimal(8),
    }
    assert Attendance.objects.filter(session=second).count() == 3

    html = act(alice, "en", "trainingsession", "mark_whole_session_attended", [second])
    assert (
        "Recorded full attendance for 0 trainees in 1 session. 3 trainees already had attendance recorded, "
        "left unchanged." in html
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_full_attendance_keeps_an_absence_and_part_of_the_session_and_says_so(alice: Client, institution, language):
    """The outside tester's session: trainee01 recorded absent (0 h) on purpose, trainee04 4 of 8 hours; the action
    once made all four 8 hours and said the two "already had" attendance."""
    cohort = CohortFactory(institution=institution)
    absent, unrecorded, other, partial = (approved(cohort) for _ in range(4))
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    services.do_record_attendance(session=session, enrolment=absent, hours=0)
    services.do_record_attendance(session=session, enrolment=partial, hours="4.0")

    html = act(alice, language, "trainingsession", "mark_whole_session_attended", [session])

    assert dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "hours")) == {
        absent.pk: Decimal(0),
        partial.pk: Decimal(4),
        unrecorded.pk: Decimal(8),
        other.pk: Decimal(8),
    }
    assert full_attendance_said(language, recorded=2, session_count=1, kept=2) in html

    html = act(alice, language, "trainingsession", "mark_whole_session_attended", [session])  # again: nothing more
    assert full_attendance_said(language, recorded=0, session_count=1, kept=4) in html
    assert Attendance.objects.filter(session=session, hours=Decimal(8)).count() == 2


def test_full_attendance_of_sessions_nobody_had_says_so_without_the_already_part(alice: Client, institution):
    cohort = CohortFactory(institution=institution)
    approved(cohort)
    session = TrainingSessionFactory(cohort=cohort)
    html = act(alice, "en", "trainingsession", "mark_whole_session_attended", [session])
    assert "Recorded full attendance for 1 trainee in 1 session." in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cohort_actions_say_what_they_did(alice: Client, institution, language):
    draft = CohortFactory(institution=institution, status="draft")
    html = act(alice, language, "cohort", "open_cohorts", [draft])
    assert (
        said(language, "Opened %(count)d cohort for enrolment.", "Opened %(count)d cohorts for enrolment.", 1) in html
    )
    html = act(alice, language, "cohort", "close_cohorts", [draft])
    assert said(language, "Closed enrolment of %(count)d cohort.", "Closed enrolment of %(count)d cohorts.", 1) in html
    html = act(alice, language, "cohort", "start_cohorts", [draft])
    assert (
        said(
            language,
            "Started %(count)d cohort; its approved trainees are in training.",
            "Started %(count)d cohorts; their approved trainees are in training.",
            1,
        )
        in html
    )
    html = act(alice, language, "cohort", "finish_cohorts", [draft])
    assert said(language, "Finished %(count)d cohort.", "Finished %(count)d cohorts.", 1) in html
    with translation.override(language):
        assert gettext("%(count)d row changed.") % {"count": 1} not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enrolment_actions_say_what_they_did(alice: Client, institution, language):
    cohort = CohortFactory(institution=institution)
    pending = [services.do_enrol(trainee=UserFactory(), cohort=cohort) for _ in range(3)]

    html = act(alice, language, "enrolment", "approve", pending[:2])
    assert said(language, "Approved %(count)d enrolment.", "Approved %(count)d enrolments.", 2) in html
    html = act(alice, language, "enrolment", "reject", pending[2:], reason="Seats are for member banks.")
    assert said(language, "Rejected %(count)d enrolment.", "Rejected %(count)d enrolments.", 1) in html
    html = act(alice, language, "enrolment", "start_training", pending[:2])
    assert (
        said(language, "Started training for %(count)d enrolment.", "Started training for %(count)d enrolments.", 2)
        in html
    )
    html = act(alice, language, "enrolment", "withdraw", pending[:1], reason="Left the bank.")
    assert said(language, "Withdrew %(count)d enrolment.", "Withdrew %(count)d enrolments.", 1) in html


def test_completing_a_training_says_so(alice: Client, institution):
    cohort = CohortFactory(institution=institution)
    enrolment = approved(cohort)
    teaching = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    Enrolment.objects.filter(pk=enrolment.pk).update(teaching_hours_owed=8, exam_prep_hours_owed=0)
    services.do_record_attendance(session=teaching, enrolment=enrolment, hours=8)
    html = act(alice, "en", "enrolment", "complete", [enrolment])
    assert "Marked 1 training complete." in html
    enrolment.refresh_from_db()
    assert enrolment.state == "completed"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_self_study_actions_say_what_they_did(alice: Client, institution, language):
    enrolment = approved(CohortFactory(institution=institution, offers_self_study=True))
    course = enrolment.curriculum.entries.first().course
    entries = [
        services.do_log_self_study(
            trainee=enrolment.trainee, enrolment=enrolment, course=course, studied_on=timezone.localdate(), hours=h
        )
        for h in (1, 2, 3)
    ]
    html = act(alice, language, "selfstudyentry", "confirm", entries[:2])
    assert said(language, "Confirmed %(count)d self-study entry.", "Confirmed %(count)d self-study entries.", 2) in html
    html = act(alice, language, "selfstudyentry", "reject", entries[2:], reason="第二章未讀完")
    assert said(language, "Rejected %(count)d self-study entry.", "Rejected %(count)d self-study entries.", 1) in html
