"""The project's admin site: Django's default site (``admin.site``, where ``@admin.register`` registers every admin,
the libraries' too), made the default by :class:`config.apps.PortalAdminConfig`.

- It names the program, in the reader's language, not "Django administration".
- Every admin registered on it, and each of its inlines, checks what a request names before Django queries with it
  (:mod:`core.admin_input`): an action's selected rows, an autocomplete select's value on a form sent back.
- Every admin registered on it links another row only where the viewer may open that row, elsewhere naming it as
  plain text (:class:`PermittedLinksAdmin`): a read-only related row (a session's teacher, an attendance's
  recorder), an inline's row, a row a delete page lists as deleted with the row or protecting it.
- Its admin-wide search (``autocomplete/``) answers only for the fields a form of the site searches through it (an
  admin's or an inline's ``autocomplete_fields``). A form that searches its own way (the trainee of an enrolment or
  of continuing education) accepts less than the admin-wide search would offer, and a field no form searches has
  nothing to offer; both are refused, as Django refuses a field it does not know.
- Its change-password page shows the password rules' errors under the new password, where the rules are listed
  (:class:`OwnPasswordChangeForm`), as the site's set-password page does.
"""

from __future__ import annotations

import functools
import html
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import CharField, ForeignKey, Model, QuerySet, Value
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.forms import NewPasswordForm
from core.admin_change_form import ChangeFormContext
from core.admin_input import with_checked_input, with_mixin

Rows = dict[type[Model], set[Any]]


def openable_rows(site: admin.AdminSite, request: HttpRequest, named: Mapping[type[Model], Collection[Any]]) -> Rows:
    """Of the rows ``named`` (their primary keys, by model), those whose page ``request``'s user may open on
    ``site``: its model's admin lets them view or change the model and lists the row among theirs (an
    institution's staff see their own institution's rows only; another's is a 404). One query, however many models
    and rows: a change page names rows of many models, and a query for each made the page's cost grow with them."""
    models: list[type[Model]] = []
    asked: list[QuerySet[Any]] = []
    for model, pks in named.items():
        related_admin = site._registry.get(model)
        if related_admin is None or not pks or not related_admin.has_view_or_change_permission(request):
            continue
        listed = related_admin.get_queryset(request).filter(pk__in=list(pks))
        # Each model's rows tagged by its place in ``models``; keys as text, one column for every key's type.
        asked.append(listed.order_by().values_list(Value(len(models)), Cast("pk", CharField())))
        models.append(model)
    found: dict[type[Model], set[Any]] = defaultdict(set)
    if asked:
        for tag, pk in asked[0].union(*asked[1:], all=True):
            model = models[tag]
            found[model].add(model._meta.pk.to_python(pk))
    return found


def _may_open(site: admin.AdminSite, request: HttpRequest, obj: Model, openable: Rows) -> bool:
    """Whether ``request``'s user may open ``obj``'s page on ``site``: it is among the ``openable`` rows
    (:func:`openable_rows`) and its model's admin lets them view or change that row."""
    related_admin = site._registry.get(type(obj))
    return (
        related_admin is not None
        and obj.pk in openable.get(type(obj), ())
        and related_admin.has_view_or_change_permission(request, obj)
    )


