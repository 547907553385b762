"""Request ids and session expiry.

``RequestIdMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it looks
like one, else a new one), returns it in ``X-Request-ID``, binds the request for the audit
trail and records refused access (403). ``SessionExpiryMiddleware`` logs a person out after
``SESSION_IDLE_SECONDS`` without a request and ``SESSION_ABSOLUTE_SECONDS`` after log-in.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from . import audit

log = logging.getLogger(__name__)
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Session keys written by SessionExpiryMiddleware and the login receiver.
AUTH_AT = "_auth_at"
SEEN_AT = "_seen_at"
# A person's last-seen time is written at most this often (not on every request).
SEEN_RESOLUTION_SECONDS = 60


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = audit.bind_request(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                _record_refusal(request, response)
        finally:
            audit.unbind_request(token)
        response["X-Request-ID"] = request.request_id
        return response


def _record_refusal(request: HttpRequest, response: HttpResponse) -> None:
    try:
        audit.record(
            audit.Action.ACCESS_REFUSED,
            request=request,
            summary=f"{request.method} {request.path}"[:500],
            detail={"status": response.status_code},
        )
    except Exception:
        log.exception("Could not record a refused access")


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            auth_at = session.get(AUTH_AT)
            seen_at = session.get(SEEN_AT, auth_at)
            if auth_at is None:
                # A session from before this middleware: its age starts now.
                session[AUTH_AT] = session[SEEN_AT] = now
            elif (
                now - auth_at > settings.SESSION_ABSOLUTE_SECONDS
                or now - (seen_at or 0) > settings.SESSION_IDLE_SECONDS
            ):
                logout(request)
            elif now - (seen_at or 0) > SEEN_RESOLUTION_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)
