"""Where the second step sends a person afterwards: ``next`` when it is an address on this site, else home."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def next_url(request: HttpRequest, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A target without "/" would be taken for a URL name by redirect() (and fail): only addresses.
    if "/" in target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default or settings.LOGIN_REDIRECT_URL)  # an address (pages link to it), not a URL name


def url_with_next(name: str, next_to: str, *args: object) -> str:
    return f"{reverse(name, args=args)}?{urlencode({'next': next_to})}"


def redirect_with_next(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(url_with_next(name, next_url(request)))