def _linked_rows(context: dict[str, Any]) -> Rows:
    """The rows a change page may link, by model (what :meth:`PermittedLinksAdmin.render_change_form` asks about in
    one query): those each read-only foreign key names (the form's and every inline form's), and the stored rows of
    an inline that links each of its rows (``show_change_link``)."""
    forms = [(context["adminform"].form, context["adminform"].readonly_fields)]
    rows: Rows = defaultdict(set)
    for formset in context["inline_admin_formsets"]:
        names = list(formset.readonly_fields)
        if not formset.has_change_permission:  # its stored rows are shown read-only (InlineAdminFormSet.__iter__)
            names += flatten_fieldsets(formset.fieldsets)
        forms += [(form, names) for form in formset.formset.forms]
        inline = formset.opts
        if inline.show_change_link and inline.has_registered_model:
            rows[inline.model] |= {form.instance.pk for form in formset.formset.initial_forms}
    for form, names in forms:
        for name in names:
            try:
                field = form.instance._meta.get_field(name) if isinstance(name, str) else None
            except FieldDoesNotExist:
                continue
            if not isinstance(field, ForeignKey):
                continue
            model = cast(type[Model], field.related_model)  # a class once the models are loaded
            pk = getattr(form.instance, field.attname)
            if pk is not None and field.target_field != model._meta.pk:
                # Django reads the row to show it: read here, the instance keeps it for Django.
                try:
                    pk = getattr(form.instance, field.name).pk
                except ObjectDoesNotExist:
                    continue
            if pk is not None:
                rows[model].add(pk)
    return rows


class _Links:
    """What one change page links: each row it names (:func:`_linked_rows`) asked about once, in one query."""

    def __init__(self, model_admin: admin.ModelAdmin[Any], request: HttpRequest, context: dict[str, Any]) -> None:
        self._site = model_admin.admin_site
        self._request = request
        self._named = _linked_rows(context)
        self._openable: Rows | None = None

    def opens(self, obj: Model) -> bool:
        model = type(obj)
        if obj.pk not in self._named.get(model, ()):
            # A row the page names some other way than :func:`_linked_rows` foresaw: asked about with the others.
            self._named.setdefault(model, set()).add(obj.pk)
            self._openable = None
        if self._openable is None:
            self._openable = openable_rows(self._site, self._request, self._named)
        return _may_open(self._site, self._request, obj, self._openable)

    def changes(self, obj: Model) -> bool:
        """Whether ``obj``'s page, opened by the viewer, changes the row (its admin lets them change it) or only
        shows it."""
        related_admin = self._site._registry.get(type(obj))
        return related_admin is not None and related_admin.has_change_permission(self._request, obj)

    def readonly_field_link(self, field: helpers.AdminReadonlyField, remote_field: Any, remote_obj: Model) -> str:
        if not self.opens(remote_obj):
            return str(remote_obj)
        django_link = helpers.AdminReadonlyField.get_admin_url  # type: ignore[attr-defined]  # unstubbed
        return cast(str, django_link(field, remote_field, remote_obj))


class _PermittedLinks:
    """A helper of the change form (the form, an inline formset, one of their forms, fieldsets or lines), iterated
    as Django's templates iterate it, down to the fields: each read-only field reached links its related row, and
    each inline form its row, only where the viewer may open it (``links``). Anything else asked of it is the
    helper's own."""

    def __init__(self, helper: Any, links: _Links) -> None:
        self._helper = helper
        self._links = links

    def __getattr__(self, name: str) -> Any:
        return getattr(self._helper, name)

    def __iter__(self) -> Iterator[Any]:
        for part in self._helper:
            if isinstance(part, helpers.AdminReadonlyField):
                part.get_admin_url = functools.partial(self._links.readonly_field_link, part)  # type: ignore[attr-defined]  # unstubbed
                yield part
            elif isinstance(part, helpers.AdminField):
                yield part
            elif isinstance(part, helpers.InlineAdminForm):
                yield _PermittedInlineForm(part, self._links)
            else:
                yield _PermittedLinks(part, self._links)


class _PermittedInlineForm(_PermittedLinks):
    """An inline's form: Django's templates link its row ("Change", "View") wherever the inline says
    ``show_change_link``; here only where the viewer may open the row, its label what the row's page lets them do
    (:attr:`link_changes_row`)."""

    @property
    def link_changes_row(self) -> bool:
        """Whether the link to this form's row says "Change" (the row's admin lets the viewer change it) or "View".
        Django's templates said what the *inline* lets them do with its own fields, so an inline the viewer may
        change linked "Change" to a row its page only shows, and a read-only inline "View" to one they may
        change; the site's copies of those templates (``templates/admin/edit_inline/``) ask this instead."""
        row = self._helper.original
        return row is not None and self._links.changes(row)

    @property
    def model_admin(self) -> Any:
        inline = self._helper.model_admin
        row = self._helper.original
        if row is None or not (inline.show_change_link and inline.has_registered_model) or self._links.opens(row):
            return inline
        return _WithoutChangeLink(inline)


