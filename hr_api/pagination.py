"""Cursor pagination in a stable order and ``updated_since`` for incremental sync."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.pagination import Cursor, CursorPagination, _reverse_ordering
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from core.prepared import PreparedRows
from hr_api.parameters import parsed_parameter

PAGE_SIZE = re.compile(r"[0-9]{1,4}")  # ASCII digits only: str.isdigit() takes "²", which int() refuses

#: What ``updated_since`` must look like before it is read: an ISO 8601 date-time, a date *and* a time. Python's
#: parser (``parse_datetime``) also takes a date alone (``2026-01-31``, ``2026-W01``) as its midnight, which would
#: then be refused for its missing zone, as if only the zone were wrong; and it takes non-ASCII digits.
DATE_TIME = re.compile(
    r"[0-9]{4}-?(?:[0-9]{2}-?[0-9]{2}|W[0-9]{2}-?[0-9]|[0-9]{3})[T ]"  # a calendar, week or ordinal date, then T
    r"[0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2}(?:[.,][0-9]+)?)?)?"  # the time, to the minute, second or a fraction
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2}(?:[.][0-9]+)?)?)?)?"  # the zone, if any
)

UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only rows changed at or after this instant, for incremental sync: ISO 8601 with a zone, "
    "`Z` or an offset (`2026-01-31T00:00:00Z`, `2026-01-31T08:00:00+08:00`; in the query string the `+` is "
    "written `%2B`, as an unencoded `+` reads as a space). Without a zone it answers 400 with code `zone_required`.",
    # The code of its own rule (hr_api.schema lists it in the operation's 400).
    extensions={"x-error-codes": {"zone_required": "a date and time without a time zone"}},
)


CURSOR_SALT = "hr_api.pagination.cursor"


def cursor_signer(request: Request) -> signing.Signer:
    """Who signs the cursors of the list at ``request.path`` for the client making ``request``: a cursor
    is good for that list and that client only."""
    return signing.Signer(salt=f"{CURSOR_SALT}:{getattr(request.user, 'pk', '')}:{request.path}")


class SyncCursorPagination(CursorPagination):
    """Oldest change first, ties broken by id, so that a sync can resume from the last page.

    A cursor is DRF's (offset, direction, position), signed for the list and the client it was given
    to (:func:`cursor_signer`): an opaque string the client passes back as it is. Anything else, an
    altered cursor, another list's or another client's, points to no page: 404 (DRF's answer to a
    cursor it cannot read). The schema calls it a string, so a 400 would refuse what the schema allows.
    """

    ordering = ("updated_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor_message = _("The cursor is not valid; start again from the first page.")

    def encode_cursor(self, cursor: Cursor) -> str:
        signed = cursor_signer(self.request).sign_object([cursor.offset, cursor.reverse, cursor.position])
        return replace_query_param(self.base_url, self.cursor_query_param, signed)

    def decode_cursor(self, request: Request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:  # none, or empty: the first page (an empty parameter is none, allowEmptyValue)
            return None
        try:
            offset, reverse, position = cursor_signer(request).unsign_object(encoded)
        except (signing.BadSignature, ValueError, TypeError):
            raise exceptions.NotFound(self.invalid_cursor_message) from None
        if type(offset) is not int or offset < 0 or type(reverse) is not bool or not isinstance(position, str | None):
            raise exceptions.NotFound(self.invalid_cursor_message)  # signed here, yet of no shape this code gives
        # DRF's cap on the offset (a page of rows that share one position): the same walk as before signing.
        return Cursor(offset=min(offset, self.offset_cutoff), reverse=reverse, position=position)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not PAGE_SIZE.fullmatch(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError({"page_size": [_("Give a whole number from 1 to 500.")]})
        return int(raw)

    def paginate_prepared(self, rows: PreparedSyncRows, filters: dict[str, Any], request, view=None) -> list[tuple]:
        """DRF's ``paginate_queryset`` (3.18) step for step, the page read by ``rows`` (issue 20: building
        and compiling the page's queryset was a quarter of the instructions of a page of certificates).

        ``filters`` are ``rows``' filters (None: not given) and ``updated_since``. The cursor's position,
        text, becomes the ordering field's value as the ORM's lookup makes it (``get_prep_value``: the same
        value, the same error for text that is no time).
        """
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None  # type: ignore[return-value]  # as DRF's: no page size, no pagination

        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, None, view)

        self.cursor = self.decode_cursor(request)
        if self.cursor is None:
            (offset, reverse, current_position) = (0, False, None)
        else:
            (offset, reverse, current_position) = self.cursor

        ordering = _reverse_ordering(self.ordering) if reverse else self.ordering
        self._position_column = rows.columns.index(self.ordering[0].lstrip("-"))
        lookup, value = None, None
        if current_position is not None:
            order = self.ordering[0]
            is_reversed = order.startswith("-")
            order_attr = order.lstrip("-")
            lookup = f"{order_attr}__{'lt' if self.cursor.reverse != is_reversed else 'gt'}"
            try:
                value = rows.model._meta.get_field(order_attr).get_prep_value(current_position)
            except (DjangoValidationError, ValueError, TypeError):
                raise exceptions.NotFound(self.invalid_cursor_message) from None

        results = rows.page(filters, ordering=tuple(ordering), lookup=lookup, value=value,
                            limit=self.page_size + 1, offset=offset)  # fmt: skip
        self.page = list(results[: self.page_size])

        if len(results) > len(self.page):
            has_following_position = True
            following_position = self._get_position_from_instance(results[-1], self.ordering)
        else:
            has_following_position = False
            following_position = None

        if reverse:
            self.page = list(reversed(self.page))
            self.has_next = (current_position is not None) or (offset > 0)
            self.has_previous = has_following_position
            if self.has_next:
                self.next_position = current_position
            if self.has_previous:
                self.previous_position = following_position
        else:
            self.has_next = has_following_position
            self.has_previous = (current_position is not None) or (offset > 0)
            if self.has_next:
                self.next_position = following_position
            if self.has_previous:
                self.previous_position = current_position

        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True

        return self.page

    def _get_position_from_instance(self, instance, ordering):
        if type(instance) is tuple:  # a row of paginate_prepared
            return str(instance[self._position_column])
        return super()._get_position_from_instance(instance, ordering)

    def get_schema_operation_parameters(self, view):
        cursor, page_size = super().get_schema_operation_parameters(view)
        cursor["description"] = "The `next` or `previous` link's cursor; leave it out for the first page."
        page_size["description"] = f"Rows per page, {self.page_size} when left out."
        page_size["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return [cursor, page_size]


class IdCursorPagination(SyncCursorPagination):
    """For catalog rows that carry no change time: in id order."""

    ordering = ("id",)


#: The refusal of a ``+`` offset sent unencoded, which the query string reads as a space: the general message's
#: example is the very form the client sent, so this one says how to send it.
PLUS_READ_AS_SPACE = _(
    "A space stands where the time zone's + should be: in a query string a + reads as a space. Write it as %2B, "
    "e.g. updated_since=2026-01-31T08:00:00%2B08:00, or give the time in UTC with Z: 2026-01-31T00:00:00Z."
)


def offset_plus_read_as_space(raw: str) -> bool:
    """Whether ``raw`` is a date-time whose ``+`` offset arrived as a space (``2026-01-31T08:00:00 08:00``): with
    its last space a ``+`` it has the form :data:`DATE_TIME` reads. A space between the date and the time is that
    form's own (``2026-01-31 08:00``: no zone, refused for that)."""
    head, space, offset = raw.rpartition(" ")
    return bool(space) and DATE_TIME.fullmatch(f"{head}+{offset}") is not None


