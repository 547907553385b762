"""A friendly answer while the database is unreachable (a restart, a fail-over), never a traceback.

Django would answer a 500 (with a traceback under DEBUG). This answers 503 with ``Retry-After`` in the
visitor's language instead (the middleware for errors in views, ``server_error`` as ``handler500`` for
errors anywhere else, such as a middleware loading the session): JSON for the exam page's answer saves
(its script retries them), problem JSON for the API, a small page for everything else. The page renders
without the database (no ``request.user``, no context processors).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get("Accept", "")


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 for ``request``: problem JSON for the API, JSON for the exam page's saves, else a page."""
    message = _("The service is briefly unavailable. Nothing you saved is lost; please try again in a moment.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"type": "about:blank", "title": _("Service unavailable"), "status": 503, "detail": message},
            status=503,
            content_type="application/problem+json",
        )
    elif _wants_json(request):
        response = JsonResponse({"ok": False, "code": "unavailable", "error": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database outage anywhere (a middleware loading the session, too) is a 503."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        return outage_response(request)
    return defaults.server_error(request)


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.warning("Database unavailable during %s %s: %s", request.method, request.path, exception)
        return outage_response(request)
