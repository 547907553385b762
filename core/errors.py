"""The one base class of every refusal a service raises.

Pages show ``message`` (translatable, in the user's language); admin shows it as an error message;
the HR API maps ``code`` to its problem+json ``code`` and a status, and ``field`` to the input that
was wrong. ``code`` is stable: callers and integrators branch on it, never on the message.
"""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused the request. ``code`` is stable; ``message`` is translatable."""

    def __init__(self, code: str, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
