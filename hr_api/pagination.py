"""Cursor pagination in a stable order and ``updated_since`` for incremental sync."""

from __future__ import annotations

import datetime
import re

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

PAGE_SIZE = re.compile(r"[0-9]{1,4}")  # ASCII digits only: str.isdigit() takes "²", which int() refuses

UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only rows changed at or after this instant, for incremental sync: ISO 8601 with a zone, "
    "`Z` or an offset (`2026-01-31T00:00:00Z`, `2026-01-31T08:00:00+08:00`). Without a zone it answers 400.",
)


class SyncCursorPagination(CursorPagination):
    """Oldest change first, ties broken by id, so that a sync can resume from the last page."""

    ordering = ("updated_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor_message = _("The cursor is not valid; start again from the first page.")

    def decode_cursor(self, request):
        # A cursor this API did not give points to no page: 404 (DRF's answer too). It is a string
        # like any other to the schema, so a 400 would refuse what the schema allows.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.NotFound(self.invalid_cursor_message) from None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not PAGE_SIZE.fullmatch(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError({"page_size": [_("Give a whole number from 1 to 500.")]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        cursor, page_size = super().get_schema_operation_parameters(view)
        cursor["description"] = "The `next` or `previous` link's cursor; leave it out for the first page."
        page_size["description"] = f"Rows per page, {self.page_size} when left out."
        page_size["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return [cursor, page_size]


class IdCursorPagination(SyncCursorPagination):
    """For catalog rows that carry no change time: in id order."""

    ordering = ("id",)


def parse_updated_since(request) -> datetime.datetime | None:
    raw = request.query_params.get("updated_since")
    if raw is None or raw == "":
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise exceptions.ValidationError(
            {"updated_since": [_("Give a date and time in ISO 8601, e.g. 2026-01-31T08:00:00+08:00.")]}
        )
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
