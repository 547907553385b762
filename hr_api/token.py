"""The OAuth2 token endpoint, throttled: secrets cannot be guessed at the speed of the network.

At most ``API_TOKEN_RATE_PER_MINUTE`` requests per minute per address and per client id (from
HTTP Basic or the form), counted in the shared cache (``CACHE_URL``), then 429 with Retry-After.
Every refused token request (a wrong secret, a revoked client) is in the audit trail.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from oauth2_provider.views import TokenView

from accounts import audit
from accounts.client_address import client_ip
from core.ratelimit import over_limit

from .errors import PROBLEM_CONTENT_TYPE, problem_body

WINDOW_SECONDS = 60


def _client_id(request: HttpRequest) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("basic "):
        try:
            return base64.b64decode(header[6:]).decode("utf-8", "replace").split(":", 1)[0][:100]
        except (binascii.Error, ValueError):
            return ""
    return str(request.POST.get("client_id", ""))[:100]


class ThrottledTokenView(TokenView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limit = settings.API_TOKEN_RATE_PER_MINUTE
        client_id = _client_id(request)
        keys = [f"token-rate:addr:{client_ip(request)}"]
        if client_id:
            keys.append(f"token-rate:client:{hashlib.sha256(client_id.encode()).hexdigest()}")  # any characters
        over = [
            over_limit(key, limit=limit, window_seconds=WINDOW_SECONDS) for key in keys
        ]  # count every key (a list, not any()'s short cut)
        if any(over):
            response = HttpResponse(
                json.dumps(
                    problem_body(
                        429, code="throttled", detail=str(_("Too many token requests; try again in a minute."))
                    )
                ),
                status=429,
                content_type=PROBLEM_CONTENT_TYPE,
            )
            response["Retry-After"] = str(WINDOW_SECONDS)
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code >= 400:
            audit.record(
                audit.Action.ACCESS_REFUSED,
                actor_label=f"api:{client_id}" if client_id else "anonymous",
                request=request,
                summary=f"token refused ({response.status_code})",
                detail={"status": response.status_code, "endpoint": "token"},
            )
        return response
