"""Certificates as Open Badges 3.0 credentials (``OpenBadgeCredential``), signed with VC-JOSE.

A credential is built on request from the certificate as it is now (a renewal moves ``validUntil``),
and carries two ``credentialStatus`` entries (revocation and suspension, ``status_list``), so a verifier
holding an old download still learns of a later suspension or revocation.

The holder is named only by OB 3.0's salted hash of their e-mail address (``identityHash`` =
``sha256$`` + hex SHA-256 of address + salt): whoever knows the address can check it, nobody can read it.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.links import site_url

from . import keys, numbers, status_list
from .models import Certificate

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
MEDIA_TYPE = "application/vc+jwt"
LANGUAGES = ("zh-hant", "en")


def issuer_id() -> str:
    """The program office's id: the site itself; its keys are at ``<id>/.well-known/jwks.json``."""
    return site_url()


def jwks_url() -> str:
    return site_url() + reverse("credentials:jwks")


def _in_both(build: Callable[[bool], str]) -> str:
    """``build(chinese)`` in Traditional Chinese, then in English (translations active for each)."""
    texts = []
    for language in LANGUAGES:
        with translation.override(language):
            texts.append(str(build(language == "zh-hant")))
    return " / ".join(dict.fromkeys(texts))  # one text once, should both read the same


def issuer_profile() -> dict[str, Any]:
    return {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": _in_both(lambda chinese: _("Bank Customer Manager Certification Program Office")),
        "url": site_url(),
    }


def identity_of(certificate: Certificate) -> dict[str, Any]:
    """OB 3.0's ``IdentityObject`` of the holder: their address hashed with a salt of this certificate.

    The salt is derived from the certificate number and SECRET_KEY, so each download of a certificate
    carries the same hash, and hashes of two certificates of one person cannot be matched.
    """
    salt = salted_hmac("certification.credentials.identity", certificate.number).hexdigest()[:32]
    digest = hashlib.sha256((certificate.trainee.email + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def _achievement_name(certificate: Certificate) -> str:
    tier, track = certificate.tier, certificate.track
    zh = tier.certificate_name_zh + (f"（{track.name_zh}）" if track else "")
    en = tier.certificate_name_en + (f" ({track.name_en})" if track else "")
    return f"{zh} / {en}"


def _criteria(certificate: Certificate) -> str:
    """What earns it, in both languages: every course of the curriculum passed, the hours attended."""
    entries = certificate.curriculum.entries.select_related("course").order_by("course__code")
    courses = [(entry.course.code, entry.course.title_zh, entry.course.title_en) for entry in entries]
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            lines = [
                _(
                    "Awarded by the program office once the holder has passed the national exam of every course of "
                    "the curriculum below and attended the training hours it requires; valid for %(years)s years, "
                    "renewed with %(hours)s hours of continuing education in each period."
                )
                % {"years": settings.CERTIFICATE_VALIDITY_YEARS, "hours": settings.CONTINUING_EDUCATION_HOURS}
            ]
            lines += [f"- {code} {zh if language == 'zh-hant' else en}" for code, zh, en in courses]
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


def achievement_of(certificate: Certificate) -> dict[str, Any]:
    tier, track = certificate.tier, certificate.track
    with translation.override(settings.LANGUAGE_CODE):
        page = site_url() + reverse("catalog:tier", args=[tier.code])
    achievement: dict[str, Any] = {
        "id": f"{page}#{track.code if track else 'certificate'}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": _achievement_name(certificate),
        "description": _in_both(
            lambda chinese: (
                _("%(certificate)s of the national Bank Customer Manager certification program, tier %(tier)s")
                % {
                    "certificate": tier.certificate_name_zh if chinese else tier.certificate_name_en,
                    "tier": tier.name_zh if chinese else tier.name_en,
                }
            )
        ),
        "criteria": {"id": page, "narrative": _criteria(certificate)},
        "humanCode": numbers.prefix_for(tier.code, track.code if track else None),  # BCM-STD-R
        "tag": [tier.code, *([track.code] if track else [])],
        "creator": issuer_profile(),
    }
    if track:
        achievement["specialization"] = f"{track.name_zh} / {track.name_en}"
    return achievement


def _day_starts(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def credential_of(certificate: Certificate) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` with the JWT claims VC-JOSE allows beside it (iss, jti,
    nbf, exp: the same values as issuer, id, validFrom and validUntil)."""
    valid_from = _day_starts(certificate.issued_on)
    # Valid through its last day: it expires when that day is over (services.do_expire_lapsed).
    valid_until = _day_starts(certificate.valid_until + datetime.timedelta(days=1)) - datetime.timedelta(seconds=1)
    credential_id = f"{site_url()}/verify/?number={certificate.number}"
    return {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": TYPES,
        "name": _achievement_name(certificate),
        "issuer": issuer_profile(),
        "validFrom": _iso(valid_from),
        "validUntil": _iso(valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identity_of(certificate)],
            "achievement": achievement_of(certificate),
        },
        "credentialStatus": [status_list.entry(certificate, purpose) for purpose in status_list.PURPOSES],
        "iss": issuer_id(),
        "jti": credential_id,
        "nbf": int(valid_from.timestamp()),
        "exp": int(valid_until.timestamp()),
    }


def signed_credential(certificate: Certificate) -> str:
    """The certificate's credential as a compact JWS (``application/vc+jwt``)."""
    return credential_and_token(certificate)[1]


def credential_and_token(certificate: Certificate) -> tuple[dict[str, Any], str]:
    """The credential and its compact JWS, built once."""
    credential = credential_of(certificate)
    return credential, keys.sign(credential)


def filename_of(certificate: Certificate) -> str:
    return f"{certificate.number}.jwt"
