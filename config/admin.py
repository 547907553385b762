"""The project's admin site: Django's default site (``admin.site``, where ``@admin.register`` registers every admin,
the libraries' too), made the default by :class:`config.apps.PortalAdminConfig`.

- It names the program, in the reader's language, not "Django administration".
- Every admin registered on it, and each of its inlines, checks what a request names before Django queries with it
  (:mod:`core.admin_input`): an action's selected rows, an autocomplete select's value on a form sent back.
- Every admin registered on it links a read-only related row (a session's teacher, an attendance's recorder) only
  where the viewer may open that row (:class:`PermittedLinksAdmin`); elsewhere the row is named as plain text.
- Its admin-wide search (``autocomplete/``) answers only for the fields a form of the site searches through it (an
  admin's or an inline's ``autocomplete_fields``). A form that searches its own way (the trainee of an enrolment or
  of continuing education) accepts less than the admin-wide search would offer, and a field no form searches has
  nothing to offer; both are refused, as Django refuses a field it does not know.
- Its change-password page shows the password rules' errors under the new password, where the rules are listed
  (:class:`OwnPasswordChangeForm`), as the site's set-password page does.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import ForeignKey, Model
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.forms import NewPasswordForm
from core.admin_input import with_checked_input, with_mixin

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object  # a mixin, first in the bases of a model admin

AdminUrl = Callable[[helpers.AdminReadonlyField, Any, Model], str]


def visible_rows(site: admin.AdminSite, request: HttpRequest, model: type[Model], pks: Iterable[Any]) -> set[Any]:
    """Of the rows of ``model`` with ``pks``, those whose page ``request``'s user may open on ``site``: its admin
    lists them among their rows (an institution's staff see their own institution's rows only; another's is a 404).
    Whether the admin lets them view a row at all is asked of each row (:func:`may_open`)."""
    related_admin = site._registry.get(model)
    if related_admin is None or not related_admin.has_view_permission(request):
        return set()
    return set(related_admin.get_queryset(request).filter(pk__in=list(pks)).values_list("pk", flat=True))


def may_open(site: admin.AdminSite, request: HttpRequest, model: type[Model], obj: Model, visible: set[Any]) -> bool:
    """Whether ``request``'s user may open ``obj``'s page on ``site``: its model's admin lets them view it, and it
    is among the ``visible`` rows (:func:`visible_rows`)."""
    related_admin = site._registry.get(model)
    return related_admin is not None and obj.pk in visible and related_admin.has_view_permission(request, obj)


def _linked_rows(context: dict[str, Any]) -> dict[type[Model], set[Any]]:
    """The rows each read-only foreign key of a change page names (the form's and every inline form's), by model:
    what :meth:`PermittedLinksAdmin.render_change_form` may link, each model's asked about in one query."""
    forms = [(context["adminform"].form, context["adminform"].readonly_fields)]
    for formset in context["inline_admin_formsets"]:
        names = list(formset.readonly_fields)
        if not formset.has_change_permission:  # its stored rows are shown read-only (InlineAdminFormSet.__iter__)
            names += flatten_fieldsets(formset.fieldsets)
        forms += [(form, names) for form in formset.formset.forms]
    rows: dict[type[Model], set[Any]] = defaultdict(set)
    for form, names in forms:
        for name in names:
            try:
                field = form.instance._meta.get_field(name) if isinstance(name, str) else None
            except FieldDoesNotExist:
                continue
            if not isinstance(field, ForeignKey):
                continue
            model = cast(type[Model], field.related_model)  # a class once the models are loaded
            value = getattr(form.instance, field.attname)
            if value is not None and field.target_field == model._meta.pk:
                rows[model].add(value)
    return rows


class _PermittedLinks:
    """A helper of the change form (the form, an inline formset, one of their forms, fieldsets or lines), iterated
    as Django's templates iterate it, down to the fields: each read-only field reached makes its related row's link
    with ``admin_url``. Anything else asked of it is the helper's own."""

    def __init__(self, helper: Any, admin_url: AdminUrl) -> None:
        self._helper = helper
        self._admin_url = admin_url

    def __getattr__(self, name: str) -> Any:
        return getattr(self._helper, name)

    def __iter__(self) -> Iterator[Any]:
        for part in self._helper:
            if isinstance(part, helpers.AdminReadonlyField):
                part.get_admin_url = functools.partial(self._admin_url, part)  # type: ignore[attr-defined]  # unstubbed
                yield part
            elif isinstance(part, helpers.AdminField):
                yield part
            else:
                yield _PermittedLinks(part, self._admin_url)


class PermittedLinksAdmin(_ModelAdmin):
    """A model admin whose change page links a read-only related row only where the viewer may open it
    (:func:`may_open`): Django links it whenever the address exists, and a teacher who followed their session's
    "teacher's account" or an attendance's "recorded by" met "Permission denied". Elsewhere it is plain text.
    The rows a page names are asked about one query per model, however many inline rows name them."""

    def render_change_form(  # noqa: PLR0917  Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        named = _linked_rows(context)  # each model's rows asked about once, whatever the number of rows
        visible: dict[type[Model], set[Any]] = {}

        def admin_url(field: helpers.AdminReadonlyField, remote_field: Any, remote_obj: Model) -> str:
            model = remote_field.model
            if model not in visible or remote_obj.pk not in named[model]:
                named[model].add(remote_obj.pk)
                visible[model] = visible_rows(self.admin_site, request, model, named[model])
            if not may_open(self.admin_site, request, model, remote_obj, visible[model]):
                return str(remote_obj)
            django_link = helpers.AdminReadonlyField.get_admin_url  # type: ignore[attr-defined]  # unstubbed
            return cast(str, django_link(field, remote_field, remote_obj))

        context["adminform"] = _PermittedLinks(context["adminform"], admin_url)
        context["inline_admin_formsets"] = [
            _PermittedLinks(formset, admin_url) for formset in context["inline_admin_formsets"]
        ]
        return super().render_change_form(request, context, add, change, form_url, obj)


class OwnPasswordChangeForm(NewPasswordForm, AdminPasswordChangeForm):
    """The admin's change-password page (staff changing their own): the current password, and the new one
    twice, the rules' errors under the new password (:class:`accounts.forms.NewPasswordForm`)."""


class PortalAdminSite(admin.AdminSite):
    site_header = _("Bank Customer Manager Certification administration")
    site_title = _("BCM Certification admin")
    index_title = _("Program administration")
    password_change_form = OwnPasswordChangeForm

    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        admin_class = with_mixin(PermittedLinksAdmin, admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, with_checked_input(admin_class), **options)

    def password_change(  # type: ignore[override]  # a redirect once changed: not always a TemplateResponse
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponseBase:
        """Django's own page with :attr:`password_change_form` (the attribute Django 6.0 gives ``AdminSite``)."""
        from django.contrib.auth.views import PasswordChangeView

        defaults: dict[str, Any] = {
            "form_class": self.password_change_form,
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        return PasswordChangeView.as_view(**defaults)(request)

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        asked = (request.GET.get("app_label"), request.GET.get("model_name"), request.GET.get("field_name"))
        if asked not in self.searched_fields(request):
            raise PermissionDenied
        return super().autocomplete_view(request)

    def searched_fields(self, request: HttpRequest) -> set[tuple[str, str | None, str]]:
        """(app label, model name, field name) of each field a form of the site searches through ``autocomplete/``:
        the ``autocomplete_fields`` of every registered admin and of its inlines."""
        searched: set[tuple[str, str | None, str]] = set()
        for model, model_admin in self._registry.items():
            inlines = [inline(model, self) for inline in model_admin.inlines]  # of any row (get_inlines may vary)
            for form_admin in (model_admin, *inlines):
                opts = form_admin.opts
                fields = form_admin.get_autocomplete_fields(request)
                searched |= {(opts.app_label, opts.model_name, name) for name in fields}
        return searched
