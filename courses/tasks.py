from celery import shared_task

from core.tasks import MAIL_RETRY

from . import mail


@shared_task
def send_enrolment_decision_email(enrolment_id: int) -> bool:
    """Tell the trainee their enrolment was approved or rejected; a second run sends nothing."""
    return mail.send_enrolment_decision(enrolment_id=enrolment_id)


@shared_task
def sweep_decision_mails() -> int:
    """Beat, every five minutes: enqueue again the enrolment decision mails that were lost."""
    return mail.do_sweep_decision_mails()


@shared_task(**MAIL_RETRY)
def send_enrolment_received_email(enrolment_id: int) -> bool:
    """Tell the trainee their application was received, while it is still pending. Run twice (a retry after
    the mail server failed), it sends a second receipt, never a wrong one."""
    return mail.send_enrolment_received(enrolment_id=enrolment_id)
