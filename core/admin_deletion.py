"""The admin of rows that are deleted only through their app's service: the admin names the service's
``check_delete_*`` and ``do_delete_*`` (:class:`DeletionService`), and :class:`ServiceDeletionAdmin` does
the rest, the same way on every such admin.

- The delete page (of one row, or of the "delete selected" action) asks the check about each row. A row
  it refuses is listed with the refusal's message (which names the row and says why), instead of the
  related rows Django would list as protected or as lacking a permission, and the page offers no
  button: nothing is deleted while one of the rows is refused.
- Deleting calls the do function for each row, all inside one transaction: a row refused by then (an
  attempt or an attendance recorded since the page was shown) rolls the others back too, and the
  admin says why instead of a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from .errors import DomainError


@dataclass(frozen=True)
class DeletionService:
    """A model's deletion by its service: ``check(**{argument: row})`` raises a
    :class:`~core.errors.DomainError` for a row that must stay; ``do(**{argument: row})`` checks again
    under its lock and deletes."""

    check: Callable[..., object]
    do: Callable[..., object]
    argument: str


class Refusal(str):
    """A row's refusal, listed where Django lists protected rows (the page words them as refusals)."""


class ServiceDeletionAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows are deleted through :attr:`deletion` (see the module's docstring)."""

    deletion: DeletionService
    delete_confirmation_template = "admin/service_deletion/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/service_deletion/delete_selected_confirmation.html"

    def refusals(self, objs: Any) -> list[Refusal]:
        """The check's refusal of each row that cannot be deleted, in the order of ``objs``."""
        refusals = []
        for obj in objs:
            try:
                self.deletion.check(**{self.deletion.argument: obj})
            except DomainError as error:
                refusals.append(Refusal(error.message))
        return refusals

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple:
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = self.refusals(objs)
        if refusals:
            # The refusals say why in words; the related rows (protected, or not the user's to delete)
            # would only say it in Django's terms.
            return to_delete, model_count, set(), refusals
        return to_delete, model_count, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            self.deletion.do(**{self.deletion.argument: obj})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.deletion.do(**{self.deletion.argument: obj})

    def render_delete_form(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        return super().render_delete_form(request, {**context, **_refusals_of(context)})

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:  # refused between the page and the click: nothing was deleted
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_through_service, name, description)
        return actions


def _refusals_of(context: dict[str, Any]) -> dict[str, Any]:
    return {"refusals": [p for p in context.get("protected") or [] if isinstance(p, Refusal)]}


@admin.action(permissions=["delete"])
def delete_selected_through_service(
    modeladmin: ServiceDeletionAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Django's "delete selected", its page saying why refused rows stay, its deletion all or nothing."""
    try:
        with transaction.atomic():
            response = delete_selected(modeladmin, request, queryset)
    except DomainError as error:  # refused between the page and the click: nothing was deleted
        modeladmin.message_user(request, error.message, messages.ERROR)
        return None
    if isinstance(response, TemplateResponse) and response.context_data is not None:
        response.context_data.update(_refusals_of(response.context_data))
    return response
