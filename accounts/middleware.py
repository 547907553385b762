"""Request ids, the logged-in person, and session expiry.

``RequestIdMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it looks
like one, else a new one), returns it in ``X-Request-ID``, binds the request for the audit
trail and records refused access (403). ``SessionExpiryMiddleware`` logs a person out after
``SESSION_IDLE_SECONDS`` without a request and ``SESSION_ABSOLUTE_SECONDS`` after log-in.
``AuthenticationMiddleware`` is Django's, taking the user row the session engine read with the
session (``accounts.sessions``) instead of reading it again.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend, logout
from django.contrib.auth import _get_user_session_key as user_session_key
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.middleware import auser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from core.raw_rows import get_by_pk

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
        # 32 random hex digits, as uuid4().hex but without building a UUID on every request.
        request.request_id = incoming if _VALID_ID.match(incoming) else os.urandom(16).hex()
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
        audit.record_refused_request(request, detail={"status": response.status_code})
    except Exception:
        log.exception("Could not record a refused access")


def get_user(request: HttpRequest) -> Any:
    """``django.contrib.auth.get_user``, the user row taken from the session's load when it is the
    session's user and the backend is Django's model backend (the same row ``ModelBackend.get_user``
    would read, in the same request). The checks are Django's: the backend is still configured, the
    person may log in (``is_active``), the session's hash matches the password (or a fallback key)."""
    user = None
    try:
        user_id = user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = load_backend(backend_path)
            loaded = getattr(request.session, "loaded_user", None)
            if type(backend) is ModelBackend and loaded is not None and loaded.pk == user_id:
                user = loaded if backend.user_can_authenticate(loaded) else None
            else:
                user = backend.get_user(user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                session_auth_hash = user.get_session_auth_hash()
                if not (session_hash and constant_time_compare(session_hash, session_auth_hash)):
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback)
                        for fallback in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


class _DeviceOfSession(OTPMiddleware):
    """django-otp's ``OTPMiddleware``, the session's device read by SQL composed once per connection
    (``core.raw_rows``) rather than by the ORM on every staff request. Its checks are django-otp's:
    the device must still exist, belong to the user and be confirmed (``_finalize_device``)."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        try:
            model = apps.get_model(label)
            pk = int(device_id)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device):
            return None
        return get_by_pk(model, pk)  # type: ignore[return-value]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with :func:`get_user` (the user row read with the session), and django-otp's
    ``OTPMiddleware`` in the same step: its own code marks the user with the device that verified
    this session (``otp_device``, ``is_verified()``), without a second lazy wrapper around every
    ``request.user`` and a middleware of its own on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        self.otp = _DeviceOfSession(get_response)

    def process_request(self, request: HttpRequest) -> None:
        if not hasattr(request, "session"):
            super().process_request(request)  # Django's error about the missing session middleware
        otp = self.otp
        request.auser = partial(otp._verify_user_async_via_auser, request, partial(auser, request))  # type: ignore[attr-defined]

        def lazy_user() -> Any:
            if not hasattr(request, "_cached_user"):
                request._cached_user = otp._verify_user_sync(request, get_user(request))  # type: ignore[attr-defined]
            return request._cached_user  # type: ignore[attr-defined]

        request.user = SimpleLazyObject(lazy_user)


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
