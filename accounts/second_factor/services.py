"""Every write of the second factor: enrolment, verification, recovery codes, passkeys, reset.

Devices are django-otp's: one ``TOTPDevice`` (an authenticator app), one ``StaticDevice``
holding the single-use recovery codes, and any number of passkeys (django-otp-webauthn's
``WebAuthnCredential``, made by its ceremonies in :mod:`.passkeys`). Refusals raise
:class:`SecondFactorError`.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import audit
from accounts.identifiers import normalize_email
from accounts.models import EmployerMembership, StaffMembership, User
from accounts.scoping import (
    EMPLOYER_HR_GROUP,
    INSTITUTION_ADMIN_GROUP,
    INSTITUTION_GRADER_GROUP,
    INSTITUTION_TEACHER_GROUP,
    PROGRAM_OFFICE_GROUP,
    is_program_office,
)
from accounts.services import do_end_sessions
from core.errors import DomainError

from . import selectors

STAFF_GROUPS = (
    PROGRAM_OFFICE_GROUP,
    INSTITUTION_ADMIN_GROUP,
    INSTITUTION_GRADER_GROUP,
    INSTITUTION_TEACHER_GROUP,
    EMPLOYER_HR_GROUP,
)
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
PASSKEY_NAME_MAX_LENGTH = 64  # django-otp's Device.name
_SIX_DIGITS = re.compile(r"^\d{6}$")


class SecondFactorError(DomainError):
    """A refused step, with a translated message for the person."""


#: The code of a :class:`SecondFactorError` for a code refused unread: django-otp's wait after a wrong one was on.
THROTTLED = "throttled"


#: From this many wrong codes in a row, the wait (django-otp's: 1, 2, 4 … seconds) is said to be for too many.
TOO_MANY_WRONG_CODES = 3


def _throttled(why: dict[str, Any] | None) -> SecondFactorError:
    """django-otp refused to check a code yet (``verify_is_allowed``: the wait after the last wrong one, which
    doubles with each): say how long is left, and "too many" only once there were."""
    why = why or {}
    locked_until = why.get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    if int(why.get("failure_count") or 0) >= TOO_MANY_WRONG_CODES:
        message = ngettext_lazy(
            "Too many wrong codes in a row. Wait %(seconds)s second before trying again.",
            "Too many wrong codes in a row. Wait %(seconds)s seconds before trying again.",
            "seconds",
        )
    else:
        message = ngettext_lazy(
            "After a wrong code, the next one is checked only after a short wait. Wait %(seconds)s second, "
            "then try again.",
            "After a wrong code, the next one is checked only after a short wait. Wait %(seconds)s seconds, "
            "then try again.",
            "seconds",
        )
    return SecondFactorError(THROTTLED, message % {"seconds": seconds})


def needs_second_factor(user: User | Any) -> bool:
    """Anyone who can reach Django admin or staff rights: staff status, superusers, staff groups,
    institution staff, employer HR staff. Trainees do not."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if StaffMembership.objects.filter(user_id=user.pk).exists():
        return True
    if EmployerMembership.objects.filter(user_id=user.pk).exists():
        return True
    return user.groups.filter(name__in=STAFF_GROUPS).exists()


def authenticator_of(user: User, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("pk").first()


def has_second_factor(user: User) -> bool:
    """An authenticator app or a passkey (recovery codes alone are no second factor to set up)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists() or selectors.has_passkey(user)


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand: base32, no padding."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def normalize_code(code: str) -> str:
    """Spaces and dashes people copy with a code go; recovery codes are lower case."""
    return re.sub(r"[\s-]", "", str(code or "")).lower()


@transaction.atomic
def do_start_enrolment(*, user: User) -> TOTPDevice:
    """The person's unconfirmed authenticator, made on the first visit and kept until confirmed.

    Refused when a confirmed one exists: a second enrolment is a reset by the program office.
    """
    if has_second_factor(user):
        raise SecondFactorError("enrolled", _("You have set up your second factor already."))
    device = authenticator_of(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def do_confirm_enrolment(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator with a code it shows; returns it and 10 new recovery codes.

    The codes are stored by django-otp and shown to the person once, by the caller.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None or has_second_factor(user):
            raise SecondFactorError("enrolled", _("You have set up your second factor already."))
        allowed, why = device.verify_is_allowed()
        accepted = (
            allowed
            and _SIX_DIGITS.match(normalize_code(code)) is not None
            and device.verify_token(normalize_code(code))
        )
    # Outside the block above: a refusal keeps django-otp's throttle count.
    if not allowed:
        raise _throttled(why)
    if not accepted:
        raise SecondFactorError("wrong_code", _("That code is not right. Enter the six digits your app shows now."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit.record(audit.Action.SECOND_FACTOR_ENROLLED, actor=user, target=user, summary=user.email)
    return device, codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in codes])
    return codes


def do_verify(*, user: User, code: str) -> Device:
    """The device that accepts ``code`` (six digits: the authenticator; else a recovery code,
    which is spent). A refusal raises ``SecondFactorError``; the caller counts a code read and
    refused toward the lock-out. django-otp's own throttle (1, 2, 4 … seconds after each failure)
    applies too: during its wait a code is refused unread (``THROTTLED``), which guessed nothing.
    """
    code = normalize_code(code)
    if _SIX_DIGITS.match(code):
        device: Device | None = authenticator_of(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not code:
        raise SecondFactorError("wrong_code", _("That code is not right."))
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, why = device.verify_is_allowed()
        accepted = allowed and device.verify_token(code)
    if not allowed:
        raise _throttled(why)
    if not accepted:
        raise SecondFactorError("wrong_code", _("That code is not right."))
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        audit.record(
            audit.Action.RECOVERY_CODE_USED,
            actor=user,
            target=user,
            summary=user.email,
            detail={"recovery_codes_left": left},
        )
    return device


def do_complete_log_in(*, request: HttpRequest, device: Device) -> None:
    """``request``'s session has passed the second step with ``device`` (a code, a recovery code, a
    passkey, or the first one set up): mark it verified and forget the failures of both steps.

    Every way through the second step ends here. The session gets a new id (and a new CSRF token), as
    Django gives one at the password: an id seen before, while the session could open nothing but
    this step, must not open the staff pages now.
    """
    request.session.cycle_key()
    rotate_token(request)
    otp_login(request, device)
    AxesProxyHandler.reset_attempts(username=lockout_credentials(request.user)["username"])  # type: ignore[arg-type]


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def check_may_reset_second_factor(*, actor: User, user: User) -> None:
    """Only the program office (and superusers) reset a person's second factor."""
    if not is_program_office(actor):
        raise SecondFactorError("forbidden", _("Only the program office may reset a second factor."))


