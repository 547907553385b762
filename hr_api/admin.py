"""Admin of the employers' API, for the program office only: clients, webhook endpoints, deliveries.

Institution staff never see these pages.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.admin import ProgramOfficeOnly
from accounts.outbound import OutboundRefused
from core.admin_refusals import RefusedSaveAdmin

from . import selectors, services
from .models import SCOPES, ApiClient, WebhookDelivery, WebhookEndpoint
from .webhooks import deliveries, endpoints
from .webhooks.events import EVENT_LABELS, EVENT_SCOPES, EVENTS

#: A client's scope switches (``ApiClient.scopes`` reads them), in the order of ``SCOPES``.
SCOPE_FIELDS = [f"can_{scope}" for scope in SCOPES]


def scope_label(scope: str) -> str:
    """A scope as the admin names it, in the active language: its switch's label ("Scope: read", "權限：讀取")."""
    return str(capfirst(ApiClient._meta.get_field(f"can_{scope}").verbose_name))


def _show_secret_once(request: HttpRequest, message: str, client: ApiClient, secret: str) -> None:
    """Shows a new client secret in the admin: this message is the only place it is ever shown."""
    messages.warning(request, message % {"id": client.application.client_id, "secret": secret})


class ApiClientAddForm(forms.ModelForm):
    name = forms.CharField(label=_("name"), max_length=255)
    client_id = forms.CharField(
        label=_("client id"), max_length=100, required=False, help_text=_("Leave empty for a random id.")
    )

    class Meta:
        model = ApiClient
        fields = ["employer", *SCOPE_FIELDS]

    def clean_client_id(self) -> str:
        from oauth2_provider.models import Application

        value = self.cleaned_data["client_id"].strip()
        if value and Application.objects.filter(client_id=value).exists():
            raise forms.ValidationError(_("This client id is taken."))
        return value


