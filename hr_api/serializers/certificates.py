"""Certificates of the client's employees as the API shows them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring  # what json.dumps writes a str as (not ASCII-only), quotes included
from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from certification.models import Certificate
from hr_api.renderers import JsonRows, escape_line_separators

from .base import ModelSerializer
from .employees import TraineeEmployeeSerializer


class CertificateSerializer(TraineeEmployeeSerializer, ModelSerializer):
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

    def json_rows(self, rows: Iterable[tuple]) -> JsonRows:
        """The JSON of :meth:`to_representation` of each row, as ``JSONRenderer`` writes a list of them.

        ``rows`` are tuples of :data:`LIST_COLUMNS` (``CertificateListView``'s). Written by one f-string
        per row rather than a dict and ``json.dumps`` value by value (issue 20: 8 of the 15 M instructions
        of a page of 100); the codes and zone offsets a page repeats written once, dates once a process
        (:data:`_DAYS`). The same text, tested.
        """
        zone = self._zone()
        # The link's JSON is the template's around the number's (JSON escapes one character at a time).
        url_parts = [encode_basestring(part)[1:-1] for part in self._pdf_url_template().split("NUMBER")]
        codes: dict[str | None, str] = {None: "null"}
        offsets: dict[datetime.timedelta | None, str] = {}
        if len(_DAYS) >= _DAYS_KEPT:
            _DAYS.clear()
        days = _DAYS
        written = []
        for (
            number, status, status_reason, issued_on, period_starts_on, valid_until, updated_at,
            tier, track, institution, employee, employee_number,
        ) in rows:  # fmt: skip
            tier_text = codes.get(tier) or codes.setdefault(tier, _json_value(tier))
            track_text = codes.get(track) or codes.setdefault(track, _json_value(track))
            institution_text = codes.get(institution) or codes.setdefault(institution, _json_value(institution))
            status_text = codes.get(status) or codes.setdefault(status, _json_value(status))
            issued_text = days.get(issued_on) or days.setdefault(issued_on, _date_text(issued_on))
            starts_text = days.get(period_starts_on) or days.setdefault(period_starts_on, _date_text(period_starts_on))
            until_text = days.get(valid_until) or days.setdefault(valid_until, _date_text(valid_until))
            local = updated_at.astimezone(zone) if updated_at.tzinfo is not None else None
            if local is None or local.year < 1000:
                updated_text = _iso_datetime(updated_at, zone)  # its error for a naive time; isoformat's padding
            else:
                offset = local.utcoffset()
                suffix = offsets.get(offset) or offsets.setdefault(offset, _offset_text(offset))
                fraction = local.microsecond  # isoformat's six digits when not 0
                day = local.date()
                updated_text = (
                    f"{days.get(day) or days.setdefault(day, _date_text(day))}T{_TWO[local.hour]}:"
                    f"{_TWO[local.minute]}:{_TWO[local.second]}"
                    f"{'.' + str(1_000_000 + fraction)[1:] if fraction else ''}{suffix}"
                )
            number_text = encode_basestring(number)
            written.append(
                f'{{"number":{number_text},'
                f'"employee":{"null" if employee is None else int.__repr__(employee)},'
                f'"employee_number":{"null" if employee_number is None else encode_basestring(employee_number)},'
                f'"tier":{tier_text},"track":{track_text},"institution":{institution_text},"status":{status_text},'
                f'"status_reason":{"null" if status_reason is None else encode_basestring(status_reason)},'
                f'"issued_on":"{issued_text}","period_starts_on":"{starts_text}","valid_until":"{until_text}",'
                f'"pdf_url":"{number_text[1:-1].join(url_parts)}","updated_at":"{updated_text}"}}'
            )
        return JsonRows(escape_line_separators("[" + ",".join(written) + "]"))

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


# A row of CertificateListView: the columns its JSON needs ("id" only orders), then the employee's.
LIST_COLUMNS = (*(column for column in ROW_COLUMNS if column != "id"), "employee", "employee_number")


def _json_value(value: str | int | None) -> str:
    """A text, a whole number or None as json.dumps writes it."""
    if value is None:
        return "null"
    if type(value) is str:
        return encode_basestring(value)
    if type(value) is int:
        return int.__repr__(value)
    raise TypeError(f"no JSON here for {type(value).__name__}")


_TWO = tuple(f"{n:02d}" for n in range(100))
#: Dates as text (``isoformat``), kept across pages: a few thousand days cover every certificate's.
_DAYS: dict[datetime.date, str] = {}
_DAYS_KEPT = 20_000  # then forgotten at once and filled again


def _date_text(day: datetime.date) -> str:
    """``day.isoformat()``."""
    return f"{day.year}-{_TWO[day.month]}-{_TWO[day.day]}" if day.year >= 1000 else day.isoformat()


def _offset_text(offset: datetime.timedelta | None) -> str:
    """The end of ``isoformat`` for a time this far from UTC, "Z" for UTC (as DRF writes it)."""
    if offset is None:
        return ""
    text = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone(offset)).isoformat()[19:]  # after the seconds
    return "Z" if text == "+00:00" else text


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
