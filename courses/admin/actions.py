"""The outcome of a courses admin action that decides rows together (enrolment decisions), in words that
say what was done, and the actions that need a form filled first, a reason or hours (an action on each row:
``core.admin_actions``).

An action that asks first (:func:`form_action`) has a page of its own, which a model admin with
:class:`ActionFormPages` serves (``<model>/action/<action>/``, named ``<app>_<model>_action_<action>``):

1. the change list's post of the action answers with a redirect (303) to that page, its address naming the
   selected rows (``?ids=3,5,8``) and the change list's filters (``_changelist_filters``, as Django's change
   page keeps them);
2. the page (a GET) reads those rows again from the admin's ``get_queryset`` (an id of a row the viewer does not
   see is not there: an institution's staff editing the address reach their own rows only), and shows them with
   the form;
3. the form posts to the page itself; once valid, the action's work runs on those rows and the page redirects
   (303) to the change list with its filters, which shows what was done. A form with errors is shown again.

So the browser's Back button and a reload meet pages asked for with GET: the form again, or the list, never
"Confirm form resubmission" or the work done twice. The page asks for what the action asks for: an action the
viewer is not offered (its ``allowed_permissions``, or an admin's ``get_actions``) is a 403."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.admin_input import holds
from courses import services

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object  # a mixin, first in the bases of a model admin

Row = TypeVar("Row", bound=Model)
ActionForm = TypeVar("ActionForm", bound=forms.Form)

NOTHING_OF_YOURS = _(
    "None of the selected rows is among yours; nothing has been changed. Please select the rows again."
)


def report_outcome(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    outcome: services.BulkOutcome,
    done: Callable[[int], str],
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


class SeeOther(HttpResponseRedirect):
    """A redirect the browser follows with a GET (303), whatever the request that answered it."""

    status_code = 303


@dataclass(frozen=True)
class FormAction:
    """What an action that asks first shows and does (:func:`form_action`)."""

    form: type[forms.Form]
    describe: Callable[[Any], str]  # a selected row's line on the page
    related: tuple[str, ...]  # select_related() for ``describe`` and the work
    intro: StrOrPromise
    work: Callable[[Any, HttpRequest, QuerySet[Any], Any], None]  # (admin, request, rows, the valid form)


def form_action(
    *,
    description: StrOrPromise,
    form: type[ActionForm],
    describe: Callable[[Any], str],
    related: Sequence[str] = (),
    intro: StrOrPromise = "",
    permissions: Sequence[str] = ("change",),
) -> Callable[[Callable[[Any, HttpRequest, QuerySet[Any], ActionForm], None]], Callable[..., HttpResponse | None]]:
    """An admin action that asks for ``form`` first, on its own page (see the module's docstring); the decorated
    method is the work, called with the rows and the valid form once the page posts it: ``work(self, request,
    rows, form)``. The action's name is the method's. The admin serves the page with :class:`ActionFormPages`."""

    def decorate(
        work: Callable[[Any, HttpRequest, QuerySet[Any], ActionForm], None],
    ) -> Callable[..., HttpResponse | None]:
        def action(
            modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
        ) -> HttpResponse | None:
            return to_form_page(modeladmin, request, queryset, work.__name__)

        functools.update_wrapper(action, work)
        action.form_action = FormAction(  # type: ignore[attr-defined]  # read by ActionFormPages
            form=form, describe=describe, related=tuple(related), intro=intro, work=work
        )
        return admin.action(description=description, permissions=list(permissions))(action)

    return decorate


def form_page_name(opts: Any, action: str) -> str:
    """The URL name (in the admin site's namespace) of ``action``'s page, for the model of ``opts``."""
    return f"{opts.app_label}_{opts.model_name}_action_{action}"


def to_form_page(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any], action: str
) -> SeeOther | None:
    """The change list's answer to an action that asks first: a redirect to its page, naming the selected rows
    (in the list's order) and the list's filters; none if no selected row is among the list's (Django's change
    list then redirects to itself, with the message)."""
    ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
    if not ids:
        modeladmin.message_user(request, NOTHING_OF_YOURS, messages.WARNING)
        return None
    url = reverse(f"{modeladmin.admin_site.name}:{form_page_name(modeladmin.opts, action)}")
    preserved = modeladmin.get_preserved_filters(request)  # the change list's own query
    return SeeOther(f"{url}?{urlencode({'ids': ids}, safe=',')}" + (f"&{preserved}" if preserved else ""))


def selected_ids(pk: Field[Any, Any], asked: str) -> list[Any]:
    """The ids an action's page names (``?ids=3,5,8``), each once, in order; a value that is no id of the model
    (typed by hand) is left out."""
    ids: dict[Any, None] = {}
    for value in asked.split(","):
        if value.strip() and holds(pk, value.strip()):
            ids[pk.to_python(value.strip())] = None
    return list(ids)


class ActionFormPages(_ModelAdmin):
    """A model admin's pages of its actions that ask first (:func:`form_action`): one each, added to its URLs."""

    def form_actions(self) -> list[str]:
        """The names of this admin's actions that ask first."""
        names = []
        for action in self.actions or ():
            func = getattr(type(self), action) if isinstance(action, str) else action
            if hasattr(func, "form_action"):
                names.append(func.__name__)
        return names

    def get_urls(self) -> list[URLPattern]:
        pages = [
            path(
                f"action/{name}/",
                self.admin_site.admin_view(self.action_form_view),
                {"action": name},
                name=form_page_name(self.opts, name),
            )
            for name in self.form_actions()
        ]
        return [*pages, *super().get_urls()]

    def action_form_view(self, request: HttpRequest, action: str) -> HttpResponse:
        """The page of ``action`` (see the module's docstring): the rows the address names among the viewer's,
        the form, and the work once the form is valid."""
        offered = self.get_actions(request).get(action)
        if offered is None:
            raise PermissionDenied  # the action is not theirs to take (its permissions, or the admin's choice)
        func, _name, title = offered
        spec: FormAction = getattr(func, "form_action")  # noqa: B009  set by form_action
        request.current_app = self.admin_site.name
        preserved_filters = self.get_preserved_filters(request)
        changelist = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist")
        back = add_preserved_filters({"preserved_filters": preserved_filters, "opts": self.opts}, changelist)

        ids = selected_ids(self.opts.pk, request.GET.get("ids", ""))
        rows = self.get_queryset(request).filter(pk__in=ids).select_related(*spec.related)
        order = {pk: place for place, pk in enumerate(ids)}
        shown = sorted(rows, key=lambda row: order[row.pk])
        if not shown:
            self.message_user(request, NOTHING_OF_YOURS, messages.WARNING)
            return SeeOther(back)

        form = spec.form(request.POST if request.method == "POST" else None)
        if form.is_valid():
            spec.work(self, request, rows, form)
            return SeeOther(back)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "rows": [spec.describe(row) for row in shown],
            "intro": spec.intro,
            "preserved_filters": preserved_filters,
        }
        return TemplateResponse(request, "admin/action_form.html", context)
