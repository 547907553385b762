"""A person changes their own log-in address (the profile page's "Change e-mail address").

Asked signed in, with the current password (:class:`accounts.forms.EmailChangeForm`), and made by a link
mailed to the new address: the link proves that mailbox, and, as every mailed link that acts on an account,
it answers only the account's owner, signed in (:func:`accounts.services.check_link_owner`; the pages'
side: :func:`accounts.link_owner.answer_unless_owner`), so whoever holds the new mailbox (a mistyped
address's owner, a forwarded mail) cannot take the account. The old address is told that a change was
asked, and what to do if it was not its owner. The link works for :data:`LINK_MAX_AGE` and once: it names
the address the account has when it is mailed, which the change replaces.

Whether another account already logs in with the address is told to nobody at the keyboard (the answer is
the same "we sent a link"): the new address's holder, who owns that account, is mailed that the address is
in use, as sign-up does (:func:`accounts.services.send_sign_up_notice_mail`).

An employer's employee may change their log-in too. It is their credential: an employer never changes a
log-in in use on its own either (accounts.employees asks its owner at both ends). The HR API shows the
employee's log-in as their ``email``, so the profile's ``updated_at`` moves and a sync sees the new one; a
change the employer asked for and the person has not made (``pending_email``) is withdrawn, since its links
named the old address and no longer hold (the employer may ask again, and the person decides again).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from core.mail import send_templated_mail
from core.ratelimit import over_limit
from core.tasks import enqueue_on_commit

from . import audit
from .employees import INVALID
from .identifiers import normalize_email
from .models import TraineeProfile, User
from .services import (
    SIGN_UP_NOTICE_INTERVAL,
    AccountError,
    _link,
    _mail,
    _mail_address_owner,
    check_link_owner,
    do_end_sessions,
    load_link,
)

LINK_SALT = "accounts.address-change"
LINK_MAX_AGE = 3 * 24 * 3600  # the mail says "within three days"
ASKS_PER_HOUR = 5  # an account's asks in an hour: each one mails two addresses
TAKEN = _("This address is already the log-in of another account, so it cannot be added to yours.")


@dataclass(frozen=True)
class AddressChange:
    """A checked link: ``user``'s log-in may become ``new_email``."""

    user: User
    new_email: str


def change_token(user: User, new_email: str) -> str:
    """The link's token: the account, the address it has now (so the link works once), the new one, and a mark
    of its password (so a password changed since — the notice to the old address says to change it if the ask
    was not theirs — voids every link asked before)."""
    return signing.dumps({"u": user.pk, "e": user.email, "n": new_email, "p": _password_mark(user)}, salt=LINK_SALT)


def _password_mark(user: User) -> str:
    return salted_hmac(LINK_SALT, user.password).hexdigest()[:16]


def do_request_address_change(*, user: User, email: str, site_url: str) -> None:
    """``user`` (signed in, the password proven by the form) asks that ``email`` become their log-in.

    The new address gets the link, or, when it is another account's log-in already, a notice to that account
    (at most one an hour, as sign-up's); the current address is told either way. The caller answers the same
    whichever happened. Refused (``too_many``) past :data:`ASKS_PER_HOUR` asks of the account in an hour, and
    (``same_address``) for the address the account has.
    """
    email = normalize_email(email)
    if email == normalize_email(user.email):
        raise AccountError("same_address", _("This is already your log-in address."), field="email")
    if over_limit(f"address-change:{user.pk}", limit=ASKS_PER_HOUR, window_seconds=3600):
        raise AccountError("too_many", _("You asked for too many address changes in the last hour. Try again later."))
    from . import tasks

    owner = User.objects.filter(email=email).exclude(pk=user.pk).first()
    with transaction.atomic():
        # The worker makes the link, in the person's language: no token travels through the broker.
        if owner is None:
            enqueue_on_commit(tasks.send_address_change_email, user.pk, email, site_url)
        elif cache.add(f"address-taken-notice:{owner.pk}", True, timeout=SIGN_UP_NOTICE_INTERVAL):
            enqueue_on_commit(tasks.send_address_taken_email, owner.pk, site_url)
        enqueue_on_commit(tasks.send_address_change_notice_email, user.pk, email, site_url)


