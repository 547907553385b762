"""Errors in one shape, RFC 9457 problem details: type, title, status, detail, errors[].

``errors`` names every bad field: ``{"field": "items[3].email", "code": "invalid", "message": …}``.

``title``, ``detail`` and every ``errors[].message`` are in the request's language
(``Accept-Language``): every text is translated when the answer is made, never at import; DRF's
own texts are in the project's catalog (tests/api/test_error_language.py walks them).

A domain service's refusal (``core.errors.DomainError``: a stable ``code``, a translatable
``message``, maybe a ``field``) becomes an answer by its code (:func:`refusal`): 409 when the view
names the code a conflict with the state of a resource, otherwise 400 naming its field.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.errors import DomainError
from hr_api.problems import type_uri
from hr_api.serializers.base import TYPE_MESSAGES


class Refusal(Protocol):
    """What every service refusal carries: :class:`core.errors.DomainError` and the apps' own error
    classes (AccountError, TrainingError, ExamError), with ``field`` where there is one."""

    code: str
    message: Any


PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("Bad request"),
    401: _("Authentication needed"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    429: _("Too many requests"),
}


class Conflict(exceptions.APIException):
    """The request is well formed but the state of a resource refuses it (a full cohort …)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


def batch_conflict(name: str, size: int, errors: Mapping[int, dict[str, list[Any]]]) -> Conflict:
    """A batch that fits the schema but that the employer's rows or the batch itself refuse item by item:
    409, as for any state conflict (400 is for what breaks the schema; issue 15, item 10), with the list
    ``name`` of one error object per item of the ``size`` sent, ``{}`` for those that passed. All of them
    or none: the caller's transaction rolls back the items that passed."""
    return Conflict({name: [errors.get(index, {}) for index in range(size)]})


class AddressThrottled(exceptions.Throttled):
    """Throttled per address (hr_api.auth.AddressRateThrottle: the public schema), not per client."""


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def refusal(
    error: Refusal,
    *,
    conflicts: Collection[str] = (),
    detail: str | None = None,
) -> exceptions.APIException:
    """A service's refusal as the API's answer, keyed by its stable ``code``.

    A code in ``conflicts`` (the state of a resource refuses: a full cohort, a number taken) is 409;
    any other is 400 naming the refusal's ``field`` (or none). ``detail`` replaces the service's
    message where the HR system needs its own wording (the enrolment views).
    """
    text = str(error.message) if detail is None else detail
    if error.code in conflicts:
        return Conflict(text, code=error.code)
    field = getattr(error, "field", None) or "non_field_errors"
    return exceptions.ValidationError({field: [text]}, code=error.code)


#: DRF's texts that it writes as plain strings, never through its catalog, in the API's words (which are
#: translated). Only those an error of a JSON body can carry: "No data provided" is DRF's for a body of ``null``.
DRF_PLAIN_TEXTS = {"No data provided": TYPE_MESSAGES["object"]}


def message_of(item: Any) -> str:
    """An error's text in the request's language: DRF's plain English ones (:data:`DRF_PLAIN_TEXTS`)
    in the API's words."""
    text = str(item)
    return str(DRF_PLAIN_TEXTS.get(text, text))


def flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error dict/list into a flat list with dotted field paths."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # DRF's ListSerializer reports its items' errors by index
                out += flatten(value, f"{prefix}[{key}]")
                continue
            name = "" if key in ("non_field_errors",) else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            out += flatten(value, path)
    elif isinstance(detail, list):
        if all(isinstance(item, (str, exceptions.ErrorDetail)) for item in detail):
            for item in detail:
                out.append({"field": prefix, "code": getattr(item, "code", "invalid"), "message": message_of(item)})
        else:
            for index, item in enumerate(detail):
                if item:
                    out += flatten(item, f"{prefix}[{index}]")
    else:
        out.append({"field": prefix, "code": getattr(detail, "code", "invalid"), "message": message_of(detail)})
    return out


def problem_body(status_code: int, *, code: str, detail: str) -> dict[str, Any]:
    """The members every problem has, in the request's language (also for the answers made outside
    DRF: :func:`not_found`, the token endpoint's throttle)."""
    return {
        "type": type_uri(code),
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": detail,
    }


def problem(status_code: int, *, code: str, detail: str, errors: list | None = None, headers=None) -> Response:
    body = problem_body(status_code, code=code, detail=detail)
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    return response


def problem_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError()  # Django's own text is English whatever the language
    elif isinstance(exc, DomainError):
        exc = refusal(exc)  # a view that knows which of its codes are conflicts maps them itself
    if not isinstance(exc, exceptions.APIException):
        return None

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))

    errors: list[dict[str, str]] = []
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        detail = str(_("The request has invalid fields; see errors."))
        code = "invalid"
    elif isinstance(exc, exceptions.Throttled):
        # DRF formats the wait into its text before translating it, so no catalog can match it. A throttle per
        # address (the schema's: no client is involved) says so.
        if isinstance(exc, AddressThrottled):
            detail = str(_("Too many requests from this address; wait %(seconds)s s (Retry-After) and try again."))
        else:
            detail = str(_("Too many requests from this client; wait %(seconds)s s (Retry-After) and try again."))
        detail %= {"seconds": headers.get("Retry-After", "1")}
        code = "throttled"
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith("JSON parse error"):
        # The JSON parser's reason is English: keep only where it is, in the request's language.
        where = re.search(r"line (\d+) column (\d+)", str(exc.detail))
        if where:
            detail = str(_("The request body is not valid JSON (line %(line)s, column %(column)s).")) % {
                "line": where[1],
                "column": where[2],
            }
        else:
            detail = str(_("The request body is not valid JSON."))
        code = "parse_error"
    else:
        detail_obj = exc.detail
        if isinstance(detail_obj, (list, dict)):
            errors = flatten(detail_obj)
            detail = str(exc.default_detail)
        else:
            detail = str(detail_obj)
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
    return problem(exc.status_code, code=str(code), detail=detail, errors=errors or None, headers=headers)


def method_not_allowed(request: HttpRequest, allowed: Collection[str]) -> HttpResponse:
    """405 in the error shape, ``Allow`` naming the ``allowed`` methods: for the API's addresses that are not DRF
    views (its problem types' page), as DRF's views answer it."""
    import json

    detail = str(exceptions.MethodNotAllowed(request.method or "").detail)
    body = problem_body(405, code="method_not_allowed", detail=detail)
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=405, content_type=PROBLEM_CONTENT_TYPE)
    response["Allow"] = ", ".join(allowed)
    return response


def safe_methods_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Django's ``require_safe`` (GET and HEAD), answering any other method with :func:`method_not_allowed` rather
    than an empty HTML page."""

    @functools.wraps(view)
    def only_safe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return method_not_allowed(request, ("GET", "HEAD"))
        return view(request, *args, **kwargs)

    return csrf_exempt(only_safe)


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other path under /api/ (/api/v1/'s unknown ones, /api/, /api/v2/…) answers 404 in the error shape,
    not the site's HTML page."""
    import json

    body = problem_body(404, code="not_found", detail=str(exceptions.NotFound.default_detail))
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=404, content_type=PROBLEM_CONTENT_TYPE)
