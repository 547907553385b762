"""Reads whose SQL the ORM composes once per connection, then runs with new values (issue 20).

Building a queryset and compiling it cost a page far more CPU than the query itself: about 1 M
instructions for a ``values_list`` of two columns, 2.5 M for a row as a model instance, 6 M with four
``select_related`` tables, against 0.1 M to send the SQL and read the rows (``bench/instructions.py``).
A :class:`PreparedRows` builds its queryset once per database connection and time zone from marker
values standing for its arguments, keeps the SQL, and afterwards only binds the arguments in the
markers' places; the rows become what the queryset gives, by the ORM's own parts (its column
converters, SQLite's dates being text; ``Model.from_db`` and the related populators of
``select_related``)::

    certificates_of = PreparedRows(lambda trainee_id: Certificate.objects.filter(trainee_id=trainee_id)
                                   .values_list("number", "tier__code"))
    rows = certificates_of(user.pk)   # [("BCM-…", "standard"), …], as list(the queryset) would give

The queryset is a ``values_list()`` (tuples) or gives model instances (``select_related`` and
annotations included; ``prefetch_related`` is refused). The SQL is the ORM's, so what a read selects
and filters is written once, as a queryset, on the database the router reads the model from.
Arguments are ``int``, ``str``, ``datetime.date`` or an aware ``datetime.datetime`` (not ``bool`` or
``None``, whose SQL differs: ``IS NULL``; not a naive datetime, which the ORM makes aware with a
warning), each used as a value the ORM passes through unchanged (exact lookups, comparisons, ``in``
over a subquery; a date on PostgreSQL, not on SQLite, which takes it as text) or, a datetime, adapts
as a ``DateTimeField``'s value (``connection.ops.adapt_datetimefield_value``: SQLite's text in the
connection's zone); any other use of a marker (``contains`` adds ``%``, a datetime compared with a
``DateField``), or a queryset the ORM answers without SQL, leaves the read to the ORM every time.

A page: ``read(*args, limit=101, offset=0)`` gives ``list(queryset[offset:offset + limit])`` of an
unsliced queryset, the SQL composed once with ``LIMIT`` and ``OFFSET`` as parameters (on PostgreSQL
and SQLite, where Django writes them at the end as well; elsewhere the ORM reads each page)::

    changed_since = PreparedRows(lambda since: Certificate.objects.filter(updated_at__gte=since)
                                 .order_by("updated_at", "id").values_list("number", "updated_at"))
    rows = changed_since(timezone.now() - datetime.timedelta(days=1), limit=101, offset=0)
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.utils import timezone

_CACHE_ATTRIBUTE = "_core_prepared"
_serial = itertools.count()


# What a parameter of a plan's SQL is bound to (_Plan.params).
_CONSTANT = 0  # (_CONSTANT, a constant of the SQL)
_ARGUMENT = 1  # (_ARGUMENT, argument index): the argument as it is
_DATETIME_ADAPTED = 2  # (_DATETIME_ADAPTED, argument index): as the ORM adapts a DateTimeField's value


@dataclass(frozen=True)
class _Plan:
    sql: str  # with " LIMIT %s OFFSET %s" at the end for a page
    params: tuple[tuple[int, Any], ...]
    col_count: int
    converters: Any  # the compiler's {index: (functions, expression)}
    compiler: Any
    instances: _Instances | None  # how a row becomes a model instance; None: a values_list tuple


@dataclass(frozen=True)
class _Instances:
    """``ModelIterable``'s parts, worked out once."""

    model: Any
    init_list: list[str]
    start: int
    end: int
    related_populators: list[Any]
    annotation_col_map: dict[str, int]

    def build(self, alias: str, row: Any) -> Any:
        obj = self.model.from_db(alias, self.init_list, row[self.start : self.end])
        for populator in self.related_populators:
            populator.populate(row, obj)
        for name, position in self.annotation_col_map.items():
            setattr(obj, name, row[position])
        return obj


_UNPREPARABLE = object()