@transaction.atomic
def do_reset_second_factor(*, actor: User, user: User) -> int:
    """Delete the person's authenticators, passkeys and recovery codes and end their sessions, so
    that their next log-in enrols again; audited. Returns how many devices were deleted."""
    check_may_reset_second_factor(actor=actor, user=user)
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    deleted += StaticDevice.objects.filter(user=user).delete()[0]
    # Counted as passkeys: the attestation stored with each goes with it but is no device.
    deleted += WebAuthnCredential.objects.filter(user=user).delete()[1].get(WebAuthnCredential._meta.label, 0)
    sessions = do_end_sessions(user=user)
    audit.record(
        audit.Action.SECOND_FACTOR_RESET,
        actor=actor,
        target=user,
        summary=user.email,
        detail={"devices_deleted": deleted, "sessions_ended": sessions},
    )
    return int(deleted)


@transaction.atomic
def do_record_new_passkey(*, user: User, passkey: WebAuthnCredential) -> list[str]:
    """Name and audit the passkey django-otp-webauthn has just saved for ``user``.

    When it is the person's first second factor (they set up a passkey instead of an app), this
    is their enrolment: the unfinished app set-up goes, and 10 recovery codes are made and
    returned, to be shown once by the caller. Otherwise returns no codes.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()  # one set-up at a time per person
    others = WebAuthnCredential.objects.filter(user=user, confirmed=True).exclude(pk=passkey.pk)
    enrolling = not (TOTPDevice.objects.filter(user=user, confirmed=True).exists() or others.exists())
    passkey.name = gettext("Passkey %(number)d") % {"number": others.count() + 1}
    passkey.save(update_fields=["name"])
    audit.record(
        audit.Action.PASSKEY_ADDED,
        actor=user,
        target=user,
        summary=f"{user.email}: {passkey.name}",
        detail={"passkey": passkey.pk, "first_factor": enrolling},
    )
    if not enrolling:
        return []
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user)
    audit.record(
        audit.Action.SECOND_FACTOR_ENROLLED, actor=user, target=user, summary=user.email, detail={"passkey": passkey.pk}
    )
    return codes


def do_record_passkey_used(*, user: User, passkey: WebAuthnCredential) -> None:
    """The person passed the second step with a passkey (the package checked it and counted its use)."""
    audit.record(
        audit.Action.PASSKEY_USED,
        actor=user,
        target=user,
        summary=f"{user.email}: {passkey.name}",
        detail={"passkey": passkey.pk},
    )


def _own_passkey(user: User, passkey_id: int) -> WebAuthnCredential:
    """The person's own passkey; someone else's is as missing as one that does not exist."""
    passkey = selectors.passkey_of(user, passkey_id)
    if passkey is None:
        raise SecondFactorError("not_found", _("There is no such passkey."))
    return passkey


def do_rename_passkey(*, user: User, passkey_id: int, name: str) -> WebAuthnCredential:
    """Give the person's own passkey a name they will recognise ("work laptop")."""
    passkey = _own_passkey(user, passkey_id)
    name = " ".join(str(name or "").split())
    if not name or len(name) > PASSKEY_NAME_MAX_LENGTH:
        raise SecondFactorError("invalid", _("Give the passkey a name of 1 to 64 characters."))
    passkey.name = name
    passkey.save(update_fields=["name"])
    return passkey


@transaction.atomic
def do_remove_passkey(*, user: User, passkey_id: int) -> None:
    """Delete the person's own passkey; audited. Refused for the last second factor they have:
    without it the next log-in could not pass (a reset by the program office starts over)."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    passkey = _own_passkey(user, passkey_id)
    others = selectors.passkeys_of(user).exclude(pk=passkey.pk)
    if not (TOTPDevice.objects.filter(user=user, confirmed=True).exists() or others.exists()):
        raise SecondFactorError(
            "last_factor",
            _("This passkey is your only second factor, so it cannot be removed. Add another passkey first."),
        )
    detail = {"passkey": passkey.pk}
    summary = f"{user.email}: {passkey.name}"
    passkey.delete()
    audit.record(audit.Action.PASSKEY_REMOVED, actor=user, target=user, summary=summary, detail=detail)


@transaction.atomic
def do_set_authenticator(*, user: User, secret: str) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator with a known base32 secret (demo data, tests).

    Idempotent: an existing one with the same secret is kept as it is.
    """
    try:
        key = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    except (binascii.Error, ValueError):
        raise SecondFactorError("invalid", _("The secret is not base32.")) from None
    device = authenticator_of(user)
    if device is not None and device.key == key:
        return device
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True)


def lockout_credentials(user: User) -> dict[str, str]:
    """What django-axes counts a failure under: the account's normalised address."""
    return {"username": normalize_email(user.email)}
