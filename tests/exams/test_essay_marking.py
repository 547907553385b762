"""Essays waiting for a grader: the pending result page says what is known and by when, and shows the
result by itself; graders get a daily digest of their institution's waiting essays; institution
admins see how many wait and how old the oldest is; an essay past the service level reminds the
institution's admins once."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from exams import tasks
from exams.models import Attempt, EssayAnswer, EssayOverdueReminder, GraderDigestSent
from exams.services import attempts, essay_marking, grading
from tests.page_text import text_of

from .conftest import login, make_paper, open_sitting

pytestmark = pytest.mark.django_db

DIGEST = ("essay waiting for marking", "essays waiting for marking")
OVERDUE = ("past its marking date", "past their marking date")


@pytest.fixture
def essays(world):
    """A paper with an essay, sat at inst-a's cohort (Alice) and at inst-b's (Bob)."""
    course = world.cohort.curriculum.entries.select_related("course")[1].course
    paper = make_paper(course, essay=True)
    world.essay_paper = paper
    world.essay_sitting = open_sitting(paper, world.cohort)
    world.other_essay_sitting = open_sitting(paper, world.other_cohort)
    return world


def sit(trainee, sitting, capture, *, days_ago: float = 0) -> Attempt:
    """Start, then submit ``days_ago`` days ago; the objective part is graded, the essay waits."""
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
    with capture(execute=True):
        attempts.do_submit_attempt(attempt_id=attempt.pk, now=timezone.now() - datetime.timedelta(days=days_ago))
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADING
    return attempt


def result_url(attempt, language: str = "en") -> str:
    with translation.override(language):
        return reverse("exams:result", args=[attempt.pk])


def mails_about(words: tuple[str, ...]) -> list:
    return [m for m in mail.outbox if any(w in m.subject for w in words)]


# --- the trainee's pending result ------------------------------------------------------------------


def test_the_pending_result_says_what_is_marked_by_whom_and_by_when(
    essays, settings, django_capture_on_commit_callbacks
):
    settings.EXAM_ESSAY_MARKING_DAYS = 4
    settings.EXAM_RESULT_POLL_SECONDS = 7
    attempt = sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks)
    page = login(essays.alice).get(result_url(attempt)).content.decode()
    assert 'data-state="grading-pending"' in page, "the fault drill's marker stays"
    assert "The choice and true-or-false questions are marked already." in page
    assert f"by the graders of {essays.inst_a}" in page
    due = timezone.localdate(attempt.submitted_at) + datetime.timedelta(days=4)
    with translation.override("en"):
        expected = f"Expect your result by {date_format(due, 'DATE_FORMAT')} (within 4 days of submitting)."
        assert expected in text_of(page)
    assert "We will e-mail you the result" in page
    # It refreshes by itself: a static script, no inline one, the interval on the page.
    assert 'data-poll-seconds="7"' in page
    assert '<script src="/static/exams/result.js"></script>' in page
    assert "<script>" not in page and 'http-equiv="refresh"' not in page


def test_a_result_not_yet_machine_marked_says_it_comes_in_a_minute(world, django_capture_on_commit_callbacks):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    attempts.do_submit_attempt(attempt_id=attempt.pk)  # the grading task has not run yet
    page = login(world.alice).get(result_url(attempt)).content.decode()
    assert 'data-state="grading-pending"' in page
    assert "being marked automatically" in page and "Expect your result by" not in page
    assert "exams/result.js" in page


def test_once_the_essay_is_marked_the_page_shows_the_result_and_stops_polling(
    essays, grader_a, django_capture_on_commit_callbacks
):
    attempt = sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(item_id=EssayAnswer.objects.get(attempt=attempt).pk, grader=grader_a.user, score=5)
    page = login(essays.alice).get(result_url(attempt)).content.decode()
    assert 'id="result-summary"' in page
    assert "grading-pending" not in page and "result.js" not in page


def test_the_pending_page_speaks_chinese(essays, django_capture_on_commit_callbacks):
    attempt = sit(essays.bob, essays.other_essay_sitting, django_capture_on_commit_callbacks)
    page = login(essays.bob).get(result_url(attempt, "zh-hant")).content.decode()
    assert 'lang="zh-Hant"' in page and "等待評分" in page


def test_another_trainee_cannot_see_the_pending_result(essays, django_capture_on_commit_callbacks):
    attempt = sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks)
    assert login(essays.bob).get(result_url(attempt)).status_code == 404


# --- the admins' count of waiting essays -----------------------------------------------------------


def changelist(client) -> str:
    with translation.override("en"):
        return client.get(reverse("admin:exams_essayanswer_changelist")).content.decode()


def waiting_note(page: str) -> str:
    return page.split('id="essays-waiting"')[1].split("</p>", maxsplit=1)[0]


def test_an_institution_admin_sees_only_their_own_waiting_essays(
    essays, admin_a, admin_b, office, django_capture_on_commit_callbacks
):
    sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=6)
    sit(essays.bob, essays.other_essay_sitting, django_capture_on_commit_callbacks, days_ago=1)
    carol = in_cohort(essays, "carol@example.test")
    sit(carol, essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=2)
    note_a = waiting_note(changelist(admin_a))
    assert "2 essays are waiting for a grader." in note_a
    assert "The oldest was submitted 6 days ago" in note_a and "past the 5-day marking time" in note_a
    note_b = waiting_note(changelist(admin_b))
    assert "1 essay is waiting for a grader." in note_b
    assert "The oldest was submitted 1 day ago" in note_b and "past the" not in note_b
    assert "3 essays are waiting for a grader." in waiting_note(changelist(office))


def test_no_waiting_essay_says_so(essays, admin_a):
    assert "No essay is waiting for a grader." in waiting_note(changelist(admin_a))


def in_cohort(world, email: str):
    from tests.factories import UserFactory

    from .conftest import approve

    user = UserFactory(email=email, preferred_language="en")
    approve(user, world.cohort)
    return user


# --- the graders' daily digest ---------------------------------------------------------------------


def test_the_digest_goes_to_the_graders_of_the_institution_whose_essays_wait(
    essays, grader_a, grader_b, admin_a, django_capture_on_commit_callbacks
):
    grader_a.user.preferred_language = "en"
    grader_a.user.save(update_fields=["preferred_language"])
    sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=6)
    sit(in_cohort(essays, "dan@example.test"), essays.essay_sitting, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_grader_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [grader_a.user.email], "inst-b has nothing waiting; admins get no digest"
    assert digest.subject == "2 essays waiting for marking"
    assert "2 essay answers at" in digest.body and "1 of them is past that date." in digest.body
    assert "overdue" in digest.body and "/en/admin/exams/essayanswer/?graded=no" in digest.body
    html = digest.alternatives[0][0]
    assert "<li>" in html and "Alice" not in digest.subject


def test_the_digest_is_in_the_graders_language_and_only_their_institutions(
    essays, grader_a, grader_b, django_capture_on_commit_callbacks
):
    sit(essays.bob, essays.other_essay_sitting, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_grader_digests()
    (digest,) = mail.outbox
    assert digest.to == [grader_b.user.email]  # grader_b reads Chinese (the default)
    # In Chinese: the greeting (the new sentences read Chinese once the lead merges their translations).
    assert digest.body.startswith(f"{grader_b.user.display_name} 您好：") and "Dear" not in digest.body


def test_the_digest_goes_once_a_day_however_often_the_job_runs(essays, grader_a, django_capture_on_commit_callbacks):
    sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_grader_digests()
    assert tasks.send_grader_digest(grader_a.user.pk, today.isoformat()) is False, "a re-delivered task"
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_grader_digests() == 0
    assert len(mail.outbox) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        GraderDigestSent.objects.create(user=grader_a.user, day=today)
    # The next day, a new digest.
    assert essay_marking.send_grader_digest(user_id=grader_a.user.pk, day=today + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2


def test_no_digest_when_nothing_waits(essays, grader_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_grader_digests() == 0
    assert essay_marking.send_grader_digest(user_id=grader_a.user.pk, day=timezone.localdate()) is False
    assert not mail.outbox and not GraderDigestSent.objects.exists()


# --- the overdue reminder to the institution's admins ----------------------------------------------


def test_an_overdue_essay_reminds_the_institutions_admins_once_even_if_the_job_runs_twice(
    essays, admin_a, admin_b, django_capture_on_commit_callbacks
):
    sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=6)
    sit(essays.bob, essays.other_essay_sitting, django_capture_on_commit_callbacks, days_ago=1)  # in time
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.remind_overdue_essays()
    assert tasks.send_overdue_essay_reminder(essays.inst_a.pk) == 0, "a re-delivered task sends nothing"
    (reminder,) = mails_about(OVERDUE) or mail.outbox
    assert reminder.to == [admin_a.user.email]
    assert EssayOverdueReminder.objects.count() == 1
    item = EssayOverdueReminder.objects.get().item
    with pytest.raises(IntegrityError), transaction.atomic():
        EssayOverdueReminder.objects.create(item=item, institution=essays.inst_a)


def test_the_reminder_speaks_the_admins_language(essays, admin_a, django_capture_on_commit_callbacks):
    admin_a.user.preferred_language = "en"
    admin_a.user.save(update_fields=["preferred_language"])
    sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=6)
    mail.outbox.clear()
    assert essay_marking.send_overdue_reminder(institution_id=essays.inst_a.pk) == 1
    (reminder,) = mail.outbox
    assert reminder.subject == "1 essay is past its marking date"
    assert "has waited more than 5 days" in reminder.body and "sent once for each essay" in reminder.body


def test_an_essay_marked_in_time_or_not_yet_late_reminds_nobody(
    essays, admin_a, grader_a, django_capture_on_commit_callbacks
):
    late = sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=6)
    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(item_id=EssayAnswer.objects.get(attempt=late).pk, grader=grader_a.user, score=1)
    sit(in_cohort(essays, "eve@example.test"), essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_overdue_essays() == 0
    assert not EssayOverdueReminder.objects.exists()


def test_a_refused_mail_leaves_the_reminder_owed_for_the_retry(essays, admin_a, django_capture_on_commit_callbacks):
    sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=6)
    mail.outbox.clear()
    refused = mock.patch("exams.services.essay_marking.send_templated_mail", side_effect=OSError("mail server down"))
    with refused, pytest.raises(OSError):
        essay_marking.send_overdue_reminder(institution_id=essays.inst_a.pk)
    assert not EssayOverdueReminder.objects.exists(), "the claim rolled back with the failed send"
    assert essay_marking.send_overdue_reminder(institution_id=essays.inst_a.pk) == 1
    assert len(mail.outbox) == 1


def test_the_service_level_is_a_setting(essays, admin_a, settings, django_capture_on_commit_callbacks):
    settings.EXAM_ESSAY_MARKING_DAYS = 10
    sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks, days_ago=6)
    assert essay_marking.send_overdue_reminder(institution_id=essays.inst_a.pk) == 0
    settings.EXAM_ESSAY_MARKING_DAYS = 5
    assert essay_marking.send_overdue_reminder(institution_id=essays.inst_a.pk) == 1
    assert Decimal(EssayOverdueReminder.objects.count()) == 1
