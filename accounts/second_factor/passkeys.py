"""Passkeys (WebAuthn) as the second step, on django-otp-webauthn.

The package does the cryptography (py_webauthn) and stores each passkey as a django-otp device,
so django-otp's ``is_verified()`` — and with it :class:`.middleware.SecondFactorMiddleware` —
accepts a session a passkey verified like one a code verified. Its four JSON views are used
here under this app's URLs (its own URLs are not included) with what the portal adds:

* only people who need a second factor take part, and only after the password (no log-in by
  passkey alone: ``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN`` is off);
* a refused passkey counts toward the same django-axes lock-out as a wrong code (kept, like
  it, by a password reset: :mod:`accounts.lockout`), a locked account cannot pass with a
  passkey either (told what the lock-out page tells: :func:`accounts.lockout.lock_out_words`),
  and the log-in is complete (failures forgotten) only when the passkey is accepted;
* passkeys added, used and removed are in the audit trail; a first passkey made at set-up
  comes with recovery codes, as an authenticator app does;
* the answers' messages are the portal's, in the person's language.

Its browser scripts are served from our static files as they are; they call ``gettext``, which
``static/accounts/second_factor/passkeys.js`` defines from :func:`script_messages` in the page.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.middleware import csrf
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import lockout

from . import services
from .middleware import requires_second_factor
from .navigation import next_url, url_with_next

# Recovery codes wait here between a set-up and the page that shows them once (views.recovery_codes).
FRESH_CODES = "_second_factor_fresh_codes"
# A refused ceremony is logged with the reason py_webauthn gave (the person sees a plain message).
log = logging.getLogger(__name__)


class NotStaff(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "not_staff"


class LockedOut(exceptions.OTPWebAuthnApiError):
    """Refused for a lock-out; its detail is :func:`accounts.lockout.lock_out_words`, as on the lock-out page."""

    status_code = 429  # as django-axes answers a locked log-in
    default_code = "locked_out"


# The package's refusals (by code) as the person reads them; anything else is the last one.
REFUSALS = {
    "not_authenticated": _("Log in with your password first."),
    "passwordless_login_disabled": _("Log in with your password first."),
    "not_staff": _("Passkeys are for staff log-ins only."),
    "user_not_verified": _("Pass the second step first (with your code or a passkey you have), then add a passkey."),
    "invalid_state": _("This step has expired. Please try again."),
    "credential_not_found": _("That passkey is not one of this account's. Use another one, or enter a code."),
    "credential_user_mismatch": _("That passkey is not one of this account's. Use another one, or enter a code."),
    "credential_disabled": _("That passkey is not one of this account's. Use another one, or enter a code."),
    "user_disabled": _("This account is deactivated."),
}
REFUSED = _("The passkey could not be checked. Try again, or enter a code.")


def script_messages() -> dict[str, str]:
    """The texts of django-otp-webauthn's scripts in the current language, by the package's msgid."""
    return {msgid: gettext(msgid) for msgid in SCRIPT_MSGIDS}


def script_configuration(request: HttpRequest, *, next_to: str) -> dict[str, Any]:
    """What the package's scripts read from ``#otp_webauthn_config``: our ceremony URLs and the
    CSRF token (the cookie is HttpOnly). ``next_to`` is where a completed ceremony goes on to."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("second_factor:passkey_authentication_begin"),
        "completeAuthenticationUrl": reverse("second_factor:passkey_authentication_complete"),
        "beginRegistrationUrl": reverse("second_factor:passkey_registration_begin"),
        # The registration script sends no ``next`` of its own: it travels in the URL.
        "completeRegistrationUrl": (
            f"{reverse('second_factor:passkey_registration_complete')}?{urlencode({'next': next_to})}"
        ),
    }


