"""Certificates of the client's employees, and the employer's webhook endpoints."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from accounts.api import webhooks
from accounts.api.base import ApiView, get_owned_or_404
from accounts.api.idempotency import IDEMPOTENCY_KEY, run_idempotently
from hr_api.models import WebhookEndpoint
from accounts.api.pagination import UPDATED_SINCE
from accounts.api.serializers import StrictSerializer
from accounts.api.webhooks import EVENTS
from accounts.converters import parse_id
from accounts.models import TraineeProfile
from accounts.outbound import OutboundRefused
from certification import pdf
from certification.models import Certificate


class CertificateSerializer(serializers.ModelSerializer):
    employee = serializers.IntegerField(source="trainee.trainee_profile.pk", read_only=True)
    employee_number = serializers.CharField(source="trainee.trainee_profile.employee_number", read_only=True)
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
            "updated_at": _iso_datetime(row["updated_at"]),
        }

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


def _iso_datetime(value: datetime.datetime) -> str:
    """As DRF's DateTimeField writes it: in the current time zone, ISO 8601, Z for UTC."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class CertificateMixin:
    def certificates(self, employee_id: int | None = None) -> QuerySet[Certificate]:
        """The certificates of the employer's people (or of one of them).

        The people are a subquery, not a join through accounts_user (as ``trainee__trainee_profile``
        is): with the join PostgreSQL spent 8 ms planning each page of the list at full size, and
        0.8 ms this way (issue 9, EXPLAIN ANALYZE in the note).
        """
        people = TraineeProfile.objects.filter(employer_id=self.employer_id)
        if employee_id is not None:
            people = people.filter(pk=employee_id)
        return Certificate.objects.filter(trainee_id__in=people.values("user_id")).select_related(
            "trainee__trainee_profile", "tier", "track", "institution"
        )


def _date(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise exceptions.ValidationError({name: [_("Give a date as YYYY-MM-DD.")]})
    return value


class CertificateListView(CertificateMixin, ApiView):
    serializer_class = CertificateSerializer

    @extend_schema(
        summary="List certificates",
        operation_id="certificates_list",
        responses=CertificateSerializer(many=True),
        description="Certificates of the employer's employees, oldest change first.",
        parameters=[
            UPDATED_SINCE,
            OpenApiParameter("tier", OpenApiTypes.STR, description="assistant, standard or senior"),
            OpenApiParameter("track", OpenApiTypes.STR, description="corporate or retail"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Certificate.Status.values),
            OpenApiParameter("expiring_before", OpenApiTypes.DATE, description="valid_until before this date"),
            OpenApiParameter("employee", OpenApiTypes.INT, description="Only this employee's certificates."),
        ],
    )
    def get(self, request):
        employee_id = None
        if employee := request.query_params.get("employee"):
            if (employee_id := parse_id(employee)) is None:  # digits, within the id column's range
                raise exceptions.ValidationError({"employee": [_("Give an employee id.")]})
        own_profile = TraineeProfile.objects.filter(user_id=OuterRef("trainee_id"))
        # The employee's id and number as per-row subqueries, for the same reason as certificates().
        certificates = (
            self.certificates(employee_id)
            .order_by()
            .annotate(
                employee=Subquery(own_profile.values("pk")[:1]),
                employee_number=Subquery(own_profile.values("employee_number")[:1]),
            )
            .values(*ROW_COLUMNS, "employee", "employee_number")
        )
        if tier := request.query_params.get("tier"):
            certificates = certificates.filter(tier__code=tier)
        if track := request.query_params.get("track"):
            certificates = certificates.filter(track__code=track)
        if state := request.query_params.get("status"):
            if state not in Certificate.Status.values:
                raise exceptions.ValidationError({"status": [_("Unknown status.")]})
            certificates = certificates.filter(status=state)
        if before := _date(request, "expiring_before"):
            certificates = certificates.filter(valid_until__lt=before)
        return self.sync_list(certificates, CertificateSerializer)


class CertificateDetailView(CertificateMixin, ApiView):
    serializer_class = CertificateSerializer

    @extend_schema(summary="Fetch a certificate by number")
    def get(self, request, number: str):
        return Response(CertificateSerializer(get_owned_or_404(self.certificates(), number=number)).data)


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
        parameters=[OpenApiParameter("format", exclude=True)],  # DRF's ?format=, not offered
        # Both types: openapi-python-client drops an operation whose only answer is application/pdf.
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF") for media_type in PDF_TYPES
        },
    )
    def get(self, request, number: str):
        media_type = request.accepted_renderer.media_type
        if media_type not in PDF_TYPES:  # Accept named JSON only
            raise exceptions.NotAcceptable()
        certificate = get_owned_or_404(self.certificates(), number=number)
        path = pdf.ensure_pdf(certificate)
        return FileResponse(path.open("rb"), content_type=media_type, filename=f"{certificate.number}.pdf")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):  # an error: a problem in JSON, whatever file type was asked for
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response


