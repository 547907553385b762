"""``Idempotency-Key`` on POST: a retry gets the first answer and changes nothing.

The first request's work and its record commit together; a concurrent twin hits the unique
constraint, rolls back everything it did, and answers with the record of the first.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .errors import Conflict
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
# Printable ASCII (what an HTTP header carries as it is), 1 to 255 characters, no space at either
# end (HTTP drops it). The schema gives the same pattern, so the two cannot disagree.
KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"
IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    description="Any unique string of 1 to 255 printable ASCII characters (a UUID). A retry with the same key "
    "and body returns the first response and creates nothing new.",
)


def _digest(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.path.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise ValueError("a key twice")  # the parser refuses it: no canonical form, the bytes are compared
    return document


def canonical_body(body: bytes) -> bytes:
    """The JSON ``body`` as the server reads it, written in one form: keys sorted, no spaces, characters rather
    than escapes. A retry that writes the same content otherwise (another key order, other spacing, ``\u00e9`` for
    é) is the same request; a body that is no JSON (refused, so never stored) stays as sent. Numbers are read as
    the parser reads them: 1 and 1.0 differ, as the server's answers to them do."""
    try:
        document = json.loads(body, object_pairs_hook=_object)
    except (ValueError, RecursionError):
        return body
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate escaped in the JSON is text too


def _fingerprint(request: Request) -> str:
    """The request's fingerprint: of its method, path and :func:`canonical_body`."""
    return _digest(request, canonical_body(request.body))


def _fingerprints(request: Request) -> tuple[str, str]:
    """:func:`_fingerprint`, and that of the raw body, which the records stored before the canonical form hold
    (the same bytes are the same request)."""
    return _fingerprint(request), _digest(request, request.body)


def _replay(record: IdempotencyRecord, fingerprints: tuple[str, str]) -> Response:
    if record.fingerprint not in fingerprints:
        raise Conflict(_("This Idempotency-Key was used for a different request."))
    headers = {"Idempotent-Replayed": "true"}
    if record.location:
        headers["Location"] = record.location
    return Response(record.body, status=record.status_code, headers=headers)


class _Rollback(Exception):
    pass


def run_idempotently(request, work: Callable[[], Response]) -> Response:
    key = request.headers.get(HEADER)
    if key is None:
        with transaction.atomic():
            return work()
    if not re.fullmatch(KEY_PATTERN, key):
        raise exceptions.ValidationError({HEADER: [_("Give a key of 1 to 255 printable ASCII characters.")]})
    client = request.user
    fingerprints = _fingerprints(request)
    existing = IdempotencyRecord.objects.filter(client=client, key=key).first()
    if existing is not None:
        return _replay(existing, fingerprints)
    try:
        with transaction.atomic():
            response = work()
            if response.status_code < 300:
                body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                IdempotencyRecord.objects.create(
                    client=client,
                    key=key,
                    fingerprint=fingerprints[0],
                    status_code=response.status_code,
                    body=body,
                    location=response.headers.get("Location", ""),
                )
    except (IntegrityError, exceptions.APIException):
        # A twin that got there first may have committed meanwhile (its enrolment then refuses
        # ours as "already enrolled"): its answer is the answer.
        existing = IdempotencyRecord.objects.filter(client=client, key=key).first()
        if existing is None:
            raise
        return _replay(existing, fingerprints)
    return response
