"""An admin page whose save a service may still refuse after the form's check passed.

The form asks the service's rules; a change made meanwhile (between the form's check and the service's lock) can
still make the service refuse. Such a refusal saved nothing: no entry in the history, the refusal shown as an error
and the form again, instead of a server error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.errors import DomainError


class RefusedSaveAdmin(admin.ModelAdmin):
    """A change or add page whose save the service may still refuse after the form's check passed (a change made
    meanwhile, between the check and the service's lock). ``save_model`` runs the service inside
    :meth:`refusal_kept`; a refused save saved nothing, so no entry is written in the history and the form is shown
    again with the refusal. A save done is answered by :meth:`response_saved` (a change) or Django's answer (an
    addition). :attr:`refusals` are the service errors taken as a refusal (any other still fails loudly)."""

    refusals: tuple[type[DomainError], ...] = (DomainError,)

    @contextmanager
    def refusal_kept(self, request: HttpRequest) -> Iterator[None]:
        """Keep the service's refusal for the history and the answer; the rest of the block is skipped."""
        try:
            yield
        except self.refusals as refusal:
            request._save_refusal = refusal  # type: ignore[attr-defined]

    @staticmethod
    def _refused(request: HttpRequest) -> DomainError | None:
        return getattr(request, "_save_refusal", None)

    def _refusal_shown(self, request: HttpRequest, refusal: DomainError) -> HttpResponse:
        self.message_user(request, str(refusal), messages.ERROR)
        return redirect(request.get_full_path())

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if self._refused(request) is not None:
            return None  # nothing changed: no entry in the history
        return super().log_change(request, obj, message)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if self._refused(request) is not None:
            return None  # nothing added: no entry in the history
        return super().log_addition(request, obj, message)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        refusal = self._refused(request)
        if refusal is not None:
            return self._refusal_shown(request, refusal)
        return self.response_saved(request, obj)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: str | None = None) -> HttpResponse:
        refusal = self._refused(request)
        if refusal is not None:
            return self._refusal_shown(request, refusal)
        return super().response_add(request, obj, post_url_continue)

    def response_saved(self, request: HttpRequest, obj: Any) -> HttpResponse:
        """The answer to a change the service saved."""
        return super().response_change(request, obj)
