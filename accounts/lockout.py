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

An account's lock-out ends by itself ``AXES_COOLOFF_TIME`` after the failures that made it (:func:`lock_out_ends`):
a try while it is locked is refused before any password, code or passkey is checked, so it counts nothing and
does not start the wait again (:meth:`ClientLimitedAxesHandler.user_login_failed`; django-axes' default would
count it, and someone who kept trying would never get in). The lock-out page and the passkey step say the same
words about it (:func:`lock_out_words`).

A lock-out also ends when its owner proves the mailbox by completing a password reset (the mailed link; asking
for one proves nothing), and when the program office sets a new password in the admin: :func:`do_clear_lock_out`.
Both forget the *password* failures only. Wrong second-factor codes and refused passkeys are counted in rows of
their own (:func:`count_second_factor_failure`, their user agent marked :data:`SECOND_FACTOR_MARK`) and keep
counting across a new password, which proves nothing about the second factor: otherwise someone guessing a
staff person's codes would get six more guesses per reset. They are forgotten when the second step is passed
(:func:`accounts.second_factor.services.do_complete_log_in`) or expire like any failure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from core.ratelimit import over_limit

from . import audit
from .client_address import client_network
from .identifiers import normalize_email
from .models import User

#: Set on a request refused because its client address is paused (minutes, for the page).
PAUSED_ATTRIBUTE = "login_paused_minutes"
#: The ``sender`` of ``user_login_failed`` for a wrong second-factor code or a refused passkey.
SECOND_FACTOR_SENDER = "accounts.second_factor"
#: Begins the user agent of the django-axes rows that count second-factor failures (they are kept by a new password).
SECOND_FACTOR_MARK = "[second factor] "

#: What the lock-out page and the passkey step say, in this order: the lock, when it ends, how to get in sooner.
LOCKED = gettext_noop(
    "This account is locked after repeated failed log-ins (wrong passwords, sign-in codes or passkeys)."
)
RESET_WAY_OUT = gettext_noop(
    "To get in sooner, reset your password: once you choose a new one through the link we e-mail you, the account "
    "is unlocked."
)
SECOND_FACTOR_WAY_OUT = gettext_noop(
    "Wrong sign-in codes or passkeys locked it, and a new password does not undo those, so please wait. If you no "
    "longer have your authenticator app or passkey, ask the program office to reset your second factor."
)


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


def count_second_factor_failure(*, request: HttpRequest, credentials: dict[str, str]) -> None:
    """A wrong second-factor code or a refused passkey: counted toward the account's lock-out (and the client's),
    apart from the wrong passwords, so that a new password does not forget it."""
    user_login_failed.send(sender=SECOND_FACTOR_SENDER, credentials=credentials, request=request)


def _live_attempts(username: str, request: HttpRequest | None = None) -> QuerySet[AccessAttempt]:
    """``username``'s django-axes rows that still count: those whose last failure is within the cool-off."""
    attempts: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(username=username)
    cool_off = get_cool_off(request)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def _second_factor(attempts: QuerySet[AccessAttempt]) -> QuerySet[AccessAttempt]:
    return attempts.filter(user_agent__startswith=SECOND_FACTOR_MARK)


@transaction.atomic
def do_clear_lock_out(*, user: User, how: str, actor: User | None = None) -> int:
    """Forget ``user``'s failed password log-ins, which lifts a lock-out they made; returns how many there were.
    For a step that proves the person without the old password: a password reset completed through the mailed
    link (``actor`` the person), a new password the program office set (``actor`` the current request's).
    Wrong second-factor codes and refused passkeys still count (a new password proves nothing about the second
    factor), so a lock-out they alone made stays. The trail records the clearing when there was anything to
    forget, saying ``how``. A client address's pause (above) is the address's, not the account's, and stays."""
    username = normalize_email(user.email)  # the key django-axes counts under (AXES_USERNAME_CALLABLE)
    attempts = AccessAttempt.objects.filter(username=username)
    passwords = attempts.exclude(user_agent__startswith=SECOND_FACTOR_MARK)
    failures = _failures(passwords)
    passwords.delete()
    if failures:
        kept = _failures(_second_factor(_live_attempts(username)))
        still = "lock-out cleared" if kept < get_failure_limit(None, {"username": username}) else "still locked"
        audit.record(
            audit.Action.PASSWORD_CHANGED,
            actor=actor,
            target=user,
            summary=f"{user.email}: {still}, {failures} failed log-ins forgotten ({how})"
            + (f", {kept} wrong second-factor codes or passkeys kept" if kept else ""),
            detail={"failed_log_ins": failures, "second_factor_failures_kept": kept},
        )
    return failures