class PreparedRows:
    """The rows of the queryset ``build(*args)`` returns (tuples, or model instances); see the module."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self.build = build
        self.key = next(_serial)
        self._model: Any = None

    def __call__(
        self, *args: int | str | datetime.date | datetime.datetime, limit: int | None = None, offset: int = 0
    ) -> list[Any]:
        """The rows for ``args``; with ``limit``, the rows ``[offset:offset + limit]`` (see the module)."""
        paged = limit is not None
        if paged and (type(limit) is not int or type(offset) is not int or limit < 0 or offset < 0):
            raise ValueError("PreparedRows: limit and offset are whole numbers, 0 or more")
        if limit == 0:
            return []  # as the ORM's empty slice, without SQL
        if not all(type(arg) in _ARGUMENT_TYPES for arg in args) or any(
            type(arg) is datetime.datetime and arg.utcoffset() is None for arg in args
        ):
            return self._orm_rows(None, args, limit, offset)
        queryset = None
        if self._model is None:
            queryset = self.build(*args)
            self._model = queryset.model
        alias = router.db_for_read(self._model)
        connection = connections[alias]
        plans = connection.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        types = tuple(type(arg) for arg in args)  # the markers, hence the SQL, follow the arguments' types
        key = (self.key, types, timezone.get_current_timezone_name(), paged)
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = self._prepare(alias, list(types), paged)
        if plan is _UNPREPARABLE:
            return self._orm_rows(queryset, args, limit, offset)
        adapt = connection.ops.adapt_datetimefield_value
        params = [
            value if kind == _CONSTANT else args[value] if kind == _ARGUMENT else adapt(args[value])
            for kind, value in plan.params
        ]
        if paged:
            params += [limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if rows and len(rows[0]) != plan.col_count:
            rows = [row[: plan.col_count] for row in rows]
        if plan.converters:
            rows = list(plan.compiler.apply_converters(rows, plan.converters))
        if plan.instances is not None:
            return [plan.instances.build(alias, row) for row in rows]
        return [tuple(row) for row in rows]

    def _orm_rows(self, queryset: QuerySet[Any, Any] | None, args: tuple[Any, ...], limit: int | None, offset: int):
        if queryset is None:
            queryset = self.build(*args)
        if limit is not None:
            queryset = queryset[offset : offset + limit]
        return list(queryset)

    def _prepare(self, alias: str, types: list[type], paged: bool = False) -> _Plan | object:
        markers = [_marker(index, kind) for index, kind in enumerate(types)]
        queryset = self.build(*markers)
        if queryset._iterable_class not in (ValuesListIterable, ModelIterable):
            raise TypeError("PreparedRows reads model instances or values_list() tuples (neither flat nor named)")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("PreparedRows reads no prefetch_related() and no related manager's queryset")
        if queryset.db != alias:
            raise TypeError("PreparedRows reads from the database the router gives for reads")
        if paged and queryset.query.is_sliced:
            raise TypeError("PreparedRows reads a page (limit=) of an unsliced queryset")
        if paged and (
            connections[alias].vendor not in _PAGED_VENDORS
            or queryset.query.combinator
            or queryset.query.select_for_update
        ):
            return _UNPREPARABLE
        adapt = connections[alias].ops.adapt_datetimefield_value
        adapted = {i: adapt(m) for i, m in enumerate(markers) if type(m) is datetime.datetime}
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, raw_params = compiler.as_sql()
        except Exception:  # EmptyResultSet, FullResultSet: the ORM answers without SQL, or differently
            return _UNPREPARABLE
        params: list[tuple[int, Any]] = []
        found = [0] * len(markers)
        for value in raw_params:
            index = next((i for i, m in enumerate(markers) if type(value) is type(m) and value == m), None)
            kind = _ARGUMENT
            if index is None:
                index = next((i for i, a in adapted.items() if type(value) is type(a) and value == a), None)
                kind = _DATETIME_ADAPTED
            if index is None:
                if any(_mentions(value, m) for m in markers):
                    return _UNPREPARABLE  # a marker transformed (%…%, upper-cased): not a plain value
                params.append((_CONSTANT, value))
            else:
                found[index] += 1
                params.append((kind, index))
        if 0 in found:
            return _UNPREPARABLE
        select = compiler.select
        if compiler.has_extra_select or compiler.has_composite_fields([s[0] for s in select]):
            return _UNPREPARABLE
        col_count = compiler.col_count
        instances = None
        if queryset._iterable_class is ModelIterable:
            klass_info = compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            instances = _Instances(
                model=klass_info["model"],
                init_list=[f[0].target.attname for f in select[start:end]],
                start=start,
                end=end,
                related_populators=get_related_populators(klass_info, select, alias),
                annotation_col_map=dict(compiler.annotation_col_map or {}),
            )
        return _Plan(
            sql=sql + " LIMIT %s OFFSET %s" if paged else sql,
            params=tuple(params),
            col_count=col_count,
            converters=compiler.get_converters([s[0] for s in select[0:col_count]]),
            compiler=compiler,
            instances=instances,
        )


_ARGUMENT_TYPES = (int, str, datetime.date, datetime.datetime)  # exactly these: not bool; an aware datetime
_PAGED_VENDORS = ("postgresql", "sqlite")  # LIMIT %s OFFSET %s, where Django writes LIMIT and OFFSET too
_DATETIME_MARKER = datetime.datetime(1235, 6, 7, 8, 9, 10, tzinfo=datetime.UTC)


def _marker(index: int, kind: type) -> int | str | datetime.date:
    if kind is int:
        return -7_390_000_000_000_000_000 - index  # within bigint, never an id
    if kind is datetime.datetime:
        return _DATETIME_MARKER + datetime.timedelta(microseconds=index + 1)
    if kind is datetime.date:
        return datetime.date(1234, 5, 6) + datetime.timedelta(days=index)
    return f"\x1eprepared-marker-{index}\x1e"


def _mentions(value: Any, marker: int | str | datetime.date) -> bool:
    """Whether ``value`` is ``marker`` transformed (a date as text on SQLite, a string inside ``%…%``, a
    datetime as a date, a year or text: anything that names its year)."""
    if isinstance(marker, str):
        return isinstance(value, str) and marker.strip("\x1e").lower() in value.lower()
    if isinstance(marker, datetime.datetime):
        return value == marker or str(marker.year) in str(value)
    if isinstance(marker, datetime.date):
        return value == marker or str(value).startswith(marker.isoformat())
    return value == marker
