"""Reads of a person's passkeys (django-otp-webauthn's ``WebAuthnCredential`` devices).

Every read is by owner: one person never reaches another's passkey, whatever id they send.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import User


def passkeys_of(user: User) -> QuerySet[WebAuthnCredential]:
    """The person's passkeys, the most recently used first (then the newest)."""
    passkeys: QuerySet[WebAuthnCredential] = WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by(
        F("last_used_at").desc(nulls_last=True), "-created_at", "-pk"
    )
    return passkeys


def passkey_of(user: User, passkey_id: int) -> WebAuthnCredential | None:
    """The person's own passkey with this id, or None (someone else's is None too)."""
    return WebAuthnCredential.objects.filter(user=user, pk=passkey_id).first()


def has_passkey(user: User) -> bool:
    return bool(WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())
