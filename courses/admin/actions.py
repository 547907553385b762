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
viewer is not offered (its ``allowed_permissions``, or an admin's ``get_actions``) is a 403.

A row's own page offers the admin's *row actions* (:attr:`ActionFormPages.row_actions`, those that apply to the
row now: :meth:`ActionFormPages.row_actions_for`) as buttons, to those the action is offered to:

- an action that asks first links its page for that row (``?ids=<the row>``), with ``next`` naming the row's page:
  once done, the form page goes back there (``next`` is followed only to the change page of a row it names, in
  this admin; anything else goes to the change list as before);
- any other action posts to ``<model>/<id>/<action>/`` (named ``<app>_<model>_row_<action>``), which runs the
  list's action on that one row, read through the admin's ``get_queryset`` (another institution's row is a 404),
  and redirects (303) back to the row's page with the action's message.

A row's page where nothing is editable (every field read-only, no inline to edit: rows that only actions move) is
a page to view (:class:`core.admin_actions.RowPageShowsOnly`): no Save buttons, and a post to it is refused."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, URLPattern, path, resolve, reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from core.admin_change_form import ChangeFormContext
from core.admin_input import holds
from courses import services

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


@dataclass(frozen=True)
class RowButton:
    """A row action's button on the row's page: ``post`` to ``url`` (with the page's CSRF token), or a link."""

    name: str
    label: StrOrPromise
    url: str
    post: bool


def row_page_name(opts: Any, action: str) -> str:
    """The URL name (in the admin site's namespace) of the address where ``action`` is run on one row."""
    return f"{opts.app_label}_{opts.model_name}_row_{action}"


class ActionFormPages(ChangeFormContext):
    """A model admin's pages of its actions that ask first (:func:`form_action`): one each, added to its URLs; and
    its row actions' buttons on a row's page (see the module's docstring)."""

    # The actions a row's page offers, each with its button's words, in the buttons' order.
    row_actions: dict[str, StrOrPromise] = {}

    def form_actions(self) -> list[str]:
        """The names of this admin's actions that ask first."""
        names = []
        for action in self.actions or ():
            func = getattr(type(self), action) if isinstance(action, str) else action
            if hasattr(func, "form_action"):
                names.append(func.__name__)
        return names

    def row_actions_for(self, request: HttpRequest, obj: Any) -> list[str]:
        """The row actions that apply to ``obj`` as it is now (all of them unless an admin says otherwise)."""
        return list(self.row_actions)

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
        rows = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(self.row_action_view),
                {"action": name},
                name=row_page_name(self.opts, name),
            )
            for name in self.row_actions
            if name not in self.form_actions()
        ]
        return [*pages, *rows, *super().get_urls()]

    def _url(self, view: str, *args: Any) -> str:
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def _with_filters(self, request: HttpRequest, url: str) -> str:
        """``url`` with the change list's filters the request carries (as Django's change page keeps them)."""
        preserved_filters = self.get_preserved_filters(request)
        return add_preserved_filters({"preserved_filters": preserved_filters, "opts": self.opts}, url)

    def row_buttons(self, request: HttpRequest, obj: Any) -> list[RowButton]:
        """The buttons of ``obj``'s page: its row actions that apply now and are offered to the viewer."""
        names = self.row_actions_for(request, obj)
        if not names:
            return []
        offered = self.get_actions(request)
        buttons = []
        for name in names:
            entry = offered.get(name)
            if entry is None:
                continue
            label = self.row_actions[name]
            if hasattr(entry[0], "form_action"):
                page = reverse(f"{self.admin_site.name}:{form_page_name(self.opts, name)}")
                query = urlencode({"ids": str(obj.pk), "next": request.get_full_path()})
                preserved_filters = self.get_preserved_filters(request)  # the list's, as the list's post names them
                url = f"{page}?{query}" + (f"&{preserved_filters}" if preserved_filters else "")
                buttons.append(RowButton(name, label, url, post=False))
            else:
                url = self._with_filters(request, self._url(f"row_{name}", quote(obj.pk)))
                buttons.append(RowButton(name, label, url, post=True))
        return buttons

    def change_form_context(self, request: HttpRequest, context: dict[str, Any], *, add: bool, obj: Any) -> None:
        if obj is not None and not add:
            context["row_buttons"] = self.row_buttons(request, obj)
        super().change_form_context(request, context, add=add, obj=obj)

    def row_action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """``action`` run on the one row ``object_id`` names (a post of its page's button), as the change list runs
        it on the rows selected; back (303) to the row's page, which shows the action's message. Another
        institution's row is not there (404, as its page is); an action not offered to the viewer is a 403."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # Django's answer to a row not there (a 404 in a scoped admin: accounts.scoping)
            missing = self._get_obj_does_not_exist_redirect  # type: ignore[attr-defined]  # not in the stubs
            return cast(HttpResponse, missing(request, self.opts, object_id))
        offered = self.get_actions(request).get(action)
        if offered is None:
            raise PermissionDenied  # the action is not theirs to take (its permissions, or the admin's choice)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        func = offered[0]
        func(self, request, self.get_queryset(request).filter(pk=obj.pk))
        return SeeOther(self._with_filters(request, self._url("change", quote(obj.pk))))

    def _return_to(self, request: HttpRequest, rows: list[Any]) -> tuple[str, Any] | None:
        """Where the form page goes once done, if its address names it (``next``), and the row that page is of: the
        change page, in this admin, of one of the ``rows`` it shows; ``None`` for anything else (the change list
        then)."""
        asked = request.GET.get("next", "")
        if not asked or not url_has_allowed_host_and_scheme(
            asked, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return None
        parts = urlsplit(asked)
        if parts.scheme or parts.netloc:
            return None  # the admin's own page, as a path
        try:
            match = resolve(parts.path)
        except Resolver404:
            return None
        change = f"{self.opts.app_label}_{self.opts.model_name}_change"
        if match.namespace != self.admin_site.name or match.url_name != change:
            return None
        named = unquote(match.kwargs.get("object_id", ""))
        row = next((row for row in rows if str(row.pk) == named), None)
        return None if row is None else (asked, row)

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
        back = self._with_filters(request, self._url("changelist"))

        ids = selected_ids(self.opts.pk, request.GET.get("ids", ""))
        rows = self.get_queryset(request).filter(pk__in=ids).select_related(*spec.related)
        order = {pk: place for place, pk in enumerate(ids)}
        shown = sorted(rows, key=lambda row: order[row.pk])
        if not shown:
            self.message_user(request, NOTHING_OF_YOURS, messages.WARNING)
            return SeeOther(back)

        row_page, row = self._return_to(request, shown) or ("", None)
        form = spec.form(request.POST if request.method == "POST" else None)
        if form.is_valid():
            spec.work(self, request, rows, form)
            return SeeOther(row_page or back)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "rows": [spec.describe(row) for row in shown],
            "intro": spec.intro,
            "preserved_filters": preserved_filters,
            "row_page": row_page,
            "row_page_name": str(row) if row is not None else "",
        }
        return TemplateResponse(request, "admin/action_form.html", context)
