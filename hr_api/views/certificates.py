"""Certificates of the client's employees: list, fetch, download the PDF or the signed credential."""

from __future__ import annotations

import datetime
import re

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import TraineeProfile
from certification import credentials, pdf
from certification.models import Certificate
from certification.numbers import canonical_number
from certification.selectors import certificates_of_employer
from hr_api.pagination import PreparedSyncRows
from hr_api.parameters import parsed_parameter
from hr_api.renderers import ApiJSONRenderer
from hr_api.serializers.certificates import LIST_COLUMNS, CertificateCredentialSerializer, CertificateSerializer

from .base import TIER_TRACK_FILTERS, ApiView, employee_filter, get_owned_or_404, sync_list_schema

#: The path's certificate number, read as the verify page reads it (certification.numbers.canonical_number).
NUMBER = OpenApiParameter(
    "number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The certificate's number, `BCM-STD-R-2026-000123-K` (as `number` gives it), read as the public "
    "verify page reads one typed from paper: case, spaces and dashes do not matter (`bcm-std-r-2026-000123-k`, "
    "`BCMSTDR2026000123K`), a letter typed for a digit in the year or the sequence is read as that digit (O for 0, "
    "I or L for 1 …), and at the check character 0/O and 1/I/L are one. The answer's `number` is the stored one.",
)


class CertificateMixin:
    def certificates(self, employee_id: int | None = None) -> QuerySet[Certificate]:
        """The certificates of the employer's people (or of one of them)."""
        return certificates_of_employer(self.employer_id, employee_id=employee_id).select_related(
            "trainee__trainee_profile", "tier", "track", "institution"
        )

    def certificate_or_404(self, number: str, rows: QuerySet[Certificate] | None = None) -> Certificate:
        """The employer's certificate with ``number`` as a person may type it (:data:`NUMBER`), else 404."""
        canonical = canonical_number(number)
        if canonical is None:
            raise exceptions.NotFound()
        return get_owned_or_404(self.certificates() if rows is None else rows, number=canonical)


def certificate_rows(
    employer_id: int,
    *,
    employee_id: int | None = None,
    tier: str | None = None,
    track: str | None = None,
    status: str | None = None,
    expiring_before: datetime.date | None = None,
) -> QuerySet:
    """The list's rows (``LIST_COLUMNS``) of the employer's certificates (or one employee's), filtered
    by the arguments given."""
    own_profile = TraineeProfile.objects.filter(user_id=OuterRef("trainee_id"))
    # The employee's id and number as per-row subqueries, for the same reason as certificates_of_employer().
    rows = (
        certificates_of_employer(employer_id, employee_id=employee_id)
        .order_by()
        .annotate(
            employee=Subquery(own_profile.values("pk")[:1]),
            employee_number=Subquery(own_profile.values("employee_number")[:1]),
        )
        .values_list(*LIST_COLUMNS)
    )
    if tier is not None:
        rows = rows.filter(tier__code=tier)
    if track is not None:
        rows = rows.filter(track__code=track)
    if status is not None:
        rows = rows.filter(status=status)
    if expiring_before is not None:
        rows = rows.filter(valid_until__lt=expiring_before)
    return rows


DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: The list's pages, each shape's SQL composed once per connection (issue 20).
CERTIFICATE_ROWS = PreparedSyncRows(Certificate, certificate_rows, LIST_COLUMNS)


def _date(request: Request, name: str) -> datetime.date | None:
    return parsed_parameter(request, name, form=DATE, parse=parse_date, message=_("Give a date as YYYY-MM-DD."))


class CertificateListView(CertificateMixin, ApiView):
    serializer_class = CertificateSerializer
    renderer_classes = [ApiJSONRenderer]  # the rows' JSON written by CertificateSerializer.json_rows

    @sync_list_schema(
        CertificateSerializer,
        summary="List certificates",
        operation_id="certificates_list",
        description="Certificates of the employer's employees, oldest change first.",
        filters=[
            *TIER_TRACK_FILTERS,
            OpenApiParameter("status", OpenApiTypes.STR, enum=Certificate.Status.values),
            OpenApiParameter("expiring_before", OpenApiTypes.DATE, description="valid_until before this date"),
            employee_filter("certificates"),
        ],
    )
    def get(self, request):
        employee_id = self.employee_id_param()
        # A status outside the schema's enum was refused before the handler (ApiView.initial).
        filters = {
            "employer_id": self.employer_id,
            "employee_id": employee_id,
            **self.catalog_codes("tier", "track"),
            "status": request.query_params.get("status") or None,
            "expiring_before": _date(request, "expiring_before"),
        }
        return self.sync_rows(CERTIFICATE_ROWS, filters, CertificateSerializer)


class CertificateDetailView(CertificateMixin, ApiView):
    serializer_class = CertificateSerializer

    @extend_schema(summary="Fetch a certificate by number", parameters=[NUMBER])
    def get(self, request, number: str):
        return Response(CertificateSerializer(self.certificate_or_404(number)).data)


class _FileRenderer(BaseRenderer):
    """Lets ``Accept`` ask for the file; the file itself is a FileResponse, errors stay JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PdfRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class OctetStreamRenderer(_FileRenderer):
    media_type = "application/octet-stream"
    format = "bin"


PDF_TYPES = ("application/pdf", "application/octet-stream")


class CertificatePdfView(CertificateMixin, ApiView):
    serializer_class = CertificateSerializer
    renderer_classes = [PdfRenderer, OctetStreamRenderer, JSONRenderer]

    @extend_schema(
        summary="Download a certificate's PDF",
        description="The PDF, as `application/pdf`; as `application/octet-stream` when `Accept` asks for that "
        "(generated clients that know no PDF type read it as bytes).",
        parameters=[NUMBER, OpenApiParameter("format", exclude=True)],  # DRF's ?format=, not offered
        # Both types: openapi-python-client drops an operation whose only answer is application/pdf.
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF") for media_type in PDF_TYPES
        },
    )
    def get(self, request, number: str):
        media_type = request.accepted_renderer.media_type
        if media_type not in PDF_TYPES:  # Accept named JSON only
            raise exceptions.NotAcceptable()
        certificate = self.certificate_or_404(number)
        path = pdf.ensure_pdf(certificate)
        return FileResponse(path.open("rb"), content_type=media_type, filename=f"{certificate.number}.pdf")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):  # an error: a problem in JSON, whatever file type was asked for
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response


class CertificateCredentialView(CertificateMixin, ApiView):
    serializer_class = CertificateCredentialSerializer

    @extend_schema(
        summary="A certificate as a signed Open Badges 3.0 credential",
        operation_id="certificates_credential",
        description="The certificate as an `OpenBadgeCredential` (Open Badges 3.0 on the W3C Verifiable "
        "Credentials data model 2.0), signed as a compact JWS with RS256 (VC-JOSE, `application/vc+jwt`). "
        "Verify the signature with the key named by the header's `kid` in the JWK Set at "
        "`/.well-known/jwks.json`, then read the bits of its two `credentialStatus` entries (revocation, "
        "suspension) in the signed Bitstring Status Lists they point to. The holder appears only as a "
        "salted SHA-256 hash of their e-mail address.",
        parameters=[NUMBER],
        responses=CertificateCredentialSerializer,
    )
    def get(self, request, number: str):
        certificate = self.certificate_or_404(number, self.certificates().select_related("curriculum"))
        credential, jwt = credentials.credential_and_token(certificate)
        return Response(
            {
                "number": certificate.number,
                "media_type": credentials.MEDIA_TYPE,
                "jwt": jwt,
                "credential": credential,
                "key_set_url": credentials.jwks_url(),
            }
        )
