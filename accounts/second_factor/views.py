"""The second step of a staff log-in: enrol an authenticator (or a passkey), enter a code (or use a
passkey), see recovery codes once; and a staff person's own passkeys: list, name, remove."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp_webauthn.models import WebAuthnCredential

from accounts import lockout

from . import selectors, services
from .forms import EnrolCodeForm, PasskeyNameForm, VerifyCodeForm
from .middleware import requires_second_factor
from .navigation import next_url, redirect_with_next
from .passkeys import FRESH_CODES, script_configuration, script_messages


def _locked_out(request: HttpRequest, credentials: dict[str, str]) -> HttpResponse:
    """A locked account cannot pass the second step either: log out, show the lock-out page."""
    logout(request)
    return get_lockout_response(request, credentials=credentials)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not requires_second_factor(request):
        return redirect(next_url(request))
    if services.has_second_factor(user):
        return redirect_with_next("second_factor:verify", request)
    device = services.do_start_enrolment(user=user)
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.do_confirm_enrolment(user=user, code=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            services.do_complete_log_in(request=request, device=device)
            request.session[FRESH_CODES] = codes
            return redirect_with_next("second_factor:recovery_codes", request)
    context = {
        "form": form,
        "next": next_url(request),
        "secret": services.secret_of(device),
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        **_passkey_scripts(request, next_to=next_url(request)),
    }
    return render(request, "accounts/second_factor/enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not requires_second_factor(request) or user.is_verified():
        return redirect(next_url(request))
    if not services.has_second_factor(user):
        return redirect_with_next("second_factor:enrol", request)
    credentials = services.lockout_credentials(user)
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.do_verify(user=user, code=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            # A wrong code is counted by django-axes toward the same lock-out as the wrong passwords, apart from them
            # (a password reset does not forget it), and written to the audit trail; a code refused unread during
            # django-otp's wait after the last wrong one guessed nothing, so it is not: a person retyping quickly
            # would lock their account sooner.
            if error.code != services.THROTTLED:
                lockout.count_second_factor_failure(request=request, credentials=credentials)
            if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
                return _locked_out(request, credentials)
            form.add_error("code", str(error))
        else:
            services.do_complete_log_in(request=request, device=device)
            if device.persistent_id.startswith("otp_static."):
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left. "
                        "Ask the program office for a reset to set up a new authenticator.",
                        "You used a recovery code; %(count)d are left. "
                        "Ask the program office for a reset to set up a new authenticator.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url(request))
    context = {"form": form, "next": next_url(request), "has_passkey": selectors.has_passkey(user)}
    if context["has_passkey"]:
        context |= _passkey_scripts(request, next_to=next_url(request))
    return render(request, "accounts/second_factor/verify.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The codes made at enrolment, shown once: a reload finds them gone."""
    codes = request.session.pop(FRESH_CODES, None)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once, right after you set up your authenticator."))
        return redirect(next_url(request))
    return render(request, "accounts/second_factor/recovery_codes.html", {"codes": codes, "next": next_url(request)})


def _passkey_scripts(request: HttpRequest, *, next_to: str) -> dict[str, object]:
    """What a page with django-otp-webauthn's scripts needs (templates/accounts/second_factor/_passkey_scripts.html)."""
    return {
        "passkey_configuration": script_configuration(request, next_to=next_to),
        "passkey_messages": script_messages(),
    }


# --- a staff person's own passkeys -------------------------------------------------------------


def _own_passkeys_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff only, after the second step (the gate sends anyone else there first: these pages are
    not among its open ones); trainees have no such page."""

    @wraps(view)
    @never_cache
    @login_required
    def page(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not requires_second_factor(request):
            raise Http404
        if not request.user.is_verified():
            return redirect_with_next("second_factor:verify", request)
        return view(request, *args, **kwargs)

    return page


def _own_passkey_or_404(request: HttpRequest, pk: int) -> WebAuthnCredential:
    """The user's own passkey; someone else's is as missing as one that does not exist."""
    passkey = selectors.passkey_of(request.user, pk)
    if passkey is None:
        raise Http404
    return passkey


@_own_passkeys_page
def passkeys(request: HttpRequest) -> HttpResponse:
    here = reverse("second_factor:passkeys")
    context = {"passkeys": selectors.passkeys_of(request.user), **_passkey_scripts(request, next_to=here)}
    return render(request, "accounts/second_factor/passkeys.html", context)


@_own_passkeys_page
@require_http_methods(["GET", "POST"])
def passkey_name(request: HttpRequest, pk: int) -> HttpResponse:
    passkey = _own_passkey_or_404(request, pk)
    after = next_url(request, default=reverse("second_factor:passkeys"))
    form = PasskeyNameForm(request.POST or None, initial={"name": passkey.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_rename_passkey(user=request.user, passkey_id=passkey.pk, name=form.cleaned_data["name"])
        except services.SecondFactorError as error:
            form.add_error("name", str(error))
        else:
            return redirect(after)
    context = {"form": form, "passkey": passkey, "next": after}
    return render(request, "accounts/second_factor/passkey_name.html", context)


@_own_passkeys_page
@require_http_methods(["GET", "POST"])
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    passkey = _own_passkey_or_404(request, pk)
    if request.method == "POST":
        try:
            services.do_remove_passkey(user=request.user, passkey_id=passkey.pk)
        except services.SecondFactorError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The passkey “%(name)s” was removed.") % {"name": passkey.name})
        return redirect("second_factor:passkeys")
    return render(request, "accounts/second_factor/passkey_remove.html", {"passkey": passkey})
