"""W3C Bitstring Status Lists of the certificates' credentials: one list per purpose (revocation,
suspension) and per 131,072 certificates.

Every certificate has a ``status_list_index`` (unique in the database, allocated at random when it is
made and never reused: certificates are never deleted). Index ``i`` is entry ``i % LIST_SIZE`` of list
number ``i // LIST_SIZE + 1`` of each purpose.

The bits are derived from the certificates' rows: the revocation bit is set while the status is
``revoked``, the suspension bit while it is ``suspended``. So ``do_suspend_certificate``,
``do_reinstate_certificate`` and ``do_revoke_certificate`` flip the bit in the very transaction that
writes the status (it is the same column), and the next request for the list shows it: there is no
second copy that could lag or disagree.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import secrets
from typing import Any

from django.db.models import Max
from django.urls import reverse

from core.links import site_url

from .models import Certificate

# The specification's minimum, for group privacy: a list of fewer entries says too much about each.
LIST_SIZE = 131_072
PURPOSES = {"revocation": Certificate.Status.REVOKED, "suspension": Certificate.Status.SUSPENDED}
# Lists are kept at most half full, so a random index is found in a couple of draws.
_DRAWS = 32


def free_index() -> int:
    """A random status list index no certificate has (one query to count, one to check the draws).

    Random, not sequential, as the specification advises: neighbouring entries then say nothing about
    certificates issued at the same time. Two processes may draw the same index; the unique constraint
    refuses the second (``services`` draws again).
    """
    return free_indexes(1)[0]


def free_indexes(count: int) -> list[int]:
    """``count`` distinct random indexes no certificate has, for certificates made together (the
    demo's bulk loads); the lists stay at most half full, so a few rounds of draws find them."""
    used = Certificate.objects.count()
    lists = max(1, -(-2 * (used + count) // LIST_SIZE), lists_in_use())
    draw = secrets.SystemRandom()
    chosen: set[int] = set()
    for _round in range(8):
        wanted = count - len(chosen)
        if not wanted:
            break
        candidates = {draw.randrange(lists * LIST_SIZE) for _ in range(2 * wanted + _DRAWS)} - chosen
        taken = set(
            Certificate.objects.filter(status_list_index__in=candidates).values_list("status_list_index", flat=True)
        )
        free = sorted(candidates - taken)
        chosen.update(draw.sample(free, min(wanted, len(free))))
    if len(chosen) < count:  # at most half full: as likely as 32 heads in a row, eight times over
        raise RuntimeError("no free status list index found")
    return sorted(chosen, key=lambda _index: draw.random())


def lists_in_use() -> int:
    """How many lists of each purpose exist (at least one, served even while empty)."""
    highest = Certificate.objects.aggregate(highest=Max("status_list_index"))["highest"]
    return 1 if highest is None else highest // LIST_SIZE + 1


def list_url(purpose: str, number: int) -> str:
    return site_url() + reverse("credentials:status_list", args=[purpose, number])


def entry(certificate: Certificate, purpose: str) -> dict[str, str]:
    """The certificate's ``BitstringStatusListEntry`` for ``purpose``."""
    number, position = divmod(certificate.status_list_index, LIST_SIZE)
    url = list_url(purpose, number + 1)
    return {
        "id": f"{url}#{position}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(position),
        "statusListCredential": url,
    }


def positions_set(purpose: str, number: int) -> list[int]:
    """The entries of list ``number`` whose bit is set (one query, on the unique index)."""
    start = (number - 1) * LIST_SIZE
    indexes = Certificate.objects.filter(
        status=PURPOSES[purpose], status_list_index__gte=start, status_list_index__lt=start + LIST_SIZE
    ).values_list("status_list_index", flat=True)
    return sorted(index - start for index in indexes)


def encode(positions: list[int], size: int = LIST_SIZE) -> str:
    """Multibase base64url (``u``, no padding) of the GZIP of the bitstring; entry 0 is the left-most
    (most significant) bit of the first byte, as the specification says."""
    bits = bytearray(size // 8)
    for position in positions:
        if not 0 <= position < size:
            raise ValueError(f"status list position {position} outside 0..{size - 1}")
        bits[position // 8] |= 0x80 >> (position % 8)
    packed = gzip.compress(bytes(bits), mtime=0)  # mtime 0: the same bits, the same bytes
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def list_credential(purpose: str, number: int) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` of list ``number`` of ``purpose``.

    No time in it, so the same bits give the same signed bytes (and ETag).
    """
    from .credentials import issuer_id

    url = list_url(purpose, number)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode(positions_set(purpose, number)),
        },
        "iss": issuer_id(),
        "jti": url,
    }


def etag_of(payload: dict[str, Any], kid: str) -> str:
    """A strong ETag: signing is deterministic, so the payload and the key decide the bytes."""
    digest = hashlib.sha256(json.dumps([kid, payload], sort_keys=True).encode()).hexdigest()
    return f'"{digest[:40]}"'
