"""What every courses admin action does with a service's outcome: count the rows done, name the refused;
and the page of an action that needs a reason first."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from courses.services import TrainingError

Row = TypeVar("Row", bound=Model)


def report_outcome(
    modeladmin: admin.ModelAdmin, request: HttpRequest, done: int, refused: Iterable[tuple[Model, Exception]]
) -> None:
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d row changed.", "%(count)d rows changed.", done) % {"count": done},
            messages.SUCCESS,
        )
    for row, error in refused:
        modeladmin.message_user(request, f"{row}: {error}", messages.ERROR)


def apply_to_each(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Row], call: Callable[[Row], object]
) -> None:
    """Call the service on each selected row; a refused row is reported and the others go on."""
    done, refused = 0, []
    for row in queryset:
        try:
            call(row)
            done += 1
        except TrainingError as error:
            refused.append((row, error))
    report_outcome(modeladmin, request, done, refused)


def reason_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Row],
    *,
    action: str,
    form: forms.Form,
    describe: Callable[[Row], str],
) -> TemplateResponse:
    """What an action that needs a reason answers until the reason is given: the selected rows (a line each,
    as ``describe`` says it), the form, and a button that posts the same action back."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": modeladmin.get_action(action)[2],
        "opts": modeladmin.model._meta,
        "form": form,
        "rows": [(row.pk, describe(row)) for row in queryset],
        "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/action_reason.html", context)
