"""The employer's webhook endpoints: list, register, fetch, change, remove (scope ``webhooks``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from hr_api.auth import holds_scope
from hr_api.errors import refusal
from hr_api.idempotency import IDEMPOTENCY_KEY, run_idempotently
from hr_api.selectors import endpoints_of
from hr_api.serializers.webhooks import (
    WebhookEndpointCreatedSerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
)
from hr_api.webhooks.endpoints import (
    TOO_MANY_ENDPOINTS,
    URL_TAKEN,
    EndpointError,
    do_change_endpoint,
    do_register_endpoint,
    endpoint_limit,
)
from hr_api.webhooks.events import EVENT_SCOPES, EVENTS

from .base import ApiView, created, get_owned_or_404, sync_list_schema


class WebhookMixin:
    required_scope = "webhooks"

    def endpoints(self):
        return endpoints_of(self.employer_id)

    def check_event_scopes(self, events) -> None:
        """Each event needs the scope of the resource it tells of (:data:`EVENT_SCOPES`: ``exam.result_published``
        ``read``, ``manager.compliance_changed`` ``managers`` …) too: a token that cannot read the rows is not
        told their changes either. 403, as for any scope."""
        for event in events or ():
            scope = EVENT_SCOPES.get(event)
            if scope and not holds_scope(self.request, scope):
                raise exceptions.PermissionDenied(
                    _("Subscribing to %(event)s needs a token with the scope %(scope)s.")
                    % {"event": event, "scope": scope}
                )


def _event_scopes_note() -> str:
    """The schema's word on :data:`EVENT_SCOPES`: which scope each event needs besides ``webhooks``."""
    by_scope: dict[str, list[str]] = {}
    for event in EVENTS:
        by_scope.setdefault(EVENT_SCOPES[event], []).append(f"`{event}`")
    needs = "; ".join(f"`{scope}` for {', '.join(events)}" for scope, events in by_scope.items())
    return (
        f"Each event also needs the scope of the resource it tells of (403 without it): {needs}. "
        "It is delivered only while one of the employer's active clients has that scope."
    )


EVENT_SCOPES_NOTE = _event_scopes_note()


def _url_once_note() -> str:
    return (
        "A URL is registered once among the employer's active endpoints (409 `url_taken`: change that endpoint's "
        "events instead); an employer has at most WEBHOOK_ENDPOINTS_PER_EMPLOYER endpoints, active or not "
        f"(now {endpoint_limit()}; 409 `too_many_endpoints`: remove one first). "
    )


class WebhookEndpointListView(WebhookMixin, ApiView):
    serializer_class = WebhookEndpointSerializer
    conflicts = {"POST": (URL_TAKEN, TOO_MANY_ENDPOINTS)}

    @sync_list_schema(WebhookEndpointSerializer, summary="List webhook endpoints", operation_id="webhooks_list")
    def get(self, request):
        return self.sync_list(self.endpoints(), WebhookEndpointSerializer)

    @extend_schema(
        summary="Register a webhook endpoint",
        description="Events: "
        + ", ".join(EVENTS)
        + ". The answer carries the signing secret, once. "
        + _url_once_note()
        + EVENT_SCOPES_NOTE,
        parameters=[IDEMPOTENCY_KEY],
        request=WebhookEndpointInputSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
    )
    def post(self, request):
        def work():
            values = self.valid_body(WebhookEndpointInputSerializer)
            self.check_event_scopes(values["events"])
            try:
                endpoint = do_register_endpoint(employer_id=self.employer_id, **values)
            except EndpointError as error:
                raise refusal(error, conflicts=(URL_TAKEN, TOO_MANY_ENDPOINTS)) from None
            return created(WebhookEndpointCreatedSerializer(endpoint).data, "api:webhook", endpoint.pk)

        return run_idempotently(request, work)


class WebhookEndpointDetailView(WebhookMixin, ApiView):
    serializer_class = WebhookEndpointSerializer
    conflicts = {"PATCH": (URL_TAKEN,)}

    @extend_schema(summary="Fetch a webhook endpoint")
    def get(self, request, pk: int):
        return Response(WebhookEndpointSerializer(get_owned_or_404(self.endpoints(), pk=pk)).data)

    @extend_schema(
        summary="Change a webhook endpoint",
        description="A URL (or a reactivation) that another of the employer's active endpoints has answers 409 "
        "`url_taken`. " + EVENT_SCOPES_NOTE,
        request=WebhookEndpointUpdateSerializer,
        responses=WebhookEndpointSerializer,
    )
    def patch(self, request, pk: int):
        endpoint = get_owned_or_404(self.endpoints(), pk=pk)
        values = self.valid_body(WebhookEndpointUpdateSerializer)
        self.check_event_scopes(values.get("events"))
        try:
            do_change_endpoint(endpoint, **values)
        except EndpointError as error:
            raise refusal(error, conflicts=(URL_TAKEN,)) from None
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(summary="Remove a webhook endpoint", responses={204: None})
    def delete(self, request, pk: int):
        endpoint = get_owned_or_404(self.endpoints(), pk=pk)
        self.no_body()
        endpoint.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
