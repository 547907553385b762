from celery import shared_task

from . import mail
from .services import attempts, grading


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


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def send_result_email(result_id: int) -> None:
    """The published result to the trainee, once (the mail claims ``mailed_at``)."""
    mail.send_result(result_id=result_id)
