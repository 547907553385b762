"""The lock-out, per account and per client address (``AXES_HANDLER``).

django-axes locks an *account* after ``AXES_FAILURE_LIMIT`` failures from any address
(``AXES_LOCKOUT_PARAMETERS = ["username"]``). That alone never slows a client that tries a few
passwords against many accounts (password spraying). django-axes compares one failure limit with
the largest of its counts, so adding ``"ip_address"`` to its parameters would either lock a whole
bank branch behind one NAT address after six typos or give every account the address's whole allowance. So the
per-address limit is counted here, in the shared cache (:func:`core.ratelimit.over_limit`, like the
site's other limits), and enforced through axes' own hooks:

* every failure axes records (a wrong password, second-factor code or passkey) also counts for the
  client address (:func:`accounts.client_address.client_network`: an IPv6 client by its /64, which
  it can pick any address of);
* after ``LOGIN_FAILURES_PER_ADDRESS`` failures within ``LOGIN_FAILURES_PER_ADDRESS_MINUTES``,
  :meth:`ClientLimitedAxesHandler.is_locked` answers True for any account from that address until
  the window ends, so axes' backend refuses the log-in before any password is checked, the second
  step refuses codes, and the lock-out page says that the address, not the account, is paused;
* such a refusal is not held against the account the client named: its own count stays as it was,
  so the people behind a paused address are not locked out of their accounts as well.

An account's lock-out ends by itself ``AXES_COOLOFF_TIME`` after its last failure (a try while it is
locked counts as one, django-axes' default, so the wait starts again), at once when its owner proves
the mailbox by completing a password reset (the mailed link; asking for one proves nothing), and when
the program office sets a new password in the admin: :func:`do_clear_lock_out`.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest

from core.ratelimit import over_limit

from . import audit
from .client_address import client_network
from .identifiers import normalize_email
from .models import User

#: Set on a request refused because its client address is paused (minutes, for the page).
PAUSED_ATTRIBUTE = "login_paused_minutes"


def _limit() -> int:
    return int(settings.LOGIN_FAILURES_PER_ADDRESS)


def _window_seconds() -> int:
    return int(settings.LOGIN_FAILURES_PER_ADDRESS_MINUTES) * 60


def _key(address: str) -> str:
    return f"login-failures-client:{address}"


def client_is_paused(request: HttpRequest) -> bool:
    """Whether the client of ``request`` reached the failure limit in the current window."""
    address = client_network(request)
    return bool(address) and (cache.get(_key(address)) or 0) >= _limit()


def count_client_failure(request: HttpRequest) -> None:
    """Count one failed log-in step for the client; the step that reaches the limit is audited once."""
    address = client_network(request)
    if not address:
        return
    window = _window_seconds()
    reached = over_limit(_key(address), limit=_limit() - 1, window_seconds=window)
    if reached and cache.add(f"{_key(address)}:recorded", True, timeout=window):
        audit.record(
            audit.Action.LOCKED_OUT,
            actor_label="anonymous",
            request=request,
            summary=f"log-ins from {address} paused after {_limit()} failures",
            detail={"ip_address": address, "failed_log_ins": _limit()},
        )


@transaction.atomic
def do_clear_lock_out(*, user: User, how: str, actor: User | None = None) -> int:
    """Forget ``user``'s failed log-ins (passwords, codes and passkeys alike), which lifts the account's lock-out;
    returns how many there were. For a step that proves the person without the old password: a password reset
    completed through the mailed link (``actor`` the person), a new password the program office set (``actor``
    the current request's). The trail records the clearing when there was anything to forget, saying ``how``.
    A client address's pause (above) is the address's, not the account's, and stays."""
    username = normalize_email(user.email)  # the key django-axes counts under (AXES_USERNAME_CALLABLE)
    attempts = AccessAttempt.objects.filter(username=username)
    failures = int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)
    AxesProxyHandler.reset_attempts(username=username)
    if failures:
        audit.record(
            audit.Action.PASSWORD_CHANGED,
            actor=actor,
            target=user,
            summary=f"{user.email}: lock-out cleared, {failures} failed log-ins forgotten ({how})",
            detail={"failed_log_ins": failures},
        )
    return failures


class ClientLimitedAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the per-address limit described above."""

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        if request is not None and client_is_paused(request):
            setattr(request, PAUSED_ATTRIBUTE, int(settings.LOGIN_FAILURES_PER_ADDRESS_MINUTES))
            return True
        return super().is_locked(request, credentials)

    def user_login_failed(self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
        if request is not None and getattr(request, PAUSED_ATTRIBUTE, None):
            # Refused for its address before any password or code was checked: answer with the
            # lock-out page, and count nothing against the account it named.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None:
            count_client_failure(request)