def send_address_change_mail(*, user: User, new_email: str, site_url: str) -> None:
    """Mail ``new_email`` the link that makes it ``user``'s log-in, in their language."""
    url = _link(user, site_url, "accounts:email_change_confirm", token=change_token(user, new_email))
    context = {"user": user, "url": url, "new_email": new_email}
    send_templated_mail(
        "accounts/email/address_change", to=new_email, language=user.preferred_language, context=context
    )


def send_address_change_notice_mail(*, user: User, new_email: str, site_url: str) -> None:
    """Tell ``user``'s current address that a change to ``new_email`` was asked, and what to do if not by them."""
    _mail(
        user, "address_change_notice", new_email=new_email, reset_url=_link(user, site_url, "accounts:password_reset")
    )


def send_address_taken_mail(*, owner: User, site_url: str) -> None:
    """Tell the owner of an address that someone asked to make it their log-in; it changes nothing."""
    _mail_address_owner(owner, "address_taken", site_url)


def check_address_change_link(token: str, *, lock: bool = False) -> AddressChange:
    """The change a mailed link asks for, if it still holds; raises :class:`AccountError` otherwise
    (``link_expired``, ``link_used``: the account's log-in is the new address already, ``link_invalid``)."""
    data = load_link(
        token,
        salt=LINK_SALT,
        max_age=LINK_MAX_AGE,
        expired=_("This link has expired. Ask for the change again on your profile page."),
        invalid=INVALID,
    )
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("n"), str):
        raise AccountError("link_invalid", INVALID)
    users = User.objects.select_for_update() if lock else User.objects.all()
    user = users.filter(pk=data["u"], is_active=True).first()
    if user is None:
        raise AccountError("link_invalid", INVALID)
    if user.email != data.get("e"):
        if user.email == data["n"]:
            raise AccountError("link_used", _("This link has been used already: the new address is the log-in now."))
        raise AccountError("link_invalid", INVALID)
    if not constant_time_compare(str(data.get("p", "")), _password_mark(user)):
        raise AccountError("link_invalid", INVALID)
    return AddressChange(user, data["n"])


@transaction.atomic
def do_confirm_address_change(*, token: str, person: User | AnonymousUser, keep_session: str | None) -> User:
    """The link's owner, signed in as ``person``, makes the new address their log-in (and verified: the link
    reached it). Every other session of the account ends (``keep_session``: the one it was done in); the trail
    records it. Refused (``link_not_yours``) for anyone else, and (``email_taken``) when another account has
    taken the address meanwhile."""
    change = check_address_change_link(token, lock=True)
    check_link_owner(owner=change.user, person=person if isinstance(person, User) else None)
    user, old = change.user, change.user.email
    if User.objects.filter(email=change.new_email).exclude(pk=user.pk).exists():
        raise AccountError("email_taken", TAKEN)
    user.email = change.new_email
    user.email_verified_at = timezone.now()
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:  # another account took it between the check and the save
        raise AccountError("email_taken", TAKEN) from None
    profile = TraineeProfile.objects.select_for_update(of=("self",)).filter(user=user).first()
    if profile is not None:
        # The HR API shows the log-in as the employee's address: a sync sees it move. An employer's request for
        # another address named the old one in its links, which no longer hold: it is withdrawn.
        profile.pending_email = ""
        profile.save(update_fields=["pending_email", "updated_at"])
    ended = do_end_sessions(user=user, keep=keep_session)
    audit.record(
        audit.Action.EMAIL_CHANGED, actor=user, target=user, summary=f"{old} -> {user.email}",
        employer=profile.employer_id if profile is not None else None,
        detail={"change": "email_changed", "sessions_ended": ended},
    )  # fmt: skip
    return user
