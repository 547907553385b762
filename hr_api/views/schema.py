"""The OpenAPI schema (``/api/v1/schema/``) and its interactive docs (``/api/v1/docs/``): drf-spectacular's
views, answering as the API's operations do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from hr_api.errors import problem_handler
from hr_api.parameters import check_query
from hr_api.views.base import BodyNotAllowed


class SchemaView(SpectacularAPIView):
    """The schema as drf-spectacular serves it: YAML, or JSON for ``?format=json`` or an ``Accept`` asking for
    it. It takes the query parameters of :data:`PARAMETERS` only, as every operation takes those its schema
    lists (hr_api.parameters: 400 ``unknown_parameter``, ``invalid_choice`` …, where ``?format=xml`` was a 404),
    and refuses in ``application/problem+json`` like them, not in YAML.

    No authentication: the schema is public (``SERVE_PUBLIC``). DRF's defaults (session and HTTP Basic) let
    anyone check a portal account's password here, outside the log-in page, and a wrong one ended in a 500.
    """

    authentication_classes: list[type] = []
    #: What it takes, as an operation's schema would list it (drf-spectacular's own ``format`` and ``lang``).
    PARAMETERS: dict[str, dict[str, Any]] = {
        "format": {"type": "string", "enum": ["json", "yaml"]},
        "lang": {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
    }

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return problem_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method in ("GET", "HEAD"):  # before DRF's negotiation reads ?format=
            check_query(self.PARAMETERS, request.query_params)
            if request._request.body:
                raise BodyNotAllowed()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if response.status_code >= 400:
            # A problem in JSON, whichever of the schema's types was asked for (or none could be served).
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class DocsView(SpectacularSwaggerSplitView):
    """The Swagger UI page, public as the schema is (see :class:`SchemaView` for why no authentication)."""

    authentication_classes: list[type] = []
