"""django-csp's middleware with the policy built once instead of twice per response.

``csp.middleware.CSPMiddleware`` builds both policies (enforced and report-only) from the settings
on every response: a copy of every directive, a dataclass turned into a dict and back. The settings
do not change while the process runs, so a response that brings nothing of its own (no nonce was
asked for, no ``@csp_update``/``@csp_replace``/``@csp`` decorator) gets the same header text every
time: it is built once (again after a test changes the settings) by the library's own function.
Anything else goes through the library unchanged.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

# What a view or decorator may set on a response to change its policy (the library reads these).
_RESPONSE_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_EXEMPT_IN_DEBUG = (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.NOT_FOUND)

# (header, policy text, excluded path prefixes) for the enforced and the report-only policy.
_Policy = tuple[str, str, tuple[str, ...]]
_built: dict[str, tuple[_Policy, _Policy]] = {}


def _constant_policies() -> tuple[_Policy, _Policy]:
    policies = _built.get("policies")
    if policies is None:
        enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
        policies = _built["policies"] = (
            (HEADER, build_policy(), tuple(enforced.get("EXCLUDE_URL_PREFIXES", None) or ())),
            (
                HEADER_REPORT_ONLY,
                build_policy(report_only=True),
                tuple(report_only.get("EXCLUDE_URL_PREFIXES", None) or ()),
            ),
        )
    return policies


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs: object) -> None:
    if setting in {"CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"}:
        _built.clear()


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _RESPONSE_OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in _EXEMPT_IN_DEBUG and settings.DEBUG:
            return response
        exempt = (getattr(response, "_csp_exempt", False), getattr(response, "_csp_exempt_ro", False))
        for (header, policy, excluded), is_exempt in zip(_constant_policies(), exempt, strict=True):
            if policy and is_exempt is False and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As the library: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
