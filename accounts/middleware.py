"""Request ids, the logged-in person, and session expiry.

``RequestIdMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it looks
like one, else a new one), returns it in ``X-Request-ID``, binds the request for the audit
trail and records refused access (403). ``SessionExpiryMiddleware`` logs a person out after
``SESSION_IDLE_SECONDS`` without a request and ``SESSION_ABSOLUTE_SECONDS`` after log-in.
``AuthenticationMiddleware`` is Django's, taking the user row the session engine read with the
session (``accounts.sessions``) instead of reading it again. ``FormAfterSessionMiddleware`` sends a
form posted after the session ended back to the page it was on, once the person has logged in again.
``PrivateToTheSignedInMiddleware`` keeps a signed-in person's pages out of shared caches.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, REDIRECT_FIELD_NAME, load_backend, logout
from django.contrib.auth import _get_user_session_key as user_session_key  # type: ignore[attr-defined]
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.middleware import auser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from core.middleware import is_login_page, same_site_referer
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
        request.request_id = incoming if _VALID_ID.match(incoming) else os.urandom(16).hex()  # type: ignore[attr-defined]
        token = audit.bind_request(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                _record_refusal(request, response)
        finally:
            audit.unbind_request(token)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
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
            if user is not None and hasattr(user, "get_session_auth_hash"):
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


class _DeviceOfSession(OTPMiddleware):  # type: ignore[misc]  # django-otp has no types
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
        return get_by_pk(model, pk)


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
        request.auser = partial(otp._verify_user_async_via_auser, request, partial(auser, request))

        def lazy_user() -> Any:
            if not hasattr(request, "_cached_user"):
                request._cached_user = otp._verify_user_sync(request, get_user(request))  # type: ignore[attr-defined]
            return request._cached_user  # type: ignore[attr-defined]

        request.user = SimpleLazyObject(lazy_user)  # type: ignore[assignment]  # as Django's own


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


class FormAfterSessionMiddleware:
    """A form posted without a session (it ended, or the person logged out in another tab) goes, after the
    log-in, back to the page it was on, and the log-in page says that it was not sent.

    Django's ``login_required`` (every app's) sends an anonymous request to the log-in page with ``next``
    set to the request's own address; for a POST that is the form's target, often a POST-only view (an
    enrol button, the self-study form), whose GET after the log-in was a blank 405 and what was typed was
    lost. Here, once for the whole site, such a redirect's ``next`` becomes the page the form was on (the
    ``Referer``, when it is this site's), else none (the log-in then opens the dashboard). Listed after
    the authentication middleware (it reads the user) and after MessageMiddleware (which then stores the
    message).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and response.status_code == 302 and self.sends_form_to_log_in(request, response):
            back = same_site_referer(request)
            query = QueryDict(mutable=True)
            if back and not is_login_page(back):
                query[REDIRECT_FIELD_NAME] = back
            response["Location"] = resolve_url(settings.LOGIN_URL) + (f"?{query.urlencode(safe='/')}" if query else "")
            messages.info(
                request,
                _("Your session had ended, so the form was not sent. Log in, then send the form again."),
                fail_silently=True,
            )
        return response

    @staticmethod
    def sends_form_to_log_in(request: HttpRequest, response: HttpResponse) -> bool:
        """``response`` is ``redirect_to_login`` of this anonymous request: to the log-in page, ``next``
        the request's own address."""
        location = urlsplit(response.get("Location", ""))
        if location.netloc or not is_login_page(location.path):
            return False
        if QueryDict(location.query).get(REDIRECT_FIELD_NAME) != request.get_full_path():
            return False
        return not request.user.is_authenticated


class PrivateToTheSignedInMiddleware:
    """A page made for a signed-in person is theirs: ``Cache-Control: private`` (no shared cache or proxy keeps
    it), unless the view said more (``never_cache``'s ``no-store`` on files with names, the admin's). Once for
    the whole site, so that a new page cannot forget it. The HR API needs none: its requests carry an
    ``Authorization`` header, whose answers shared caches do not keep (RFC 9111, 3.5)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
