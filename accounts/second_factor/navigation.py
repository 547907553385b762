"""Where the second step sends a person afterwards: ``next`` when it is an address on this site, else where a
log-in lands (:func:`accounts.landing.landing_url`: staff on the admin's index)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from accounts.landing import landing_url


def next_url(request: HttpRequest, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A target without "/" would be taken for a URL name by redirect() (and fail): only addresses.
    if "/" in target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    # An address (pages link to it and the passkey script follows it), not a URL name.
    return resolve_url(default) if default else landing_url(request.user)


def url_with_next(name: str, next_to: str, *args: object) -> str:
    return f"{reverse(name, args=args)}?{urlencode({'next': next_to})}"


def redirect_with_next(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(url_with_next(name, next_url(request)))
