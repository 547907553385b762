"""``Idempotency-Key`` on POST: a retry gets the first answer and changes nothing.

The first request's work and its record commit together; a concurrent twin hits the unique
constraint, rolls back everything it did, and answers with the record of the first.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
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


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.path.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
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
    fingerprint = _fingerprint(request)
    existing = IdempotencyRecord.objects.filter(client=client, key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            response = work()
            if response.status_code < 300:
                body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                IdempotencyRecord.objects.create(
                    client=client,
                    key=key,
                    fingerprint=fingerprint,
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
        return _replay(existing, fingerprint)
    return response