class _PortalCeremony:
    """The portal's rules on top of a package view (first in the bases)."""

    request: HttpRequest

    def initial(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not requires_second_factor(request):
            raise NotStaff()
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def handle_exception(self, exc: Exception) -> JsonResponse:
        if isinstance(exc, LockedOut):
            return JsonResponse({"detail": str(exc.detail), "code": exc.code}, status=exc.status_code)
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            return JsonResponse(
                {"detail": str(REFUSALS.get(exc.code, REFUSED)), "code": exc.code}, status=exc.status_code
            )
        raise exc


class BeginRegistration(_PortalCeremony, BeginCredentialRegistrationView):
    """Options for a new passkey. The package refuses a person who has a second factor but has
    not passed it in this session (no adding a passkey with the password alone)."""


class CompleteRegistration(_PortalCeremony, CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        request = self.request
        user = request.user
        state = self.get_state()
        helper = self.get_helper()
        with rewrite_exceptions(logger=log), transaction.atomic():
            passkey = helper.register_complete(user=user, state=state, data=request.data)
            codes = services.do_record_new_passkey(user=user, passkey=passkey)
        after = next_url(request)
        if codes:
            # Set-up with a passkey: the log-in is complete, as after confirming an app.
            services.do_complete_log_in(request=request, device=passkey)
            request.session[FRESH_CODES] = codes
            after = url_with_next("second_factor:recovery_codes", after)
        # The page's script goes on to name the passkey, then to ``after``.
        name_it = url_with_next("second_factor:passkey_name", after, passkey.pk)
        return JsonResponse({"id": passkey.pk, "next_url": name_it})


class BeginAuthentication(_PortalCeremony, BeginCredentialAuthenticationView):
    """A challenge for the person's own passkeys (their credential ids go to the browser)."""

    def initial(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _refuse_when_locked(request)


class CompleteAuthentication(_PortalCeremony, CompleteCredentialAuthenticationView):
    def initial(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _refuse_when_locked(request)

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        request = self.request
        user = request.user
        state = self.get_state()
        helper = self.get_helper()
        credentials = services.lockout_credentials(user)
        try:
            with rewrite_exceptions(logger=log):
                # The package checks the signature, that the passkey is this person's, and its counter.
                passkey = helper.authenticate_complete(user=user, state=state, data=request.data)
            self.check_device_usable(passkey)
        except exceptions.OTPWebAuthnApiError:
            # Counted by django-axes with the wrong codes (and written to the audit trail).
            lockout.count_second_factor_failure(request=request, credentials=credentials)
            if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
                words = str(lockout.lock_out_words(request, credentials))
                logout(request)
                # Answered here, in JSON the page's script shows, not with django-axes' HTML page.
                request.axes_locked_out = False
                raise LockedOut(words) from None
            raise
        services.do_complete_log_in(request=request, device=passkey)
        services.do_record_passkey_used(user=user, passkey=passkey)
        return JsonResponse({"id": passkey.pk, "redirect_url": next_url(request)})


def _refuse_when_locked(request: HttpRequest) -> None:
    """A locked account cannot pass the second step with a passkey either: log out, say why."""
    credentials = services.lockout_credentials(request.user)
    if AxesProxyHandler.is_locked(request, credentials):
        words = str(lockout.lock_out_words(request, credentials))
        logout(request)
        raise LockedOut(words)


# Every text django-otp-webauthn's scripts pass to ``gettext``: the package's English msgids as they
# are (tests/security/test_passkeys.py reads them from the scripts); the translations are ours.
SCRIPT_MSGIDS = (
    gettext_noop("Register a Passkey"),
    gettext_noop("Registering..."),
    gettext_noop("Registration failed. Unable to fetch registration options from server."),
    gettext_noop("Registration aborted."),
    gettext_noop("Registration failed. You most likely already have a Passkey registered for this site."),
    gettext_noop("Registration aborted or not allowed."),
    gettext_noop(
        "Registration failed. A technical problem occurred that prevents you from registering a Passkey for this site."
    ),
    gettext_noop("Registration failed. An unknown error occurred."),
    gettext_noop("Finishing registration..."),
    gettext_noop("Registration failed. The server was unable to verify this passkey."),
    gettext_noop("Registration failed. A server error occurred."),
    gettext_noop("Registration successful!"),
    gettext_noop("An error occurred during registration."),
    gettext_noop("Verify with Passkey"),
    gettext_noop("Verifying..."),
    gettext_noop("Verification failed. Could not retrieve parameters from the server."),
    gettext_noop("Verification aborted."),
    gettext_noop("Verification canceled or not allowed."),
    gettext_noop("Verification failed. An unknown error occurred."),
    gettext_noop("Finishing verification..."),
    gettext_noop("Verification failed. An unknown server error occurred."),
    gettext_noop("Verification failed. A server error occurred."),
    gettext_noop("Verification successful!"),
    gettext_noop("An error occurred during verification."),
)
