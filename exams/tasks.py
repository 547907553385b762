import datetime

from celery import shared_task

from core.tasks import MAIL_RETRY

from . import mail
from .services import attempts, essay_marking, grading


@shared_task
def grade_attempt(attempt_id: int) -> None:
    """Grade a submitted attempt; safe to run twice or concurrently (the service claims it)."""
    grading.do_grade_attempt(attempt_id=attempt_id)


@shared_task
def submit_overdue_attempts() -> int:
    """Beat, every minute: submit attempts past deadline + grace with the answers saved in time."""
    return attempts.do_submit_overdue_attempts()


@shared_task
def sweep_grading() -> dict[str, int]:
    """Beat, every minute: enqueue again the grading and result mails that the broker lost."""
    return grading.do_sweep_grading()


@shared_task(**MAIL_RETRY)
def send_result_email(result_id: int) -> None:
    """The published result to the trainee, once (the mail claims ``mailed_at``)."""
    mail.send_result(result_id=result_id)


@shared_task
def send_grader_digests() -> int:
    """Beat, daily: enqueue each grader's digest of the essays waiting at their institution."""
    return essay_marking.do_enqueue_grader_digests()


@shared_task(**MAIL_RETRY)
def send_grader_digest(user_id: int, day: str) -> bool:
    """One grader's digest of ``day``, once (the claim is a ``GraderDigestSent`` row)."""
    return essay_marking.send_grader_digest(user_id=user_id, day=datetime.date.fromisoformat(day))


@shared_task
def remind_overdue_essays() -> int:
    """Beat, daily: enqueue a reminder for each institution with essays past the service level."""
    return essay_marking.do_enqueue_overdue_reminders()


@shared_task(**MAIL_RETRY)
def send_overdue_essay_reminder(institution_id: int) -> int:
    """Remind an institution's admins of its overdue essays, once per essay (``EssayOverdueReminder``)."""
    return essay_marking.send_overdue_reminder(institution_id=institution_id)
