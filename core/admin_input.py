"""What the admin reads from a request before Django puts it in a query: the rows a change list's action names, the
value an autocomplete select shows again on a form sent back with errors, the rows a select of many names. Django
queries with them as posted (``pk__in=[…]``), so a value the column cannot hold (``abc`` or ``1.5`` for a number, a
number beyond the column's 64 bits) raised a server error instead of being refused as invalid input.

- :class:`AutocompleteSelect` and :class:`AutocompleteSelectMultiple`: Django's autocomplete selects, showing such
  a value as nothing selected (the form's field says "Select a valid choice"). A form outside a model admin (a
  page of the admin's own) uses them directly.
- :class:`ModelMultipleChoiceField`: Django's, refusing such a value as "not a valid value" before it looks the
  values up together (Django refuses ``abc`` itself, not a number beyond the column).
- :class:`CheckedInputAdmin`: a model admin or an inline with those selects for its ``autocomplete_fields`` and that
  field for its many-to-many fields, which refuses an action whose selected rows cannot be ids, with a message,
  changing nothing.
- :class:`CheckedExportAdmin`: an admin with django-import-export's export, whose export page answers a filter
  the change list refuses (a field the model lacks, a value its column cannot hold) as the change list does: back
  to the list with ``?e=1``. A lookup the admin does not allow is refused with a 400 by Django on both pages.
  Its files are named in the page's language (:class:`core.admin_exports.NamedExportAdmin`, given with it).
- :func:`with_checked_input`: how the project's admin site (``config.admin``) gives the mixins to every admin
  registered on it, the libraries' too, and to their inlines (:func:`with_mixin`, which the site uses for its
  other mixins too).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, QuerySet
from django.db.models.fields import Field
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from .admin_exports import NamedExportAdmin

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object  # a mixin, first in the bases of a model admin or of an inline

AdminClass = TypeVar("AdminClass", bound=type)

SELECTION_NOT_VALID = _("The selected rows could not be read; nothing has been changed. Please select the rows again.")


def holds(field: Field[Any, Any], value: object) -> bool:
    """Whether ``field``'s column (a foreign key's: its target's) can hold ``value`` as posted: the field's own
    conversion takes it, and its validators (an integer column's bounds, a text's length) pass it."""
    while isinstance(field, ForeignKey):
        field = field.target_field
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedAutocompleteMixin(widgets.AutocompleteMixin):
    """An autocomplete select that shows only the selected values its field's target can hold: Django looks them
    up (``<to field>__in``) for their labels, and a tampered value would raise there."""

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", remote.model._meta.pk.attname))
        return super().optgroups(name, [v for v in value if holds(target, v)], attr)


class AutocompleteSelect(CheckedAutocompleteMixin, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(CheckedAutocompleteMixin, widgets.AutocompleteSelectMultiple):
    pass


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        opts = self.queryset.model._meta  # type: ignore[union-attr]  # set by the model field's formfield()
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for pk in value if isinstance(value, list | tuple) else ():
            if isinstance(pk, str) and not holds(target, pk):
                error = self.error_messages["invalid_pk_value"]
                raise ValidationError(error, code="invalid_pk_value", params={"pk": pk})
        return super().clean(value)


class CheckedInputAdmin(_ModelAdmin):
    """A model admin's (or an inline's) guard against tampered input; see the module's docstring."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [with_checked_input(inline) for inline in super().get_inlines(request, obj)]

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        pk = self.opts.pk
        if not all(holds(pk, value) for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            # The change list posts only its own rows' ids: these were typed or altered by hand.
            self.message_user(request, SELECTION_NOT_VALID, messages.ERROR)
            return None  # the change list redirects to itself and shows the message
        return super().response_action(request, queryset)


class CheckedExportAdmin(_ModelAdmin):
    """An admin with import-export's export; see the module's docstring."""

    def export_action(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().export_action(request)  # type: ignore[misc, no-any-return]  # ExportMixin's, unstubbed
        except IncorrectLookupParameters:
            # import-export filters the export through Django's change list, carrying the list's filters over in
            # the export page's address, but lets the change list's refusal of one escape as a server error.
            changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                                 current_app=self.admin_site.name)  # fmt: skip
            return HttpResponseRedirect(f"{changelist}?{ERROR_FLAG}=1")


@functools.cache
def with_mixin(mixin: type, admin_class: AdminClass) -> AdminClass:
    """``admin_class`` (a model admin or an inline) with ``mixin`` first in its bases, under its own name and
    module, the same class each time; ``admin_class`` itself if it has the mixin already."""
    if issubclass(admin_class, mixin):
        return admin_class
    names = {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__}
    mixed = types.new_class(admin_class.__name__, (mixin, admin_class), {}, lambda ns: ns.update(names))
    return cast(AdminClass, mixed)


def with_checked_input(admin_class: AdminClass) -> AdminClass:
    """``admin_class`` (a model admin or an inline) with :class:`CheckedInputAdmin` first in its bases, and with
    :class:`CheckedExportAdmin` and :class:`core.admin_exports.NamedExportAdmin` (its files named in the page's
    language) before it where it has import-export's export."""
    if issubclass(admin_class, ExportMixin):
        admin_class = with_mixin(CheckedExportAdmin, with_mixin(NamedExportAdmin, admin_class))
    return cast(AdminClass, with_mixin(CheckedInputAdmin, admin_class))