# --- webhook endpoints ---------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "description", "is_active", "created_at", "updated_at"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text="The signing secret, whsec_ and base64 (Standard Webhooks); shown only now."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookEndpointInputSerializer(StrictSerializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENTS), allow_empty=False, max_length=len(EVENTS)
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate_url(self, url: str) -> str:
        """https to a public address (accounts.outbound); the settings allow a developer's local receiver."""
        try:
            webhooks.vet_endpoint_url(url)
        except OutboundRefused as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from None
        return url


class WebhookEndpointUpdateSerializer(WebhookEndpointInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class WebhookMixin:
    required_scope = "webhooks"

    def endpoints(self):
        return WebhookEndpoint.objects.filter(employer_id=self.employer_id)


class WebhookEndpointListView(WebhookMixin, ApiView):
    serializer_class = WebhookEndpointSerializer

    @extend_schema(
        summary="List webhook endpoints",
        operation_id="webhooks_list",
        parameters=[UPDATED_SINCE],
        responses=WebhookEndpointSerializer(many=True),
    )
    def get(self, request):
        return self.sync_list(self.endpoints(), WebhookEndpointSerializer)

    @extend_schema(
        summary="Register a webhook endpoint",
        description="Events: " + ", ".join(EVENTS) + ". The answer carries the signing secret, once.",
        parameters=[IDEMPOTENCY_KEY],
        request=WebhookEndpointInputSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
    )
    def post(self, request):
        def work():
            data = WebhookEndpointInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            endpoint = webhooks.do_register_endpoint(employer_id=self.employer_id, **data.validated_data)
            location = reverse("api:webhook", args=[endpoint.pk])
            return Response(
                WebhookEndpointCreatedSerializer(endpoint).data,
                status=status.HTTP_201_CREATED,
                headers={"Location": location},
            )

        return run_idempotently(request, work)


class WebhookEndpointDetailView(WebhookMixin, ApiView):
    serializer_class = WebhookEndpointSerializer

    @extend_schema(summary="Fetch a webhook endpoint")
    def get(self, request, pk: int):
        return Response(WebhookEndpointSerializer(get_owned_or_404(self.endpoints(), pk=pk)).data)

    @extend_schema(
        summary="Change a webhook endpoint", request=WebhookEndpointUpdateSerializer, responses=WebhookEndpointSerializer
    )
    def patch(self, request, pk: int):
        endpoint = get_owned_or_404(self.endpoints(), pk=pk)
        data = WebhookEndpointUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        for name, value in data.validated_data.items():
            setattr(endpoint, name, sorted(set(value)) if name == "events" else value)
        endpoint.save()
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(summary="Remove a webhook endpoint", responses={204: None})
    def delete(self, request, pk: int):
        get_owned_or_404(self.endpoints(), pk=pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
