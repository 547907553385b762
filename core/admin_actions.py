"""What every app's admin shares: an action's outcome on each selected row (the row done, or its
refusal, a :class:`core.errors.DomainError`, reported by name while the others go on; then one
message that counts the rows done), and the admin of rows only the services write (a model admin, or an
inline of them under the row they belong to)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import ngettext

from .errors import DomainError

Row = TypeVar("Row", bound=Model)

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object  # a mixin, before the model admin's own bases


def rows_changed(count: int) -> str:
    return ngettext("%(count)d row changed.", "%(count)d rows changed.", count) % {"count": count}


def apply_to_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    rows: Iterable[Row],
    call: Callable[[Row], object],
    *,
    done: Callable[[int], str] = rows_changed,
    name: Callable[[Row], str] = str,
) -> int:
    """Call the service on each row; a refused row is reported as "<name>: <why>"; the count done is
    reported with ``done(count)``. Returns that count."""
    count = 0
    for row in rows:
        try:
            call(row)
            count += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{name(row)}: {error.message}", messages.ERROR)
    if count:
        modeladmin.message_user(request, done(count), messages.SUCCESS)
    return count


class ReadOnlyAdminMixin:
    """An admin of rows only the services write (history, attempts, results): nobody adds, changes or
    deletes one by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline of rows only the services write (a history, a scheme's dimensions) shown under their parent:
    every field of ``fields`` read-only, no blank row, nothing added or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RowPageShowsOnly(_ModelAdmin):
    """A model admin whose row's page edits nothing (every field it shows read-only, no inline but
    :class:`ReadOnlyInline`: rows moved only by the admin's actions): the page is one to view, as Django shows a row
    the viewer may not change (no Save buttons, a post refused), while the actions, which ask the model's change
    permission, stay theirs. An admin where a field is editable keeps its page, and its Save buttons, as it is."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not self.page_edits(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def page_edits(self, request: HttpRequest, obj: Any) -> bool:
        """Whether ``obj``'s page has anything to edit: a field not read-only, or an inline that edits."""
        if not (self.fields or self.fieldsets):
            return True  # the fields would come from the form, built knowing this answer: not guessed here
        shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        readonly = set(self.get_readonly_fields(request, obj))
        editing_inlines = [
            inline for inline in self.get_inlines(request, obj) if not issubclass(inline, ReadOnlyInline)
        ]
        return any(name not in readonly for name in shown) or bool(editing_inlines)
