"""The employer's webhook endpoints: as shown, as registered (with the secret, once), as changed."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.outbound import OutboundRefused
from hr_api.models import WebhookEndpoint
from hr_api.webhooks.endpoints import URL_CODES, stored_url, uri_form, vet_endpoint_url, with_rule_before_syntax
from hr_api.webhooks.events import EVENTS

from .base import EveryFieldOptional, ModelSerializer, StrictSerializer


class WebhookEndpointSerializer(ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "description", "is_active", "created_at", "updated_at"]

    def to_representation(self, instance: WebhookEndpoint) -> dict[str, Any]:
        """The URL as a URI (``format: uri``) even where it was stored before the rule took it no more
        (hr_api.webhooks.endpoints.uri_form)."""
        data = super().to_representation(instance)
        data["url"] = uri_form(data["url"])
        return data


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text="The signing secret, whsec_ and base64 (Standard Webhooks); shown only now."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


def refused(exc: OutboundRefused) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message, code=exc.code)


class CalledUrl(serializers.URLField):
    """A URL the portal will call (hr_api.schema gives its pattern and the rule beyond it, with these codes)."""

    error_codes = URL_CODES

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.validators = with_rule_before_syntax(self.validators)


class WebhookEndpointInputSerializer(StrictSerializer):
    url = CalledUrl(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENTS), allow_empty=False, max_length=len(EVENTS)
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate_url(self, url: str) -> str:
        """https to a public address (accounts.outbound), its port and characters (hr_api.webhooks.endpoints); the
        settings allow a developer's local receiver. Kept with an internationalised host in its IDNA form."""
        try:
            vet_endpoint_url(url)
        except OutboundRefused as exc:
            raise refused(exc) from None
        return stored_url(url)


class WebhookEndpointUpdateSerializer(EveryFieldOptional, WebhookEndpointInputSerializer):
    pass
