"""Probe finding: a trainee approved into a cohort that had begun (started 1 December, approved on the 6th) was
mailed "The training starts on 1 December", as if it were ahead. The approval mail, text and HTML, says on the day it
is sent that the training started and is under way and that they join it from its next session (named when one is
planned); a cohort whose last day has passed ran from its first to its last day. One still to come (or starting
today) reads as before."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from courses import services
from courses.models import Cohort
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]
AHEAD = "The training starts on %(starts)s."
UNDER_WAY_NEXT = "The training started on %(starts)s and is under way: join it from its next session, on %(day)s."
UNDER_WAY = (
    "The training started on %(starts)s and is under way: join it from its next session; the portal lists the "
    "sessions once they are planned."
)
RAN = "The training ran from %(starts)s to %(ends)s: ask %(institution)s how to complete the hours you owe."


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def approval_mail(cohort, language: str, django_capture_on_commit_callbacks) -> tuple[str, str]:
    """The approval mail's text and HTML (its tags dropped, spaces joined) sent to a trainee reading ``language``,
    enrolled while the cohort took enrolments and approved today."""
    starts_on, ends_on, status = cohort.starts_on, cohort.ends_on, cohort.status
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=days(-7), ends_on=days(60), status="open")
    enrolment = services.do_enrol(trainee=UserFactory(preferred_language=language), cohort=cohort)
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=starts_on, ends_on=ends_on, status=status)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_approve_enrolment(enrolment=enrolment)
    [message] = mail.outbox
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", message.alternatives[0][0]))
    return re.sub(r"\s+", " ", message.body), html


def said(language: str, msgid: str, **dates: object) -> str:
    with translation.override(language):
        values = {
            key: formats.date_format(value) if isinstance(value, datetime.date) else value
            for key, value in dates.items()
        }
        return gettext(msgid) % values


def cohort_from(starts: int, ends: int, status: str = "open") -> Cohort:
    return CohortFactory(starts_on=days(starts), ends_on=days(ends), status=status)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_trainee_approved_after_the_start_is_told_to_join_the_next_session(
    language, django_capture_on_commit_callbacks
):
    cohort = cohort_from(-5, 30, status="running")
    TrainingSessionFactory(cohort=cohort, held_on=days(-5))  # held: not the next one
    TrainingSessionFactory(cohort=cohort, held_on=days(9))
    TrainingSessionFactory(cohort=cohort, held_on=days(2))

    for text in approval_mail(cohort, language, django_capture_on_commit_callbacks):
        assert said(language, UNDER_WAY_NEXT, starts=cohort.starts_on, day=days(2)) in text
        assert said(language, AHEAD, starts=cohort.starts_on) not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_a_session_planned_it_says_the_portal_lists_them(language, django_capture_on_commit_callbacks):
    cohort = cohort_from(-5, 30, status="running")
    TrainingSessionFactory(cohort=cohort, held_on=days(-1))

    for text in approval_mail(cohort, language, django_capture_on_commit_callbacks):
        assert said(language, UNDER_WAY, starts=cohort.starts_on) in text
        assert said(language, AHEAD, starts=cohort.starts_on) not in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("starts", [0, 14])
def test_a_training_still_to_come_or_starting_today_reads_as_before(
    language, starts, django_capture_on_commit_callbacks
):
    cohort = cohort_from(starts, starts + 30)

    for text in approval_mail(cohort, language, django_capture_on_commit_callbacks):
        assert said(language, AHEAD, starts=cohort.starts_on) in text
        assert "under way" not in text and "進行中" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_training_whose_last_day_has_passed_is_not_called_under_way(language, django_capture_on_commit_callbacks):
    cohort = cohort_from(-40, -3, status="running")

    for text in approval_mail(cohort, language, django_capture_on_commit_callbacks):
        with translation.override(language):
            institution = cohort.institution.name
        assert said(language, RAN, starts=cohort.starts_on, ends=cohort.ends_on, institution=institution) in text
        assert said(language, AHEAD, starts=cohort.starts_on) not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_training_its_institution_finished_early_is_not_called_under_way(
    language, django_capture_on_commit_callbacks
):
    """Review finding: a cohort finished early (its last day still ahead) was mailed "under way: join it from its next
    session", while the session form counted it ended. One rule, ``Cohort.has_ended``, for both."""
    cohort = cohort_from(-10, 20, status=Cohort.Status.FINISHED)
    TrainingSessionFactory(cohort=cohort, held_on=days(3))  # planned before it was finished: no session to join

    for text in approval_mail(cohort, language, django_capture_on_commit_callbacks):
        with translation.override(language):
            institution = cohort.institution.name
        assert said(language, RAN, starts=cohort.starts_on, ends=cohort.ends_on, institution=institution) in text
        assert said(language, UNDER_WAY_NEXT, starts=cohort.starts_on, day=days(3)) not in text
        assert "under way" not in text and "進行中" not in text