def parse_updated_since(request: Request) -> datetime.datetime | None:
    """The ``updated_since`` filter as an instant in UTC (None when not given), or 400 naming it.

    A ``+`` offset sent unencoded (a space, :func:`offset_plus_read_as_space`) is refused saying to write it as
    ``%2B``, not read as a ``+``: the API guesses no value, and a client that sends this one so loses the ``+`` of
    any other value too, where no guess could restore it."""
    if offset_plus_read_as_space(request.query_params.get("updated_since") or ""):
        raise exceptions.ValidationError({"updated_since": [PLUS_READ_AS_SPACE]})
    value = parsed_parameter(
        request,
        "updated_since",
        form=DATE_TIME,
        parse=parse_datetime,
        message=_("Give a date and time in ISO 8601, e.g. 2026-01-31T08:00:00+08:00."),
    )
    if value is None:
        return None
    if timezone.is_naive(value):
        # Whose midnight? An HR system in another zone would silently miss or repeat changes.
        raise exceptions.ValidationError(
            {"updated_since": [_("Give the time zone too, e.g. 2026-01-31T08:00:00+08:00 or 2026-01-31T00:00:00Z.")]},
            code="zone_required",
        )
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
        return value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise exceptions.ValidationError({"updated_since": [_("This date and time is out of range.")]}) from None


def filter_updated_since(queryset: QuerySet, request, field: str = "updated_at") -> QuerySet:
    since = parse_updated_since(request)
    return queryset if since is None else queryset.filter(**{f"{field}__gte": since})


class PreparedSyncRows:
    """A sync list's rows as tuples of ``columns``, a page at a time, by SQL composed once (core.prepared).

    ``build(**filters)`` is the list's queryset, a ``values_list(*columns)`` filtered by the filters
    given (an argument None is a filter not given); ``updated_since`` narrows it to rows whose ``field``
    changed at or after it, as :func:`filter_updated_since`. Each combination of filters given, order
    and cursor lookup is its own :class:`~core.prepared.PreparedRows` (a bounded number: the filters are
    the list's, the order and lookup the pagination's), whose arguments are the filters' values.
    """

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], columns: Sequence[str],
                 field: str = "updated_at") -> None:  # fmt: skip
        self.model = model
        self.build = build
        self.columns = tuple(columns)
        self.field = field
        self._reads: dict[tuple[Any, ...], PreparedRows] = {}

    def queryset(self, filters: dict[str, Any]) -> QuerySet:
        """The rows ``filters`` select, unordered, as the ORM reads them."""
        given = {name: value for name, value in filters.items() if value is not None and name != "updated_since"}
        queryset = self.build(**given)
        since = filters.get("updated_since")
        return queryset if since is None else queryset.filter(**{f"{self.field}__gte": since})

    def page(self, filters: dict[str, Any], *, ordering: tuple[str, ...], lookup: str | None, value: Any,
             limit: int, offset: int) -> list[tuple]:  # fmt: skip
        """``queryset(filters)`` in ``ordering``, narrowed by ``lookup=value`` when given,
        ``[offset:offset + limit]``."""
        names = tuple(name for name, given in filters.items() if given is not None)
        key = (names, ordering, lookup)
        read = self._reads.get(key)
        if read is None:
            read = self._reads[key] = PreparedRows(self._builder(names, ordering, lookup))
        args = [filters[name] for name in names]
        if lookup is not None:
            args.append(value)
        return read(*args, limit=limit, offset=offset)

    def _builder(self, names: tuple[str, ...], ordering: tuple[str, ...], lookup: str | None):
        def build(*args: Any) -> QuerySet:
            queryset = self.queryset(dict(zip(names, args, strict=False))).order_by(*ordering)
            return queryset if lookup is None else queryset.filter(**{lookup: args[-1]})

        return build
