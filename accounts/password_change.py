"""A signed-in person changes their password (the profile page's "Change your password").

The current password is proven by the form (:class:`accounts.forms.ChangePasswordForm`, checked as a log-in,
so wrong ones count toward the lock-out). The session it is done in stays signed in (Django's
``update_session_auth_hash``, which gives it a new key); every other session of the account ends, the trail
records it, and the account's address is told, with the way back if it was not its owner. Someone without a
usable password (an imported trainee, a passkey log-in) has none to prove: they choose one through the
mailed link (the password reset), which proves the mailbox instead.
"""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest

from core.tasks import enqueue_on_commit

from . import audit
from .models import User
from .services import _link, _mail, do_end_sessions


@transaction.atomic
def do_change_password(*, request: HttpRequest, user: User, password: str, site_url: str) -> int:
    """Save ``user``'s new ``password`` (checked by the form); keep ``request``'s session, end the account's
    others (returns how many), record it and queue the notice to the account's address."""
    user.set_password(password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    ended = do_end_sessions(user=user, keep=request.session.session_key)
    audit.record(
        audit.Action.PASSWORD_CHANGED, actor=user, target=user, summary=user.email, detail={"sessions_ended": ended}
    )
    from .tasks import send_password_changed_email

    enqueue_on_commit(send_password_changed_email, user.pk, site_url)
    return ended


def send_password_changed_mail(*, user: User, site_url: str) -> None:
    """Tell ``user`` their password was changed, and how to choose another if it was not them."""
    _mail(user, "password_changed", reset_url=_link(user, site_url, "accounts:password_reset"))