@admin.register(ApiClient)
class ApiClientAdmin(ProgramOfficeOnly, admin.ModelAdmin):
    list_display = ["client_id", "employer", "scope_list", "revoked_at", "created_at"]
    list_filter = ["revoked_at", "can_enroll", "can_webhooks", "can_managers", "can_evaluations"]
    list_select_related = ["application", "employer"]
    search_fields = ["application__client_id", "application__name", "employer__code"]
    actions = ["rotate_secret", "revoke"]
    readonly_fields = ["client_id", "employer", "revoked_at", "created_at"]
    fields = ["client_id", "employer", *SCOPE_FIELDS, "revoked_at", "created_at"]

    @admin.display(description=_("client id"), ordering="application__client_id")
    def client_id(self, obj: ApiClient) -> str:
        return obj.application.client_id

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiClient) -> str:
        """The client's scopes by their labels in the page's language (the switches' on its change page), not the
        names a token carries ("read enroll")."""
        return pgettext("list separator", ", ").join(scope_label(scope) for scope in obj.scopes)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "client_id", "employer", *SCOPE_FIELDS]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            services.record_client_change(
                obj, change="scopes", summary="scopes " + " ".join(obj.scopes), scopes=obj.scopes
            )
            return
        data = form.cleaned_data
        client, secret = services.do_create_client(
            employer=data["employer"],
            name=data["name"],
            scopes=[s for s in SCOPES if data.get(f"can_{s}")],
            client_id=data["client_id"] or None,
        )
        obj.pk = client.pk
        obj.application = client.application
        _show_secret_once(
            request,
            _("Client %(id)s: its secret is %(secret)s — give it to the employer now; it is not shown again."),
            client,
            secret,
        )

    @admin.action(description=_("Rotate the secret of the selected clients"))
    def rotate_secret(self, request, queryset):
        for client in queryset.select_related("application"):
            secret = services.do_rotate_secret(client=client)
            _show_secret_once(
                request,
                _(
                    "Client %(id)s: its new secret is %(secret)s — it is not shown again. The tokens issued with the "
                    "old secret no longer work."
                ),
                client,
                secret,
            )

    @admin.action(description=_("Revoke the selected clients (their tokens stop working now)"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.do_revoke_client(client=client)
        messages.success(request, _("%(count)d clients revoked.") % {"count": queryset.count()})


class WebhookEndpointForm(forms.ModelForm):
    url = WebhookEndpoint._meta.get_field("url").formfield(assume_scheme="https")  # a URL without a scheme

    class Meta:
        model = WebhookEndpoint
        fields = ["employer", "url", "events", "is_active", "description"]  # the secret is made on save

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A host such as 2130706433 is named as the API names it (the rule's "host"), not "Enter a valid URL".
        self.fields["url"].validators = endpoints.with_rule_before_syntax(self.fields["url"].validators)

    def clean_url(self) -> str:
        """The API's rule (hr_api.webhooks.endpoints): https to public addresses, its port and characters; kept as
        the API keeps it."""
        url = self.cleaned_data["url"]
        try:
            endpoints.vet_endpoint_url(url)
        except OutboundRefused as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        return endpoints.stored_url(url)

    def clean(self) -> dict:
        """The API's rule for events a scope guards: the employer must have a client with that scope."""
        cleaned = super().clean()
        employer = cleaned.get("employer")
        for event in cleaned.get("events") or ():
            scope = EVENT_SCOPES.get(event)
            if employer is not None and scope and not selectors.employer_holds_scope(employer.pk, scope):
                self.add_error(
                    "events",
                    forms.ValidationError(
                        _(
                            "%(employer)s has no API client with the scope %(scope)s, which %(event)s needs: "
                            "give one of its clients that scope first."
                        ),
                        code="scope_missing",
                        params={"employer": employer, "scope": scope, "event": event},
                    ),
                )
        # The API's rule of the employer's endpoints (hr_api.webhooks.endpoints.check_endpoint): each active URL
        # once, and at most so many endpoints.
        url = cleaned.get("url")
        if employer is not None and url and not self.has_error("url"):
            try:
                endpoints.check_endpoint(
                    employer_id=employer.pk,
                    url=url,
                    is_active=bool(cleaned.get("is_active")),
                    endpoint_id=self.instance.pk,
                )
            except endpoints.EndpointError as error:
                self.add_error(error.field, forms.ValidationError(error.message, code=error.code))
        return cleaned


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ProgramOfficeOnly, RefusedSaveAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "employer", "events", "is_active", "updated_at"]
    list_filter = ["is_active"]
    list_select_related = ["employer"]
    search_fields = ["url", "employer__code"]
    exclude = ["secret"]
    refusals = (endpoints.EndpointError,)

    def save_model(self, request, obj, form, change):
        """Through the API's services (hr_api.webhooks.endpoints), which the form's clean asked already; the
        database's constraint and the employer's lock settle a race: a refusal then saves nothing and is shown
        with the form again (core.admin_refusals)."""
        values = {name: form.cleaned_data[name] for name in ("url", "events", "is_active", "description")}
        with self.refusal_kept(request):
            if change:
                endpoints.do_change_endpoint(obj, **values)
                return
            endpoint = endpoints.do_register_endpoint(employer_id=form.cleaned_data["employer"].pk, **values)
            obj.pk, obj.secret, obj.created_at, obj.updated_at = (
                endpoint.pk, endpoint.secret, endpoint.created_at, endpoint.updated_at
            )  # fmt: skip
            obj._state.adding = False
            messages.warning(
                request,
                _(
                    "Webhook endpoint %(url)s: its signing secret is %(secret)s — give it to the employer now; "
                    "it is not shown again."
                )
                % {"url": obj.url, "secret": obj.secret},
            )


class EventListFilter(admin.ChoicesFieldListFilter):
    """Django's filter of a field with choices, each event shown by its label in the page's language
    (:data:`~hr_api.webhooks.events.EVENT_LABELS`): the field's own choices are the events' names, which the
    deliveries carry. The same ``event__exact`` lookups."""

    def __init__(self, field, *args, **kwargs):
        field = copy.copy(field)  # the model's field keeps its choices
        field.choices = [(event, EVENT_LABELS[event]) for event in EVENTS]
        super().__init__(field, *args, **kwargs)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ProgramOfficeOnly, admin.ModelAdmin):
    list_display = ["event_label", "endpoint", "status", "attempts", "last_status_code", "created_at", "delivered_at"]
    list_filter = ["status", ("event", EventListFilter)]
    list_select_related = ["endpoint"]
    search_fields = ["event_id", "endpoint__url"]
    readonly_fields = [
        "endpoint",
        "event_id",
        "event",
        "payload",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj: WebhookDelivery) -> str:
        """The event by its label in the page's language (the change page shows the name it is delivered as)."""
        return str(EVENT_LABELS.get(obj.event, obj.event))

    @admin.action(description=_("Deliver the selected events again"))
    def redeliver(self, request, queryset):
        count = deliveries.do_redeliver(deliveries=list(queryset))
        messages.success(request, _("%(count)d deliveries queued again.") % {"count": count})
