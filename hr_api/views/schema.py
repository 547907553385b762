"""The OpenAPI schema (``/api/v1/schema/``) and its interactive docs (``/api/v1/docs/``): drf-spectacular's
views, answering as the API's operations do."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn

from django.conf import settings
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseBase
from django.test.signals import setting_changed
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from hr_api.auth import AddressRateThrottle
from hr_api.errors import AddressThrottled, problem_handler
from hr_api.parameters import check_query
from hr_api.renderers import RefusedTypesNegotiation
from hr_api.schema import SCHEMA_LANGUAGE, generated_schema
from hr_api.views.base import API_METHODS, BodyNotAllowed


# A key per language, renderer and media type as negotiated: ``Accept`` may carry parameters of the
# caller's choosing (``application/json; indent=2``), so the number of keys is bounded, not the callers.
@functools.lru_cache(maxsize=32)
def rendered_schema(language: str, renderer: Callable[[], BaseRenderer], media_type: str) -> tuple[str, bytes]:
    """:func:`generated_schema` as DRF writes it with ``renderer`` (a renderer class) for ``media_type``: the
    ``Content-Type`` and the content, once a process (YAML takes longer to write than the schema to generate)."""
    response = Response(generated_schema(language))
    response.accepted_renderer, response.accepted_media_type = renderer(), media_type
    response.renderer_context = {}  # type: ignore[attr-defined]  # as APIView.finalize_response sets it; not in the stubs
    content = response.rendered_content
    return response["Content-Type"], content


@receiver(setting_changed)
def forget_schema(**kwargs: Any) -> None:
    """A test that changes a setting may change the schema (drf-spectacular reloads its own settings then too)."""
    generated_schema.cache_clear()
    rendered_schema.cache_clear()


class SchemaView(SpectacularAPIView):
    """The schema as drf-spectacular serves it: YAML, or JSON for ``?format=json`` or an ``Accept`` asking for
    it. It takes the query parameters of :data:`PARAMETERS` only, as every operation takes those its schema
    lists (hr_api.parameters: 400 ``unknown_parameter``, ``invalid_choice`` …, where ``?format=xml`` was a 404),
    and refuses in ``application/problem+json`` like them, not in YAML.

    No authentication: the schema is public (``SERVE_PUBLIC``). DRF's defaults (session and HTTP Basic) let
    anyone check a portal account's password here, outside the log-in page, and a wrong one ended in a 500.
    Served from :func:`rendered_schema` (it was generated and written again for every request, up to a tenth
    of a second each), and throttled per address (``API_PUBLIC_THROTTLE_RATE``): a caller cycling through
    ``Accept`` parameters still has it written anew each time.
    """

    http_method_names = API_METHODS  # no OPTIONS: DRF's metadata of this view was its docstring
    content_negotiation_class = RefusedTypesNegotiation  # ``*/*;q=0`` is 406, as for the operations
    authentication_classes: list[type] = []
    throttle_classes = [AddressRateThrottle]
    #: What it takes, as an operation's schema would list it (drf-spectacular's own ``format`` and ``lang``).
    PARAMETERS: dict[str, dict[str, Any]] = {
        "format": {"type": "string", "enum": ["json", "yaml"]},
        "lang": {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
    }

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return problem_handler

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise AddressThrottled(wait)  # per address, not per client: the refusal says so

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method in ("GET", "HEAD"):  # before DRF's negotiation reads ?format=
            check_query(self.PARAMETERS, request.query_params)
            if request._request.body:
                raise BodyNotAllowed()
        super().initial(request, *args, **kwargs)

    def _get_schema_response(self, request: Request) -> HttpResponse:
        # Within drf-spectacular's get(), in the schema's language whatever ``?lang=`` and ``Accept-Language`` ask
        # (hr_api.schema.SCHEMA_LANGUAGE). No version: ``?version=`` is refused (PARAMETERS) and the API sets no
        # versioning class.
        language = SCHEMA_LANGUAGE
        renderer: Callable[[], BaseRenderer] = type(request.accepted_renderer)
        content_type, content = rendered_schema(language, renderer, request.accepted_media_type)
        response = HttpResponse(content, content_type=content_type)
        # The language the schema is written in: LocaleMiddleware would name the request's, after ``?lang=``
        # has ended (it sets the header only where none is).
        response["Content-Language"] = language
        filename = self._get_filename(request, None)  # type: ignore[no-untyped-call]  # drf-spectacular's, untyped
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response

    # DRF takes any HttpResponseBase here (and asserts so): its stubs say Response. The schema is an HttpResponse.
    def finalize_response(  # type: ignore[override]
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if response.status_code >= 400:
            # A problem in JSON, whichever of the schema's types was asked for (or none could be served).
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]


class DocsView(SpectacularSwaggerSplitView):
    """The Swagger UI page, public as the schema is (see :class:`SchemaView` for why no authentication). It refuses
    as the schema does, in the problem shape (its HTML renderer had no template for an error, nor for OPTIONS: 500)."""

    http_method_names = API_METHODS
    authentication_classes: list[type] = []

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return problem_handler

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
