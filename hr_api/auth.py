"""OAuth2 client credentials for employers' HR systems, scopes per client, throttling per client (and per
address for the public schema).

A token is issued only to an active client (not revoked, employer active) and only for scopes
the program office granted it; a request without ``scope`` gets all of them.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from oauth2_provider.bcp import bcp_compliant
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AbstractApplication, get_access_token_model, get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import INVALID_HEX_PATTERN
from oauthlib.oauth2.rfc6749 import errors as oauth2_errors
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from accounts.client_address import client_network
from core.prepared import PreparedRows

from .models import ApiClient

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from rest_framework.request import Request
    from rest_framework.views import APIView


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


#: The ``error_description`` of a token request whose form names another client than HTTP Basic authenticates
#: (translated by hr_api.token).
CLIENT_ID_MISMATCH = gettext_noop(
    "The client_id in the form is not the client that HTTP Basic authenticates; identify the client once."
)


class ClientValidator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = client_of(request.client)
        if client is None or not client.is_active:
            return False
        if request.client_id and request.client_id != request.client.client_id:
            # Two credentials naming two clients: RFC 6749's invalid_request (section 5.2: "includes multiple
            # credentials"), where oauthlib answered server_error ("Discrepency found between client identifier").
            raise oauth2_errors.InvalidRequestError(description=CLIENT_ID_MISMATCH, request=request)
        return True

    def _save_bearer_token(self, token, request, *args, **kwargs):
        # In DOT's transaction, under the application's row lock, which hr_api.services.do_rotate_secret holds
        # while it changes the secret and ends the tokens: a request authenticated with the secret it replaced,
        # just before the rotation committed, gets no token either (invalid_client, as with the old secret after).
        current = (
            get_application_model()
            .objects.select_for_update()
            .filter(pk=request.client.pk)
            .values_list("client_secret", flat=True)
            .first()
        )
        if current != request.client.client_secret:
            raise oauth2_errors.InvalidClientError(request=request)  # DOT answers it as any refusal
        return super()._save_bearer_token(token, request, *args, **kwargs)


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = _("The access token is invalid, has expired or was revoked; ask for a new one.")
    default_code = "invalid_token"


class ClientAuthentication(OAuth2Authentication):
    """A bearer token of an active client; the principal is the :class:`ApiClient`.

    No bearer token at all is "credentials not provided" (401 from the permission); a token that
    is unknown, expired, revoked or of a revoked client is :class:`InvalidToken` (401 with
    ``error="invalid_token"``, RFC 6750), so that the HR system knows to fetch a new one.

    A request with an ``Authorization`` header is checked by :func:`token_of_header`, django-oauth-
    toolkit's checks without oauthlib's request machinery (issue 20: they were 13 M of the 31 M
    instructions of a page of certificates); any other request, and any token that only DOT can
    judge, goes through DOT's :class:`OAuth2Authentication` as before.
    """

    def authenticate(self, request):
        token = token_of_header(request)
        read_by_dot = token is DOT_DECIDES
        if read_by_dot:
            result = super().authenticate(WithoutBody(request))
            token = None if result is None else result[1]
        if token is None:
            if _bearer_token(request):
                raise InvalidToken()
            return None
        client = _client_of_application(token.application_id)
        if client is None or not client.is_active:
            raise InvalidToken()
        if not read_by_dot:
            token.application = client.application  # the row DOT's select_related gives it
        return client, token

    def authenticate_header(self, request):
        # ASCII in a header (RFC 6750 error_description), whatever the request's language: the
        # translated explanation is the body's ``detail``.
        if _bearer_token(request):
            return (
                'Bearer realm="api", error="invalid_token", error_description="The access token is invalid or expired."'
            )
        return f'Bearer realm="{self.www_authenticate_realm}"'


class WithoutBody:
    """``request`` as DOT reads it for a token, without its body: the API takes a token from the ``Authorization``
    header only (RFC 6750's form-body token is a form, and the API reads JSON). DOT reads the body as a form
    (``request.POST``), which DRF answers by parsing it with the view's parsers: a body the view refuses (no JSON,
    another media type) answered 400 or 415 before the client was known, where the same request with a readable
    body answered 401. Authentication comes first; the body is the view's, for a client it knows."""

    def __init__(self, request: Any) -> None:
        self._wrapped = request

    @property
    def POST(self) -> QueryDict:  # HttpRequest's name
        return QueryDict()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


def _application_unread() -> list[str]:
    return [
        f"application__{field.name}"
        for field in get_application_model()._meta.concrete_fields
        if field.name not in ("id", "client_id")
    ]


#: :func:`token_of_header`'s answer when DOT's own path must judge the request.
DOT_DECIDES: Any = object()

# DOT's lookup (OAuth2Validator._load_access_token: the token's SHA-256 in ``token_checksum``, the
# first by id), its SQL composed once per connection (core.prepared).
_TOKEN_BY_CHECKSUM = PreparedRows(
    lambda checksum: get_access_token_model().objects.filter(token_checksum=checksum).order_by("pk")[:1]
)
# What ClientAuthentication read with .first(): the client of the token's application (one at most),
# its employer, and of the application what the client shows (``audit_label``): its other columns,
# the secret's hash among them, are read only if something asks for them.
_CLIENT_OF_APPLICATION = PreparedRows(
    lambda application_id: (
        ApiClient.objects.select_related("employer", "application")
        .defer(*_application_unread())
        .filter(application_id=application_id)[:1]
    )
)


