"""Who may read ``/readyz`` and ``/metrics``: a client address in ``MONITORING_ALLOWED_NETWORKS``
(loopback unless set), or a request carrying ``Authorization: Bearer <MONITORING_TOKEN>``. Anyone
else is answered 404, as if the address did not exist: the endpoints name the queue depth, the
views and the grading lag, which are nobody else's business.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

from accounts.client_address import client_ip


def _bearer_token(request: HttpRequest) -> str:
    scheme, _, token = str(request.META.get("HTTP_AUTHORIZATION") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def may_monitor(request: HttpRequest) -> bool:
    expected = settings.MONITORING_TOKEN
    if expected:
        offered = _bearer_token(request)
        if offered and hmac.compare_digest(offered.encode(), expected.encode()):
            return True
    address = client_ip(request)
    if not address:
        return False
    return any(ipaddress.ip_address(address) in network for network in settings.MONITORING_ALLOWED_NETWORKS)
