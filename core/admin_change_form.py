"""What a model admin adds to its change page's context: Django's ``render_change_form`` overridden once, in its
signature, and a hook each admin mixin overrides with only what it reads.

An override of ``render_change_form`` must take Django's six parameters (``changeform_view`` passes some by name)
and hand each on to the next class's: one written shorter broke the chain for the admins mixed after it. A mixin
on :class:`ChangeFormContext` overrides :meth:`ChangeFormContext.change_form_context` instead and calls super, so
several of them in one admin's bases each add theirs, in the order of its bases, before Django renders the page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from django.contrib import admin

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object  # a mixin, before the model admin's own bases


class ChangeFormContext(_ModelAdmin):
    """A model admin whose change page (of a row, or the add page) shows more than Django puts in its context."""

    def render_change_form(  # noqa: PLR0917  Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        self.change_form_context(request, context, add=add, obj=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_form_context(self, request: HttpRequest, context: dict[str, Any], *, add: bool, obj: Any) -> None:
        """Add to ``context`` what the page shows of ``obj`` (``None`` on the add page); an override calls super."""