def _client_of_application(application_id: int | None) -> ApiClient | None:
    if application_id is None:  # a token of no application belongs to no client
        return None
    rows = _CLIENT_OF_APPLICATION(application_id)
    return rows[0] if rows else None


def token_of_header(request) -> Any:
    """The valid access token of the request's ``Authorization`` header, None when DOT would refuse the
    request, or :data:`DOT_DECIDES`.

    The steps of DOT's ``OAuthLibCore.verify_request`` and ``OAuth2Validator.validate_bearer_token``
    (django-oauth-toolkit 3.4), in their order, for a request that has the header (oauthlib then
    reads the token from it alone), but for reading the body, which neither does here (:class:`WithoutBody`:
    the view parses it, after authentication); a token in the query string refused (RFC 9700); a query
    string with a bad percent-escape a SuspiciousOperation (oauthlib's ``urldecode`` of the same
    query: escaping the other characters as DOT and Django do moves no bad escape); the token as
    oauthlib takes it from the header; the token found by its checksum, valid (not expired). A token
    restricted to resources (RFC 8707, checked against the absolute URI), an application model that
    judges its own use (``is_usable``) or a token introspection server: DOT judges.
    """
    meta = request.META
    header = meta.get("HTTP_AUTHORIZATION")
    if header is None or oauth2_settings.RESOURCE_SERVER_INTROSPECTION_URL:
        return DOT_DECIDES
    if get_application_model().is_usable is not AbstractApplication.is_usable:
        return DOT_DECIDES
    if "access_token" in request.GET and bcp_compliant(
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT",
        "Presenting an OAuth 2.0 access token in the URI query string",
    ):
        return None
    query = meta.get("QUERY_STRING", "")
    if "%" in query and INVALID_HEX_PATTERN.search(query.partition("#")[0]):
        raise SuspiciousOperation(ValueError("Invalid hex encoding in query string."))
    parts = header.split()  # oauthlib's get_token_from_header
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    rows = _TOKEN_BY_CHECKSUM(hashlib.sha256(parts[1].encode("utf-8")).hexdigest())
    if not rows or not rows[0].is_valid([]):
        return None
    if rows[0].resource:
        return DOT_DECIDES
    return rows[0]


def _bearer_token(request) -> str:
    scheme, _space, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class MethodNotScoped(LookupError):
    """A method that a view's ``required_scope`` dict neither names nor covers with ``"*"``: no token may use it."""


def scope_needed(view, method: str) -> str | None:
    """The scope ``view.required_scope`` asks of ``method``; None when the view asks none (``required_scope = None``).

    A dict names the scope of each method, ``"*"`` that of the others. HEAD asks what GET asks, always: its
    answer is GET's without the body (same status, same ``Content-Length``), so it must not need less. A
    method a dict neither names nor covers with ``"*"`` (OPTIONS too) raises :class:`MethodNotScoped`:
    fail closed, so that a handler added without its scope is refused rather than open to every token.
    """
    needed = view.required_scope
    if not isinstance(needed, dict):
        return needed
    if method == "HEAD":
        method = "GET"
    if method in needed:
        return needed[method]
    if "*" in needed:
        return needed["*"]
    raise MethodNotScoped(method)


def holds_scope(request, scope: str) -> bool:
    """Whether the request's token carries ``scope`` and its client still has it: the program office may
    have taken the scope away since the token was issued."""
    return request.auth.allow_scopes([scope]) and scope in request.user.scopes


class HasScope(BasePermission):
    """The token carries ``required_scope`` (set on the view, per method if a dict: :func:`scope_needed`); a
    method the view handles but its dict does not scope is refused to every token."""

    message: StrOrPromise = _("This client's token lacks the scope this operation needs.")

    def has_permission(self, request, view) -> bool:
        if request.auth is None or not isinstance(request.user, ApiClient):
            return False
        try:
            needed = scope_needed(view, request.method)
        except MethodNotScoped:
            # A method the view has no handler for goes on to DRF's 405 (with ``Allow``), as on every view;
            # one it handles without naming its scope (a mistake in the view) is refused; OPTIONS is answered 405
            # before this (hr_api.views.base).
            return not _handles(view, request.method)
        if needed is None or holds_scope(request, needed):
            return True
        # The refusal names the scope (DRF reads ``message`` of the permission that refused; one per request).
        self.message = _("This client's token lacks the scope %(scope)s that this operation needs.") % {"scope": needed}
        return False


def _handles(view, method: str) -> bool:
    """Whether ``view`` has a handler for ``method`` (what ``APIView.dispatch`` looks for)."""
    name = method.lower()
    return name in view.http_method_names and callable(getattr(view, name, None))


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per client (not per address): one HR system behind a proxy shares nothing."""

    scope = "api_client"

    def get_cache_key(self, request, view):
        ident = f"client-{request.user.pk}" if isinstance(request.user, ApiClient) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(SimpleRateThrottle):
    """Requests per address (:func:`accounts.client_address.client_network`: a forged ``X-Forwarded-For`` gains
    nothing, an IPv6 client counts by its /64), for what anyone may ask without a client: the schema (whose
    refusal says so: hr_api.errors.AddressThrottled)."""

    scope = "api_public"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_network(request._request)}
