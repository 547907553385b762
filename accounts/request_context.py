"""The request being served, for code far from the view: the audit trail and log lines.

Bound by :class:`accounts.middleware.RequestIdMiddleware`. This module imports nothing of
Django's models, so that LOGGING can use :class:`RequestIdLogFilter` before the apps load.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

_request: contextvars.ContextVar[Any] = contextvars.ContextVar("current_request", default=None)


def bind_request(request: Any) -> contextvars.Token:
    return _request.set(request)


def unbind_request(token: contextvars.Token) -> None:
    _request.reset(token)


def current_request() -> Any:
    return _request.get()


def current_request_id() -> str:
    request = _request.get()
    return getattr(request, "request_id", "") if request is not None else ""


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every log record ("-" outside a request), for LOGGING's format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
