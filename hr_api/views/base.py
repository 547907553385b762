"""The base of every endpoint: client authentication, scope, throttle, JSON only, problem errors."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import ClassVar

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import audit
from accounts.converters import parse_id
from courses.models import Tier, Track
from hr_api.auth import ClientAuthentication, ClientRateThrottle, HasScope, scope_needed
from hr_api.errors import problem_handler
from hr_api.models import ApiClient
from hr_api.pagination import (
    UPDATED_SINCE,
    PreparedSyncRows,
    SyncCursorPagination,
    filter_updated_since,
    parse_updated_since,
)
from hr_api.parameters import NUL, check_query_parameters, invalid_choice, nul_character
from hr_api.parsers import StrictJSONParser
from hr_api.renderers import ApiContentNegotiation
from hr_api.serializers.base import StrictSerializer


class NoFields(StrictSerializer):
    """The body of an action that takes none: an empty object at most."""


class BodyNotAllowed(exceptions.APIException):
    """A GET (or HEAD) with a body: what it says would be ignored, and a filter put there would return the
    whole list as if filtered (RFC 9110, section 9.3.1: a GET's body has no meaning)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("A GET request takes no body: give the filters in the query string (?name=value).")
    default_code = "body_not_allowed"


class ClientAuthenticationScheme(DjangoOAuthToolkitScheme):
    target_class = "hr_api.auth.ClientAuthentication"

    def get_security_requirement(self, auto_schema):
        scope = scope_needed(auto_schema.view, auto_schema.method)
        return {self.name: [scope] if scope else []}


#: The methods an API view may have: Django's but OPTIONS. No operation of the schema is an OPTIONS, so none is
#: served (DRF's answered its metadata to any token, of any employer's row, in mixed languages): it is a method the
#: endpoint does not have, 405 with ``Allow`` as for any other (:meth:`ApiView.check_permissions`).
API_METHODS = [name for name in GenericAPIView.http_method_names if name != "options"]


def handles(view: object, method: str) -> bool:
    """Whether ``view`` has a handler for ``method`` (what ``APIView.dispatch`` looks for)."""
    name = method.lower()
    return name in getattr(view, "http_method_names", ()) and callable(getattr(view, name, None))


class ApiView(GenericAPIView):
    http_method_names = API_METHODS
    authentication_classes = [ClientAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    parser_classes = [StrictJSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = ApiContentNegotiation
    pagination_class = SyncCursorPagination
    required_scope: str | dict[str, str] | None = "read"
    #: By method, the codes of the refusals by the state of a resource (409) the handler can answer, each of
    #: hr_api.problems.TYPES: those it maps to 409 (hr_api.errors.refusal). The schema lists them, with
    #: ``conflict`` for an operation that takes an ``Idempotency-Key``.
    conflicts: ClassVar[Mapping[str, Collection[str]]] = {}
    #: By method, the codes a batch's items can be refused with (a 409 ``conflict`` naming each item's field).
    batch_codes: ClassVar[Mapping[str, Sequence[str]]] = {}

    def get_exception_handler(self):
        return problem_handler

    def check_permissions(self, request: Request) -> None:
        """The scope of the operation (:class:`~hr_api.auth.HasScope`); a method the endpoint has no handler for
        (OPTIONS, PUT …) is no operation, so no scope is asked of it: it answers 405 with ``Allow`` to any client
        with a valid token, whatever its scopes, as the same request answers on every endpoint (401 without one)."""
        if handles(self, request.method or ""):
            super().check_permissions(request)
        elif not isinstance(request.user, ApiClient):
            self.permission_denied(request)  # 401: not authenticated

    def initial(self, request, *args, **kwargs):
        # Read the raw body before anything parses it: the idempotency fingerprint needs it, and
        # an oversized body must be answered in the error shape, not by Django's 400 page.
        if request.method in ("POST", "PUT", "PATCH"):
            request._request.body  # noqa: B018
        super().initial(request, *args, **kwargs)
        # After authentication, scope and throttle (401, 403, 429 first); a method the view has no handler
        # for goes on to its 405.
        if handles(self, request.method):
            check_query_parameters(type(self), request.method, request.query_params)  # a NUL in the query too
            if request.method in ("GET", "HEAD") and request._request.body:
                raise BodyNotAllowed()
        # PostgreSQL refuses NUL in text; no id or number of ours contains one (named as in the query).
        nul = {name: [nul_character()] for name, value in kwargs.items() if isinstance(value, str) and NUL in value}
        if nul:
            raise exceptions.ValidationError(nul)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # An employer's rows are personal data: no cache keeps them, the client's own included (the site's pages
        # get ``private``, accounts.middleware, which keeps a header set here).
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        # Every write an HR system makes is in the audit trail, refused ones included.
        # (request._user: asking request.user would authenticate again, reading an oversized body.)
        client = getattr(request, "_user", None)
        if request.method not in ("GET", "HEAD", "OPTIONS") and isinstance(client, ApiClient):
            audit.record(
                audit.Action.API_WRITE,
                actor=client,
                request=request._request,
                summary=f"{request.method} {request.path} {response.status_code}",
                detail={"status": response.status_code, "idempotency_key": request.headers.get("Idempotency-Key", "")},
            )
        return response

    @property
    def client(self) -> ApiClient:
        return self.request.user

    @property
    def employer_id(self) -> int:
        return self.client.employer_id

    def valid_body(self, serializer_class, *, context: dict | None = None) -> dict:
        """The request's JSON body as ``serializer_class`` validates it (with ``context``); 400 (problem shape) when
        it does not."""
        body = serializer_class(data=self.request.data, context=context or {})
        body.is_valid(raise_exception=True)
        return body.validated_data

    def no_body(self) -> None:
        """The check of an operation that takes no body (an action such as deactivate, a DELETE; the schema
        gives it no ``requestBody``), after its row is found as for a body: none or ``{}`` passes, a field
        answers 400 naming it, as any body does for a field it does not take. None is accepted and ignored."""
        self.valid_body(NoFields)

    def employee_id_param(self) -> int | None:
        """The ``employee`` filter of a list (:func:`employee_filter`): an employee id, or None when the
        request gives none."""
        employee = self.request.query_params.get("employee")
        if not employee:
            return None
        if (employee_id := parse_id(employee)) is None:  # digits, within the id column's range
            raise exceptions.ValidationError({"employee": [_("Give an employee id.")]})
        return employee_id

    def catalog_codes(self, *names: str) -> dict[str, str | None]:
        """The catalog codes the request gives for the filters ``names`` (of :data:`CATALOG_FILTERS`; None: not
        given). A code the catalog does not have answers 400 naming the filter and listing the catalog's codes,
        as an ``enum`` parameter does (:func:`~hr_api.parameters.check_query_parameters`), rather than an empty
        list. The catalog's rows decide; the schema gives their codes as a ``pattern`` (:data:`TIER_CODES`)."""
        given = {name: self.request.query_params.get(name) or None for name in names}
        errors = {}
        for name, code in given.items():
            if code is None:
                continue
            codes = list(CATALOG_FILTERS[name].objects.values_list("code", flat=True))
            if code not in codes:
                errors[name] = [invalid_choice(codes)]
        if errors:
            raise exceptions.ValidationError(errors)
        return given

    def tier_track_filtered(self, queryset, *, path: str = ""):
        """``queryset`` narrowed to the ``tier`` and ``track`` codes the request gives (:data:`TIER_TRACK_FILTERS`);
        ``path`` leads from a row to what has the tier and track (``"curriculum__"`` from a cohort)."""
        codes = self.catalog_codes("tier", "track")
        if tier := codes["tier"]:
            queryset = queryset.filter(**{f"{path}tier__code": tier})
        if track := codes["track"]:
            queryset = queryset.filter(**{f"{path}track__code": track})
        return queryset

    def sync_list(self, queryset, serializer_class, *, field: str = "updated_at", context: dict | None = None):
        """A cursor page of ``queryset`` changed since ``updated_since``."""
        queryset = filter_updated_since(queryset, self.request, field)
        page = self.paginate_queryset(queryset)
        serializer = serializer_class(page, many=True, context={"request": self.request, **(context or {})})
        return self.get_paginated_response(serializer.data)

    def sync_rows(self, rows: PreparedSyncRows, filters: dict, serializer_class, *, context: dict | None = None):
        """:meth:`sync_list` of the rows ``rows`` reads for ``filters`` (None: not given), by SQL composed
        once (:class:`~hr_api.pagination.PreparedSyncRows`), written as JSON by the serializer's
        ``json_rows`` (for :class:`~hr_api.renderers.ApiJSONRenderer`)."""
        filters = {**filters, "updated_since": parse_updated_since(self.request)}
        page = self.paginator.paginate_prepared(rows, filters, self.request, view=self)
        serializer = serializer_class(context={"request": self.request, **(context or {})})
        return self.get_paginated_response(serializer.json_rows(page))


#: The filters whose value is a code of the national catalog (:meth:`ApiView.catalog_codes`).
CATALOG_FILTERS: dict[str, type[Tier] | type[Track]] = {"tier": Tier, "track": Track}

#: The national catalog's tier and track codes (courses/migrations/0002_national_catalog.py), in the schema as the
#: ``pattern`` of the filters, so that a client knows a code the catalog lacks is refused (a test compares them
#: with the catalog's rows). Text, not an ``enum``: a generated client keeps taking a string.
TIER_CODES = ("assistant", "standard", "senior")
TRACK_CODES = ("corporate", "retail")


def codes_pattern(codes: Sequence[str]) -> str:
    return f"^({'|'.join(codes)})$"


#: The ``tier`` and ``track`` parameters of a list (read by :meth:`ApiView.tier_track_filtered`).
TIER_TRACK_FILTERS = (
    OpenApiParameter(
        "tier",
        OpenApiTypes.STR,
        description="A tier code: assistant, standard or senior (another answers 400).",
        pattern=codes_pattern(TIER_CODES),
    ),
    OpenApiParameter(
        "track",
        OpenApiTypes.STR,
        description="A track code: corporate or retail (another answers 400).",
        pattern=codes_pattern(TRACK_CODES),
    ),
)


def employee_filter(rows: str) -> OpenApiParameter:
    """The ``employee`` parameter of a list of ``rows`` (read by :meth:`ApiView.employee_id_param`)."""
    return OpenApiParameter("employee", OpenApiTypes.INT, description=f"Only this employee's {rows}.")


def sync_list_schema(
    serializer_class,
    *,
    summary: str,
    operation_id: str,
    description: str | None = None,
    filters: Sequence[OpenApiParameter] = (),
):
    """The schema of a list endpoint: a cursor page of ``serializer_class`` rows changed since
    ``updated_since`` (:meth:`ApiView.sync_list`), filtered by ``filters`` too."""
    return extend_schema(
        summary=summary,
        operation_id=operation_id,
        description=description,
        parameters=[UPDATED_SINCE, *filters],
        responses=serializer_class(many=True),
    )


def get_owned_or_404(queryset, **lookup):
    """A row of the client's employer, or 404 whether it is missing or someone else's."""
    return get_object_or_404(queryset, **lookup)


def created(body, url_name: str, pk: int) -> Response:
    """201 Created with ``body``, the new row's address (``url_name`` of ``pk``) in ``Location``: the link
    a client follows, and that :func:`~hr_api.idempotency.run_idempotently` replays to a retry."""
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": reverse(url_name, args=[pk])})
