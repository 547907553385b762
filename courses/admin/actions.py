"""The outcome of a courses admin action that decides rows together (enrolment decisions), in words that
say what was done, and the page of an action that needs a form filled first, a reason or hours (an
action on each row: ``core.admin_actions``)."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.functional import Promise

from courses import services

Row = TypeVar("Row", bound=Model)
ActionForm = TypeVar("ActionForm", bound=forms.Form)


def report_outcome(
    modeladmin: admin.ModelAdmin, request: HttpRequest, outcome: services.BulkOutcome, done: Callable[[int], str]
) -> None:
    """The outcome of a service that took the rows together (enrolment decisions): what was done to how
    many, as ``done(count)`` says it, then each refused row and why."""
    if outcome.done:
        modeladmin.message_user(request, done(len(outcome.done)), messages.SUCCESS)
    for row, error in outcome.refused:
        modeladmin.message_user(request, f"{row}: {error}", messages.ERROR)


def counted(message: Promise) -> Callable[[int], str]:
    """What an action did, said with its count: ``message`` is an ``ngettext_lazy(singular, plural, "count")``."""
    return lambda count: str(message % {"count": count})


def action_form(form_class: type[ActionForm], request: HttpRequest) -> ActionForm:
    """The form of an action that asks first: bound once its page posts back (its button is named
    ``apply``), unbound on the change list's own post, which only chose the action and the rows."""
    return form_class(request.POST if "apply" in request.POST else None)


def action_form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Row],
    *,
    action: str,
    form: forms.Form,
    describe: Callable[[Row], str],
    intro: str = "",
) -> TemplateResponse:
    """What an action that needs a form (a reason, hours) answers until the form is valid: ``intro`` if any,
    the selected rows (a line each, as ``describe`` says it), the form, and a button that posts the same
    action back."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": modeladmin.get_action(action)[2],
        "opts": modeladmin.model._meta,
        "form": form,
        "rows": [(row.pk, describe(row)) for row in queryset],
        "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "intro": intro,
    }
    return TemplateResponse(request, "admin/action_form.html", context)
