"""The employer's webhook endpoints: as shown, as registered (with the secret, once), as changed."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.validators import URLValidator
from rest_framework import serializers

from accounts.outbound import OutboundRefused
from hr_api.models import WebhookEndpoint
from hr_api.webhooks.endpoints import URL_CODES, check_endpoint_url, vet_endpoint_url
from hr_api.webhooks.events import EVENTS

from .base import EveryFieldOptional, ModelSerializer, StrictSerializer


class WebhookEndpointSerializer(ModelSerializer):
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


def refused(exc: OutboundRefused) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message, code=exc.code)


def rule_before_form(form: URLValidator) -> Callable[[str], None]:
    """``form`` (Django's URL syntax, ``invalid``) after what the portal's rule refuses in a URL with a host
    (:func:`hr_api.webhooks.endpoints.check_endpoint_url`), so that such a URL is answered with the rule's code as
    the schema says: the syntax reads a host such as 2130706433, 0x7f000001 or 127.1 as no URL at all, the rule
    names it (``host``). A value without a scheme and a host is no URL at all (``invalid``)."""

    def validate(url: str) -> None:
        try:
            parts = urlsplit(url)
        except ValueError:  # an unclosed [ of an IPv6 host
            parts = None
        if parts is not None and parts.scheme and parts.netloc:
            try:
                check_endpoint_url(url)
            except OutboundRefused as exc:
                raise refused(exc) from None
        form(url)

    return validate


class CalledUrl(serializers.URLField):
    """A URL the portal will call (hr_api.schema gives its pattern and the rule beyond it, with these codes)."""

    error_codes = URL_CODES

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.validators = [
            rule_before_form(validator) if isinstance(validator, URLValidator) else validator
            for validator in self.validators
        ]


class WebhookEndpointInputSerializer(StrictSerializer):
    url = CalledUrl(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENTS), allow_empty=False, max_length=len(EVENTS)
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate_url(self, url: str) -> str:
        """https to a public address (accounts.outbound); the settings allow a developer's local receiver."""
        try:
            vet_endpoint_url(url)
        except OutboundRefused as exc:
            raise refused(exc) from None
        return url


class WebhookEndpointUpdateSerializer(EveryFieldOptional, WebhookEndpointInputSerializer):
    pass