class _WithoutChangeLink:
    """An inline admin, as the templates read it for one of its rows: without the link to the row's page."""

    show_change_link = False

    def __init__(self, inline: Any) -> None:
        self._inline = inline

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inline, name)


# Django's delete page names each row deleted or protected as '<model>: <a href="<row's page>"><row></a>' where
# the row's model has an admin (django.contrib.admin.utils.get_deleted_objects), whoever reads it.
_DELETED_ROW_LINK = re.compile(r'(?P<model>.*?): <a href="(?P<url>[^"]*)">(?P<row>.*)</a>', re.S)


class PermittedLinksAdmin(ChangeFormContext):
    """A model admin whose pages link another row only where the viewer may open it (:func:`openable_rows`):
    Django links it whenever its address exists, and a teacher who followed their session's "teacher's account"
    or an attendance's "recorded by" met "Permission denied", an institution's staff following another
    institution's row a 404. Elsewhere the row is named as plain text. On a change page: each read-only related
    row and each inline row (``show_change_link``); on a delete page (of one row, or "delete selected"): each row
    deleted with it or protecting it. The rows a page names are asked about in one query."""

    def change_form_context(self, request: HttpRequest, context: dict[str, Any], *, add: bool, obj: Any) -> None:
        links = _Links(self, request, context)
        context["adminform"] = _PermittedLinks(context["adminform"], links)
        context["inline_admin_formsets"] = [
            _PermittedLinks(formset, links) for formset in context["inline_admin_formsets"]
        ]
        super().change_form_context(request, context, add=add, obj=obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        # Whatever the admins below say of the rows (core.admin_deletion words refusals), then each link checked.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        named: dict[str, tuple[re.Match[str], type[Model], Any]] = {}
        for item in _items(to_delete, protected):
            link = _DELETED_ROW_LINK.fullmatch(item) if isinstance(item, SafeString) else None
            if link is not None and (row := _row_of(link["url"])) is not None:
                named[item] = (link, *row)
        by_model: Rows = defaultdict(set)
        for _link, model, pk in named.values():
            by_model[model].add(pk)
        openable = openable_rows(self.admin_site, request, by_model)

        def plain(item: Any) -> Any:
            if item not in named:
                return item
            link, model, pk = named[item]
            if pk in openable.get(model, ()):
                return item
            return mark_safe(f"{link['model']}: {link['row']}")  # both parts as Django escaped them

        return _mapped(plain, to_delete), model_count, perms_needed, _mapped(plain, protected)


def _items(*nested: list[Any]) -> Iterator[Any]:
    """Every item of Django's nested lists of deleted rows (a row, then the list of the rows deleted with it)."""
    for items in nested:
        for item in items:
            if isinstance(item, list):
                yield from _items(item)
            else:
                yield item


def _mapped(function: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return [_mapped(function, item) if isinstance(item, list) else function(item) for item in items]


def _row_of(url: str) -> tuple[type[Model], Any] | None:
    """The model and primary key of the row whose admin change page is at ``url`` (as escaped in HTML)."""
    try:
        match = resolve("/" + html.unescape(url).removeprefix(get_script_prefix()))
    except Resolver404:
        return None
    model_admin = getattr(match.func, "model_admin", None)
    if model_admin is None or "object_id" not in match.kwargs:
        return None
    pk_field = model_admin.model._meta.pk
    try:
        return model_admin.model, pk_field.to_python(unquote(match.kwargs["object_id"]))
    except ValidationError:
        return None


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
