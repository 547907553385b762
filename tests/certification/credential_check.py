"""An independent check of the portable certificates, written without the signer's library (jwcrypto).

* ``verify_jws``: RS256 is RSASSA-PKCS1-v1_5 with SHA-256 over ``base64url(header) "." base64url(payload)``;
  the public key is built from the JWK Set's ``n`` and ``e`` with ``cryptography`` directly.
* ``assert_open_badge``: the required fields of an ``OpenBadgeCredential`` (Open Badges 3.0, on the
  Verifiable Credentials data model 2.0), written from the specification's data model tables. 1EdTech's
  JSON Schema (``achievementcredential.json``) is not vendored: it is not available offline here, and
  its licence was not checked, so these checks stand in for it.
* ``read_bit``: a Bitstring Status List decoded by hand: multibase ``u`` (base64url, no padding), GZIP,
  then entry ``i`` is bit ``7 - i % 8`` of byte ``i // 8`` (the first entry is the left-most bit).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MIN_ENTRIES = 131_072


def b64url(text: str) -> bytes:
    assert re.fullmatch(r"[A-Za-z0-9_-]*", text), "base64url without padding"
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_jws(token: str, jwks: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and payload of a compact JWS whose RS256 signature a key of ``jwks`` verifies;
    raises ``cryptography.exceptions.InvalidSignature`` otherwise."""
    encoded_header, encoded_payload, signature = token.split(".")
    header = json.loads(b64url(encoded_header))
    assert header["alg"] == "RS256"
    (key,) = [key for key in jwks["keys"] if key["kid"] == header["kid"]]
    assert key["kty"] == "RSA" and "d" not in key, "the key set publishes public keys only"
    public = rsa.RSAPublicNumbers(
        e=int.from_bytes(b64url(key["e"]), "big"), n=int.from_bytes(b64url(key["n"]), "big")
    ).public_key()
    public.verify(
        b64url(signature), f"{encoded_header}.{encoded_payload}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
    )
    return header, json.loads(b64url(encoded_payload))


DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
URI = re.compile(r"^[a-z][a-z0-9+.-]*:\S+$")


def assert_open_badge(credential: dict[str, Any]) -> None:
    """The required fields and types of an OpenBadgeCredential and its parts (OB 3.0 data model)."""
    assert credential["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert URI.match(credential["id"])
    assert "VerifiableCredential" in credential["type"]
    assert {"OpenBadgeCredential", "AchievementCredential"} & set(credential["type"])
    assert isinstance(credential["name"], str) and credential["name"]
    issuer = credential["issuer"]  # Profile: id, type ⊇ Profile
    assert URI.match(issuer["id"]) and "Profile" in issuer["type"] and issuer["name"]
    assert DATETIME.match(credential["validFrom"])
    assert DATETIME.match(credential["validUntil"])
    subject = credential["credentialSubject"]  # AchievementSubject: type, achievement; id or identifier
    assert "AchievementSubject" in subject["type"]
    assert subject.get("id") or subject.get("identifier")
    for identity in subject.get("identifier", []):  # IdentityObject
        assert identity["type"] == "IdentityObject"
        assert isinstance(identity["hashed"], bool) and identity["identityHash"] and identity["identityType"]
        if identity["hashed"]:
            assert re.fullmatch(r"(sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})", identity["identityHash"])
    achievement = subject["achievement"]  # Achievement: id, type, name, description, criteria
    assert URI.match(achievement["id"]) and "Achievement" in achievement["type"]
    assert achievement["name"] and achievement["description"]
    criteria = achievement["criteria"]
    assert criteria.get("id") or criteria.get("narrative")
    statuses = credential.get("credentialStatus", [])
    for status in statuses if isinstance(statuses, list) else [statuses]:  # BitstringStatusListEntry
        assert status["type"] == "BitstringStatusListEntry"
        assert status["statusPurpose"] in ("revocation", "suspension")
        assert re.fullmatch(r"\d+", status["statusListIndex"])
        assert URI.match(status["statusListCredential"])


def read_bit(status_list_credential: dict[str, Any], index: int) -> int:
    subject = status_list_credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    encoded = subject["encodedList"]
    assert encoded.startswith("u"), "multibase base64url"
    bits = gzip.decompress(b64url(encoded[1:]))
    assert len(bits) * 8 >= MIN_ENTRIES
    return (bits[index // 8] >> (7 - index % 8)) & 1
