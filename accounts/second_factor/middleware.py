"""One gate for every staff page: a staff person logged in with a password only reaches the
second-factor pages, log-out and the language switch; everything else sends them to enrolment
(no authenticator yet) or to the code (``?next=`` brings them back). A session counts as verified
by any django-otp device: an authenticator's code, a recovery code or a passkey.

Whether the person needs a second factor is decided once per session (staff status and
superusers are read from the user row on every request; groups and institution staff once)
and kept in the session; a role granted later ends the person's sessions (``receivers``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from . import services

REQUIRED = "_second_factor_required"
# Pages an unverified staff person may open, by URL name, besides the second step's own.
OPEN = frozenset({"accounts:logout", "admin:logout", "set_language"})
# The second step's pages that manage a person's passkeys: behind the gate like any staff page.
GATED_STEP_PAGES = frozenset({"second_factor:passkeys", "second_factor:passkey_name", "second_factor:passkey_remove"})


def is_open(view_name: str, namespace: str) -> bool:
    """An unverified staff person may open this page: log-out, the language, the second step."""
    return view_name in OPEN or (namespace == "second_factor" and view_name not in GATED_STEP_PAGES)


def requires_second_factor(request: HttpRequest) -> bool:
    """The person of ``request`` must pass a second factor (whether or not they have)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    required = request.session.get(REQUIRED)
    if required is None:
        required = request.session[REQUIRED] = services.needs_second_factor(user)
    return bool(required)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or is_open(match.view_name, match.namespace):
            return None
        if not requires_second_factor(request) or request.user.is_verified():
            return None
        step = "second_factor:verify" if services.has_second_factor(request.user) else "second_factor:enrol"
        return redirect(f"{_url(step)}?{urlencode({'next': request.get_full_path()})}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