def lock_out_ends(request: HttpRequest | None, credentials: dict[str, str]) -> datetime | None:
    """When the account of ``credentials`` unlocks by itself, or None when it is not locked (or never unlocks by
    itself: no ``AXES_COOLOFF_TIME``). django-axes forgets each of its rows a cool-off after the row's last
    failure; the lock ends when the rows left no longer reach the limit."""
    cool_off = get_cool_off(request)
    username = normalize_email(credentials.get("username"))
    attempts = list(_live_attempts(username, request).order_by("attempt_time"))
    left = sum(attempt.failures_since_start for attempt in attempts)
    limit = get_failure_limit(request, credentials)
    if cool_off is None or left < limit:
        return None
    for attempt in attempts:
        left -= attempt.failures_since_start
        if left < limit:
            ends: datetime = attempt.attempt_time + cool_off
            return ends
    return None  # pragma: no cover - the loop ends below any positive limit


@dataclass(frozen=True)
class LockOutWords:
    """What a person refused for a lock-out reads, in the current language (:func:`lock_out_words`)."""

    locked: str  #: what is locked, and when it unlocks by itself
    way_out: str  #: how to get in sooner (empty when there is no such way)
    reset_helps: bool  #: a new password through the mailed link opens the account
    paused: bool  #: the client address is paused, not the account

    def __str__(self) -> str:
        return f"{self.locked} {self.way_out}".strip()


def lock_out_words(request: HttpRequest | None, credentials: dict[str, str]) -> LockOutWords:
    """The words for a person refused by the lock-out: the lock-out page (``AXES_LOCKOUT_TEMPLATE``, through the
    ``lock_out_words_for`` tag) and the passkey step's answer say the same. How it really ends: when (a try
    meanwhile changes nothing), and whether a password reset opens it sooner (not when wrong second-factor
    codes or passkeys alone keep it locked)."""
    paused = getattr(request, PAUSED_ATTRIBUTE, None)
    if paused:
        message = ngettext(
            "Too many failed log-ins came from your network address, so log-ins from it are paused for up to "
            "%(minutes)s minute. Try again later.",
            "Too many failed log-ins came from your network address, so log-ins from it are paused for up to "
            "%(minutes)s minutes. Try again later.",
            int(paused),
        ) % {"minutes": int(paused)}
        return LockOutWords(locked=message, way_out="", reset_helps=False, paused=True)
    sentences = [gettext(LOCKED)]
    ends = lock_out_ends(request, credentials)
    cool_off = get_cool_off(request)
    if ends is not None:
        minutes = max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))
        sentences.append(
            ngettext(
                "It unlocks by itself at %(time)s, in %(minutes)s minute. Trying again before then does not make "
                "the wait any longer.",
                "It unlocks by itself at %(time)s, in %(minutes)s minutes. Trying again before then does not make "
                "the wait any longer.",
                minutes,
            )
            % {"time": timezone.localtime(ends).strftime("%H:%M"), "minutes": minutes}
        )
    elif cool_off:
        minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
        sentences.append(
            ngettext(
                "It unlocks by itself %(minutes)s minute after the failed log-ins that locked it. Trying again "
                "meanwhile does not make the wait any longer.",
                "It unlocks by itself %(minutes)s minutes after the failed log-ins that locked it. Trying again "
                "meanwhile does not make the wait any longer.",
                minutes,
            )
            % {"minutes": minutes}
        )
    username = normalize_email(credentials.get("username"))
    kept = _failures(_second_factor(_live_attempts(username, request)))
    reset_helps = kept < get_failure_limit(request, credentials)
    way_out = gettext(RESET_WAY_OUT if reset_helps else SECOND_FACTOR_WAY_OUT)
    return LockOutWords(locked=" ".join(sentences), way_out=way_out, reset_helps=reset_helps, paused=False)


class ClientLimitedAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the per-address limit, the refused tries that count nothing and the
    second-factor rows described above."""

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        if request is not None and client_is_paused(request):
            setattr(request, PAUSED_ATTRIBUTE, int(settings.LOGIN_FAILURES_PER_ADDRESS_MINUTES))
            return True
        return super().is_locked(request, credentials)

    def user_login_failed(self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
        if request is None:
            super().user_login_failed(sender, credentials, request, **kwargs)
            return
        if getattr(request, PAUSED_ATTRIBUTE, None):
            # Refused for its address before any password or code was checked: answer with the
            # lock-out page, and count nothing against the account it named.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        if getattr(request, "axes_locked_out", False) or super().is_locked(request, credentials):
            # Refused because the account is locked, before any password, code or passkey was checked: it guessed
            # nothing, so it counts nothing and does not start the wait again (as django-axes does with
            # AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off). The lock-out page answers; the trail has it.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
            return
        user_agent = request.axes_user_agent
        if sender == SECOND_FACTOR_SENDER:
            request.axes_user_agent = (SECOND_FACTOR_MARK + user_agent)[:255]
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            request.axes_user_agent = user_agent
        count_client_failure(request)
