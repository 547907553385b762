"""Change-list columns that fit a laptop (1366 × 768: the menu and the filters beside the list) in both languages.

Django writes a date as "16 November 2029" and lets it break after each word, a decimal in a left-aligned column, a
person as their name and address, and a heading as long as the field's name. A list of six such columns, 717 px
wide, took three lines a row. These columns say the same in less room (static/css/admin.css styles the classes):

- :func:`date_column`: the day, on one line, the month abbreviated in English (a moment: its day, the time on
  hover);
- :func:`number_column` and :func:`number`: a figure right-aligned on one line, under a right-aligned heading;
- :func:`whole_column`: a code, a number or a short phrase on one line (a certificate's number broke at each
  hyphen, three lines a row);
- :func:`person_column`: a person by name on one line, their address on hover (the lists' searches find the address)
  or under the name;
- :func:`heading`: a short heading, its full wording on hover;
- :class:`OwnInstitutionColumn`: no column repeating the institution to its own staff, who see its rows only.

Each keeps the name of the field it shows, so the column's class (``field-…``/``column-…``) and its sorting stay.
"""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils.functional import Promise, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language

from accounts.scoping import is_program_office
from core import display

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text
else:
    Text = str | Promise

Column = Callable[[Any], str]


def _field(model: type[Model], name: str) -> "Field[Any, Any]":
    field = model._meta.get_field(name)
    assert isinstance(field, Field), f"{model.__name__}.{name} is not a field of its own"
    return field


def _heading(short: Text, full: Text | None, number: bool) -> SafeString:
    # Capitalised here: Django's capfirst of a heading sees the span's "<".
    return format_html(
        "<span{}{}>{}</span>",
        mark_safe(' class="number"') if number else "",
        format_html(' title="{}"', capfirst(full)) if full else "",
        capfirst(short),
    )


_lazy_heading = lazy(_heading, SafeString)


def heading(short: Text, full: Text | None = None, *, number: bool = False) -> Any:
    """A column's heading, ``full`` on hover; ``number``: right-aligned over a column of figures. Lazy: the
    language is the request's."""
    return _lazy_heading(short, full, number)


def number(value: object) -> SafeString:
    """A figure (or "3 / 40") right-aligned on one line (class "number")."""
    return format_html('<span class="number">{}</span>', value)


#: A day in a list, by language: English abbreviates the month ("3 Feb 2027", as narrow as "2027-02-03", which the
#: site never shows people); any other language writes it as its pages do ("2027年2月3日" is short already).
LIST_DAY_FORMATS = {"en": "j M Y"}


def list_day(value: date) -> str:
    """A day as a list writes it (:data:`LIST_DAY_FORMATS`); a moment (a datetime) its day in the current time
    zone."""
    return display.date(value, LIST_DAY_FORMATS.get(get_language(), "DATE_FORMAT"))


def short_date(value: date | None) -> SafeString | str:
    """A day as a list writes it (:func:`list_day`), on one line; a moment its day, the whole moment on hover."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return format_html(
            '<span class="no-break" title="{}">{}</span>', display.date(value, "DATETIME_FORMAT"), list_day(value)
        )
    return format_html('<span class="no-break">{}</span>', list_day(value))


def _named(column: Column, name: str) -> Column:
    column.__name__ = name  # the column's class: field-<name>, column-<name>
    return column


def date_column(model: type[Model], name: str, description: Text | None = None) -> Column:
    """The column of the date (or date and time) field ``name`` of ``model``, shown by :func:`short_date`, sorted by
    the field, headed by its name unless ``description`` is given."""
    field = _field(model, name)
    read = attrgetter(name)

    @admin.display(description=field.verbose_name if description is None else description, ordering=name)
    def column(row: Model) -> SafeString | str:
        return short_date(read(row))

    return _named(column, name)


def number_column(model: type[Model], name: str, short: Text | None = None) -> Column:
    """The column of the number field ``name`` of ``model`` as Django writes it ("8.0"), right-aligned and sorted by
    the field, under its name; a ``short`` heading has the field's name on hover."""
    field = _field(model, name)
    read = attrgetter(name)
    full = field.verbose_name
    description = heading(full, number=True) if short is None else heading(short, full, number=True)

    @admin.display(description=description, ordering=name)
    def column(row: Model) -> SafeString | str:
        value: int | Decimal | None = read(row)
        return "-" if value is None else number(display_for_field(value, field, "-"))

    return _named(column, name)


def whole_column(model: type[Model], name: str) -> Column:
    """The column of the field ``name`` of ``model`` on one line, as Django writes it (a choice by its label), sorted
    by the field, under its name: a code or a number with hyphens, a short phrase ("face-to-face")."""
    field = _field(model, name)
    read = attrgetter(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(row: Model) -> SafeString:
        return format_html('<span class="no-break">{}</span>', display_for_field(read(row), field, "-"))

    return _named(column, name)


def person_column(path: str, *, name: str, description: Text, ordering: str, address_below: bool = False) -> Column:
    """The column of the person at ``path`` (dotted, from the row: "enrolment.trainee"): their name on one line
    ("Huang Mei-ling" broke at its hyphen), their address on hover; ``address_below``: also under the name, smaller,
    breaking before its "@" if need be (it broke anywhere). The list selects the person with its rows."""
    read = attrgetter(path)

    @admin.display(description=description, ordering=ordering)
    def column(row: Model) -> SafeString:
        person = read(row)
        shown = format_html('<span class="no-break" title="{}">{}</span>', person.email, person.display_name)
        if not address_below:
            return shown
        local, at, domain = person.email.rpartition("@")
        return format_html(
            '{}<br><span class="person-address"><span class="no-break">{}</span><wbr><span class="no-break">{}{}'
            "</span></span>",
            shown,
            local,
            at,
            domain,
        )

    return _named(column, name)


class OwnInstitutionColumn:
    """A list whose rows an institution's staff see only of their own institution: its ``institution_column`` is the
    program office's only (the same name on every row took a column a laptop's screen did not have)."""

    institution_column = "institution"

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        columns = list(super().get_list_display(request))  # type: ignore[misc]
        if is_program_office(request.user):
            return columns
        return [column for column in columns if column != self.institution_column]
