from celery import shared_task

from . import mail


@shared_task
def send_enrolment_decision_email(enrolment_id: int) -> bool:
    """Tell the trainee their enrolment was approved or rejected; a second run sends nothing."""
    return mail.send_enrolment_decision(enrolment_id=enrolment_id)
