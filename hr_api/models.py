"""What the employers' API keeps: clients, idempotency records, webhook endpoints and deliveries.

These models were the accounts app's until issue 16 moved the HR API to its own app at the top;
each keeps its table (``db_table``, the accounts_ name) so no row moved. Webhook *events* come from
every domain app's signals; :mod:`hr_api.receivers` turns them into deliveries.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from core.models import SyncedTimestamped, Timestamped

SCOPES = ("read", "enroll", "webhooks", "managers", "evaluations")


class ApiClient(Timestamped):
    """An employer's HR system: one OAuth2 application (client credentials) with scopes.

    The client secret lives hashed in the OAuth2 application; it is shown once, when the
    program office creates or rotates it. A revoked client keeps its history but gets no token.
    """

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="api_client",
        verbose_name=_("OAuth2 application"),
    )
    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("employer")
    )
    can_read = models.BooleanField(_("scope: read"), default=True)
    can_enroll = models.BooleanField(_("scope: enroll"), default=False)
    can_webhooks = models.BooleanField(_("scope: webhooks"), default=False)
    can_evaluations = models.BooleanField(
        _("scope: evaluations"), default=False, help_text=_("Read and record the employer's evaluations.")
    )
    can_managers = models.BooleanField(_("scope: managers"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        db_table = "accounts_apiclient"  # the accounts app's table before issue 16
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["employer_id", "id"]

    def __str__(self) -> str:
        return f"{self.application.client_id} · {self.employer}"

    # DRF treats the authenticated principal like a user.
    is_authenticated = True
    is_anonymous = False

    @property
    def scopes(self) -> list[str]:
        return [scope for scope in SCOPES if getattr(self, f"can_{scope}")]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.employer.is_active

    @property
    def audit_label(self) -> str:
        """The actor's name in the audit trail (accounts.audit reads it from any principal not a person)."""
        return f"api:{self.application.client_id}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``, replayed to its retries."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "accounts_idempotencyrecord"  # the accounts app's table before issue 16
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key"],
                name="idempotency_key_unique_per_client",
                violation_error_message=_("This idempotency key has already been used by this client."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code}"


class WebhookEndpoint(SyncedTimestamped):
    """A URL of an employer's system that receives signed events."""

    class Event(models.TextChoices):
        CERTIFICATE_ISSUED = "certificate.issued", "certificate.issued"
        CERTIFICATE_STATUS_CHANGED = "certificate.status_changed", "certificate.status_changed"
        EXAM_RESULT_PUBLISHED = "exam.result_published", "exam.result_published"
        ENROLLMENT_STATUS_CHANGED = "enrollment.status_changed", "enrollment.status_changed"
        MANAGER_COMPLIANCE_CHANGED = "manager.compliance_changed", "manager.compliance_changed"

    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("employer")
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Needed in clear to sign each delivery (HMAC); shown to the client when it registers.
    secret = models.CharField(_("signing secret"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        db_table = "accounts_webhookendpoint"  # the accounts app's table before issue 16
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["employer_id", "id"]
        constraints = [
            # An active URL once per employer, in its stored form (hr_api.webhooks.endpoints.stored_url): one
            # event, one delivery per address. Inactive endpoints are not delivered to, so they may repeat one
            # (migration 0006 deactivated the later duplicates of the rows before).
            models.UniqueConstraint(
                fields=["employer", "url"],
                condition=models.Q(is_active=True),
                name="webhook_endpoint_url_once_per_employer",
                violation_error_message=_("Another active webhook endpoint of this employer has this URL."),
            )
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, with its attempts; ``event_id`` lets a receiver drop duplicates."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    event = models.CharField(_("event"), max_length=50, choices=WebhookEndpoint.Event.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "accounts_webhookdelivery"  # the accounts app's table before issue 16
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"],
                name="webhook_delivery_event_once_per_endpoint",
                violation_error_message=_("This event has already been delivered to this endpoint."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
