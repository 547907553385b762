"""Certificates of the client's employees as the API shows them."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from certification.models import Certificate

from .employees import TraineeEmployeeSerializer


class CertificateSerializer(TraineeEmployeeSerializer, serializers.ModelSerializer):
    tier = serializers.CharField(source="tier.code", read_only=True)
    track = serializers.CharField(source="track.code", read_only=True, allow_null=True, default=None)
    institution = serializers.CharField(source="institution.code", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "number",
            "employee",
            "employee_number",
            "tier",
            "track",
            "institution",
            "status",
            "status_reason",
            "issued_on",
            "period_starts_on",
            "valid_until",
            "pdf_url",
            "updated_at",
        ]

    def get_pdf_url(self, certificate: Certificate) -> str:
        return reverse("api:certificate_pdf", args=[certificate.number])

    def to_representation(self, certificate: Certificate | Mapping[str, Any]) -> dict:
        """The declared fields (the schema reads them), built directly from the row's values: DRF's
        field-by-field walk, then the model instances themselves (six a row) were most of the time
        of a page of 100 (issue 9's benchmark). Same output as DRF's, tested."""
        row = certificate if isinstance(certificate, Mapping) else row_values(certificate)
        return {
            "number": row["number"],
            "employee": row["employee"],
            "employee_number": row["employee_number"],
            "tier": row["tier__code"],
            "track": row["track__code"],
            "institution": row["institution__code"],
            "status": row["status"],
            "status_reason": row["status_reason"],
            "issued_on": row["issued_on"].isoformat(),
            "period_starts_on": row["period_starts_on"].isoformat(),
            "valid_until": row["valid_until"].isoformat(),
            "pdf_url": self._pdf_url_template().replace("NUMBER", row["number"]),
            "updated_at": _iso_datetime(row["updated_at"], self._zone()),
        }

    def _zone(self) -> datetime.tzinfo:
        # The current time zone, looked up once per page rather than once a row.
        if not hasattr(self, "_current_zone"):
            self._current_zone = timezone.get_current_timezone()
        return self._current_zone

    def _pdf_url_template(self) -> str:
        # One reverse() per page, not per row; numbers are letters, digits and hyphens.
        if not hasattr(self, "_pdf_url"):
            self._pdf_url = reverse("api:certificate_pdf", args=["NUMBER"])
        return self._pdf_url


# What a certificate row of the API is made of; "id" and "updated_at" also place the cursor.
ROW_COLUMNS = (
    "id", "number", "status", "status_reason", "issued_on", "period_starts_on", "valid_until", "updated_at",
    "tier__code", "track__code", "institution__code",
)  # fmt: skip


def row_values(certificate: Certificate) -> dict[str, Any]:
    """One certificate instance as ``CertificateListView`` selects its rows."""
    row: dict[str, Any] = {}
    for column in ROW_COLUMNS:
        value: Any = certificate
        for part in column.split("__"):
            value = getattr(value, part) if value is not None else None
        row[column] = value
    profile = certificate.trainee.trainee_profile
    return row | {"employee": profile.pk, "employee_number": profile.employee_number}


def _iso_datetime(value: datetime.datetime, zone: datetime.tzinfo) -> str:
    """As DRF's DateTimeField writes it: in the current time zone (``zone``), ISO 8601, Z for UTC."""
    text = timezone.localtime(value, zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class CertificateCredentialSerializer(serializers.Serializer):
    """A certificate as a signed Open Badges 3.0 credential (VC-JOSE)."""

    number = serializers.CharField(read_only=True)
    media_type = serializers.CharField(read_only=True, help_text="Always `application/vc+jwt`.")
    jwt = serializers.CharField(
        read_only=True,
        help_text="The credential as a compact JWS (RS256). Verify it with the key of its `kid` from "
        "`/.well-known/jwks.json`; this is what a wallet or another verifier is given.",
    )
    credential = serializers.DictField(
        read_only=True,
        help_text="The JWS payload, decoded for convenience: an `OpenBadgeCredential` with its "
        "`credentialStatus` entries (revocation, suspension). Trust it only after verifying `jwt`.",
    )
    key_set_url = serializers.CharField(read_only=True, help_text="The issuer's JWK Set.")
