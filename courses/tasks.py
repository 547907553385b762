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
    """Tell the trainee their application was received (or that their employer applied on their behalf), while it
    is still pending. It claims the enrolment's OwedReceipt row, so a second run (a retry, the sweep's message)
    mails nothing; a message queued before the row existed finds nothing owed."""
    return mail.send_enrolment_received(enrolment_id=enrolment_id)


@shared_task
def send_owed_receipts() -> int:
    """Beat, every ten minutes: enqueue again the "application received" mails still owed (lost to a broker
    outage, or a mail server that kept refusing; mail.do_sweep_owed_receipts)."""
    return mail.do_sweep_owed_receipts()
