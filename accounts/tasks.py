from celery import shared_task

from core.tasks import MAIL_RETRY

from . import address_change, employees, password_change, services
from .imports import confirm
from .models import User


@shared_task(ignore_result=False)
def ping(value: str) -> str:
    """A task that does nothing but answer: the health check of the queue, and the task floor (the one
    task whose result is stored, config/settings.py)."""
    return value


# Mail tasks retry with back-off while the mail server is unreachable (MAIL_RETRY). Running one twice sends
# a second mail, never a wrong one: each run makes a fresh link for the account as it is then.


@shared_task(**MAIL_RETRY)
def send_verification_email(user_id: int, site_url: str) -> None:
    """The verification link for a sign-up that is still unverified (else nothing)."""
    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is not None:
        services.send_verification_mail(user=user, site_url=site_url)


@shared_task(**MAIL_RETRY)
def send_password_reset_email(user_id: int, site_url: str) -> None:
    """A password reset link for an active account (else nothing)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        services.send_password_reset_mail(user=user, site_url=site_url)


@shared_task(**MAIL_RETRY)
def send_welcome_email(user_id: int, site_url: str, cohort_names: dict[str, str] | None = None) -> bool:
    """The welcome a person an import or the HR API registered is owed: who registered them and a link to choose
    their first password (services.send_welcome_mail). It claims the person's OwedWelcome row, so a second run mails
    nothing, nor does a run for a welcome that became moot (a password chosen, a log-in, a deactivation).
    ``cohort_names`` is not read (the row keeps the cohort): accepted from messages queued before the row existed,
    which find nothing owed."""
    return services.send_welcome_mail(user_id=user_id, site_url=site_url)


@shared_task
def send_owed_welcomes() -> int:
    """Beat, every ten minutes: enqueue again the welcome mails still owed (lost to a broker outage, or a mail
    server that kept refusing; services.do_sweep_owed_welcomes)."""
    return services.do_sweep_owed_welcomes()


@shared_task(**MAIL_RETRY)
def send_sign_up_notice_email(user_id: int, site_url: str) -> None:
    """Someone tried to sign up with this account's address: tell its owner (always; it changes nothing)."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.send_sign_up_notice_mail(user=user, site_url=site_url)


@shared_task(**MAIL_RETRY)
def send_password_changed_email(user_id: int, site_url: str) -> None:
    """The account's password was changed (accounts.password_change): tell its address (active accounts only)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        password_change.send_password_changed_mail(user=user, site_url=site_url)


# A person's own change of log-in address (accounts.address_change). The new address and the link's token are
# made by the worker from the account as it is then: an account whose address changed meanwhile gets a link that
# does not hold, which its page says.


@shared_task(**MAIL_RETRY)
def send_address_change_email(user_id: int, new_email: str, site_url: str) -> None:
    """The link that makes ``new_email`` the active account's log-in, mailed to ``new_email``."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        address_change.send_address_change_mail(user=user, new_email=new_email, site_url=site_url)


@shared_task(**MAIL_RETRY)
def send_address_change_notice_email(user_id: int, new_email: str, site_url: str) -> None:
    """Tell the account's current address that a change to ``new_email`` was asked."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        address_change.send_address_change_notice_mail(user=user, new_email=new_email, site_url=site_url)


@shared_task(**MAIL_RETRY)
def send_address_taken_email(user_id: int, site_url: str) -> None:
    """Someone asked to make this account's address their log-in: tell its owner (it changes nothing)."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        address_change.send_address_taken_mail(owner=user, site_url=site_url)


# The employer's requests about a person (accounts.employees), mailed to the person. Named as when
# they were accounts.api's tasks (before issue 16), so messages queued then still find them.


@shared_task(name="accounts.api.tasks.send_employment_request_email", **MAIL_RETRY)
def send_employment_request_email(profile_id: int, site_url: str) -> bool:
    return employees.send_employment_request_mail(profile_id=profile_id, site_url=site_url)


@shared_task(name="accounts.api.tasks.send_email_change_request_email", **MAIL_RETRY)
def send_email_change_request_email(profile_id: int, site_url: str) -> bool:
    return employees.send_email_change_request_mail(profile_id=profile_id, site_url=site_url)


@shared_task(name="accounts.api.tasks.send_new_email_verification_email", **MAIL_RETRY)
def send_new_email_verification_email(profile_id: int, site_url: str) -> bool:
    return employees.send_new_email_verification_mail(profile_id=profile_id, site_url=site_url)


@shared_task
def delete_stale_import_uploads() -> int:
    """The uploads of import previews nobody confirmed in time (accounts.imports.confirm); beat runs it hourly."""
    return confirm.delete_stale_uploads()
