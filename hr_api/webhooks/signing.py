"""Secrets and signatures by the Standard Webhooks specification (see :mod:`hr_api.webhooks`)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any

from rest_framework.utils.encoders import JSONEncoder

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes


def new_secret() -> str:
    """``whsec_`` and the standard base64 of a random key, as the specification's libraries read it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signing_key(secret: str) -> bytes:
    """The HMAC key a ``whsec_…`` secret encodes; ``ValueError`` when it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError("a webhook secret is whsec_ and standard base64") from None
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def sign(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """``v1,<base64>``: HMAC-SHA256 of ``"<msg_id>.<timestamp>.<body>"`` with the secret's key."""
    mac = hmac.new(signing_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def encode(payload: dict[str, Any]) -> bytes:
    """The body that is signed and sent: compact JSON, UTF-8."""
    return json.dumps(payload, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
