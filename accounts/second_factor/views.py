"""The second step of a staff log-in: enrol an authenticator, enter a code, see recovery codes once."""

from __future__ import annotations

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from . import services
from .forms import EnrolCodeForm, VerifyCodeForm
from .middleware import requires_second_factor

# Recovery codes wait here between the enrolment's POST and the page that shows them once.
FRESH_CODES = "_second_factor_fresh_codes"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _with_next(name: str, request: HttpRequest) -> HttpResponse:
    from django.urls import reverse
    from django.utils.http import urlencode

    return redirect(f"{reverse(name)}?{urlencode({'next': _next(request)})}")


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
        return redirect(_next(request))
    if services.has_second_factor(user):
        return _with_next("second_factor:verify", request)
    device = services.do_start_enrolment(user=user)
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.do_confirm_enrolment(user=user, code=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            AxesProxyHandler.reset_attempts(username=services.lockout_credentials(user)["username"])
            request.session[FRESH_CODES] = codes
            return _with_next("second_factor:recovery_codes", request)
    context = {
        "form": form,
        "next": _next(request),
        "secret": services.secret_of(device),
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
    }
    return render(request, "accounts/second_factor/enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not requires_second_factor(request) or user.is_verified():
        return redirect(_next(request))
    if not services.has_second_factor(user):
        return _with_next("second_factor:enrol", request)
    credentials = services.lockout_credentials(user)
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.do_verify(user=user, code=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            # Counted by django-axes with the wrong passwords (and written to the audit trail).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
                return _locked_out(request, credentials)
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            # The log-in is complete only now: the failures of both steps are forgotten.
            AxesProxyHandler.reset_attempts(username=credentials["username"])
            if device.persistent_id.startswith("otp_static."):
                left = services.recovery_codes_left(user)
                messages.warning(request, ngettext(
                    "You used a recovery code; %(count)d is left. Ask the program office for a reset to set up a new authenticator.",
                    "You used a recovery code; %(count)d are left. Ask the program office for a reset to set up a new authenticator.",
                    left,
                ) % {"count": left})
            return redirect(_next(request))
    return render(request, "accounts/second_factor/verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The codes made at enrolment, shown once: a reload finds them gone."""
    codes = request.session.pop(FRESH_CODES, None)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once, right after you set up your authenticator."))
        return redirect(_next(request))
    return render(request, "accounts/second_factor/recovery_codes.html", {"codes": codes, "next": _next(request)})
