"""OAuth2 client credentials for employers' HR systems, scopes per client, throttling per client.

A token is issued only to an active client (not revoked, employer active) and only for scopes
the program office granted it; a request without ``scope`` gets all of them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiClient


def client_of(application: Any) -> ApiClient | None:
    if application is None:
        return None
    try:
        return application.api_client
    except ApiClient.DoesNotExist:
        return None


class ClientScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = client_of(application)
        return client.scopes if client is not None else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)


class ClientValidator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = client_of(request.client)
        return client is not None and client.is_active


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = _("The access token is invalid, has expired or was revoked; ask for a new one.")
    default_code = "invalid_token"


class ClientAuthentication(OAuth2Authentication):
    """A bearer token of an active client; the principal is the :class:`ApiClient`.

    No bearer token at all is "credentials not provided" (401 from the permission); a token that
    is unknown, expired, revoked or of a revoked client is :class:`InvalidToken` (401 with
    ``error="invalid_token"``, RFC 6750), so that the HR system knows to fetch a new one.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            if _bearer_token(request):
                raise InvalidToken()
            return None
        _user, token = result
        client = (
            ApiClient.objects.select_related("employer", "application")
            .filter(application_id=token.application_id)
            .first()
        )
        if client is None or not client.is_active:
            raise InvalidToken()
        return client, token

    def authenticate_header(self, request):
        # ASCII in a header (RFC 6750 error_description), whatever the request's language: the
        # translated explanation is the body's ``detail``.
        if _bearer_token(request):
            return (
                'Bearer realm="api", error="invalid_token", error_description="The access token is invalid or expired."'
            )
        return f'Bearer realm="{self.www_authenticate_realm}"'


def _bearer_token(request) -> str:
    scheme, _space, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class HasScope(BasePermission):
    """The token carries ``required_scope`` (set on the view, per method if a dict)."""

    message = _("This client's token lacks the scope this operation needs.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if token is None or not isinstance(request.user, ApiClient):
            return False
        needed = view.required_scope
        if isinstance(needed, dict):
            needed = needed.get(request.method, needed.get("*"))
        return needed is None or (token.allow_scopes([needed]) and needed in request.user.scopes)


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per client (not per address): one HR system behind a proxy shares nothing."""

    scope = "api_client"

    def get_cache_key(self, request, view):
        ident = f"client-{request.user.pk}" if isinstance(request.user, ApiClient) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
