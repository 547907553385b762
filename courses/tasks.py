from celery import shared_task

from . import mail


@shared_task
def send_enrolment_decision_email(enrolment_id: int) -> bool:
    """Tell the trainee their enrolment was approved or rejected; a second run sends nothing."""
    return mail.send_enrolment_decision(enrolment_id=enrolment_id)


@shared_task
def sweep_decision_mails() -> int:
    """Beat, every five minutes: enqueue again the enrolment decision mails that were lost."""
    return mail.do_sweep_decision_mails()
