"""The keys that sign portable certificates (Open Badges 3.0 credentials and the status lists).

Production: ``CREDENTIAL_SIGNING_KEYS``, a JWK Set in the environment (config/settings.py checks it):
the first key signs, every key is published at ``/.well-known/jwks.json``. To rotate, put the new key
first and keep the old ones after it (their public parts are enough): credentials signed by an old key
still verify, new ones are signed by the new key. ``manage.py credential_keys`` prints such a set.

Development (DEBUG, no variable): a key is made under ``var/`` on first use, never in the repository.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jwcrypto import jwk, jws

ALGORITHM = "RS256"  # what Open Badges 3.0 requires every VC-JWT verifier to accept
KEY_BITS = 2048


def new_key() -> jwk.JWK:
    """A new RSA signing key, its kid the RFC 7638 thumbprint of its public part."""
    key = jwk.JWK.generate(kty="RSA", size=KEY_BITS)
    return jwk.JWK(**(key.export_private(as_dict=True) | {"kid": key.thumbprint(), "alg": ALGORITHM, "use": "sig"}))


def rotated_set(current: dict[str, Any] | None) -> dict[str, Any]:
    """A JWK Set with a new signing key first and the public parts of ``current``'s keys after it."""
    old = [jwk.JWK(**key).export_public(as_dict=True) for key in (current or {}).get("keys", [])]
    return {"keys": [new_key().export_private(as_dict=True), *old]}


def _development_set(path: Path) -> dict[str, Any]:
    """The development key set under var/, made on first use (atomically: two processes agree on one)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(rotated_set(None), handle)
            with contextlib.suppress(FileExistsError):  # another process got there first: theirs is used
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


@lru_cache(maxsize=4)
def _keys_of(text: str) -> tuple[jwk.JWK, ...]:
    return tuple(jwk.JWK(**key) for key in json.loads(text)["keys"])


def key_set() -> tuple[jwk.JWK, ...]:
    """Every key, the signing key first."""
    configured = settings.CREDENTIAL_SIGNING_KEYS
    if configured is None:
        configured = _development_set(Path(settings.CREDENTIAL_DEVELOPMENT_KEY_FILE))
    return _keys_of(json.dumps(configured, sort_keys=True))


def signing_key() -> jwk.JWK:
    return key_set()[0]


def public_jwks() -> dict[str, Any]:
    """The JWK Set verifiers fetch: public parts only, each with its kid, alg and use."""
    keys = []
    for key in key_set():
        public = key.export_public(as_dict=True)
        keys.append({"alg": ALGORITHM, "use": "sig", **public})
    return {"keys": keys}


def sign(payload: dict[str, Any], *, typ: str = "vc+jwt", cty: str = "vc") -> str:
    """A compact JWS (RS256) over ``payload`` as JSON: the VC-JOSE securing mechanism.

    The header names the key (``kid``, found in the JWK Set) and carries its public part (``jwk``), as
    the Open Badges 3.0 examples do; verifiers should trust the key from the issuer's JWK Set.
    RSASSA-PKCS1-v1_5 is deterministic: the same payload and key give the same token.
    """
    key = signing_key()
    header = {"alg": ALGORITHM, "typ": typ, "cty": cty, "kid": key["kid"], "jwk": key.export_public(as_dict=True)}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    token = jws.JWS(body)
    token.add_signature(key, alg=None, protected=json.dumps(header, separators=(",", ":")))
    return str(token.serialize(compact=True))
