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
Arguments are ``int``, ``str`` or ``datetime.date`` (not ``bool`` or ``None``, whose SQL differs:
``IS NULL``; not a ``datetime``), each used as a value the ORM passes through unchanged (exact lookups,
comparisons, ``in`` over a subquery; a date on PostgreSQL, not on SQLite, which takes it as text); any
other use of a marker (``contains`` adds ``%``), or a queryset the ORM answers without SQL, leaves the
read to the ORM every time.
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


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[tuple[bool, Any], ...]  # (True, argument index) or (False, a constant of the SQL)
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

    def __call__(self, *args: int | str | datetime.date) -> list[Any]:
        if not all(type(arg) in _ARGUMENT_TYPES for arg in args):
            return list(self.build(*args))
        queryset = None
        if self._model is None:
            queryset = self.build(*args)
            self._model = queryset.model
        alias = router.db_for_read(self._model)
        connection = connections[alias]
        plans = connection.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        types = tuple(type(arg) for arg in args)  # the markers, hence the SQL, follow the arguments' types
        key = (self.key, types, timezone.get_current_timezone_name())
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = self._prepare(alias, list(types))
        if plan is _UNPREPARABLE:
            return list(queryset if queryset is not None else self.build(*args))
        params = [args[value] if is_argument else value for is_argument, value in plan.params]
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

    def _prepare(self, alias: str, types: list[type]) -> _Plan | object:
        markers = [_marker(index, kind) for index, kind in enumerate(types)]
        queryset = self.build(*markers)
        if queryset._iterable_class not in (ValuesListIterable, ModelIterable):
            raise TypeError("PreparedRows reads model instances or values_list() tuples (neither flat nor named)")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("PreparedRows reads no prefetch_related() and no related manager's queryset")
        if queryset.db != alias:
            raise TypeError("PreparedRows reads from the database the router gives for reads")
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, raw_params = compiler.as_sql()
        except Exception:  # EmptyResultSet, FullResultSet: the ORM answers without SQL, or differently
            return _UNPREPARABLE
        params: list[tuple[bool, Any]] = []
        found = [0] * len(markers)
        for value in raw_params:
            index = next((i for i, m in enumerate(markers) if type(value) is type(m) and value == m), None)
            if index is None:
                if any(_mentions(value, m) for m in markers):
                    return _UNPREPARABLE  # a marker transformed (%…%, upper-cased): not a plain value
                params.append((False, value))
            else:
                found[index] += 1
                params.append((True, index))
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
            sql=sql,
            params=tuple(params),
            col_count=col_count,
            converters=compiler.get_converters([s[0] for s in select[0:col_count]]),
            compiler=compiler,
            instances=instances,
        )


_ARGUMENT_TYPES = (int, str, datetime.date)  # exactly these: not bool, not datetime


def _marker(index: int, kind: type) -> int | str | datetime.date:
    if kind is int:
        return -7_390_000_000_000_000_000 - index  # within bigint, never an id
    if kind is datetime.date:
        return datetime.date(1234, 5, 6) + datetime.timedelta(days=index)
    return f"\x1eprepared-marker-{index}\x1e"


def _mentions(value: Any, marker: int | str | datetime.date) -> bool:
    """Whether ``value`` is ``marker`` transformed (a date as text on SQLite, a string inside ``%…%``)."""
    if isinstance(marker, str):
        return isinstance(value, str) and marker.strip("\x1e").lower() in value.lower()
    if isinstance(marker, datetime.date):
        return value == marker or str(value).startswith(marker.isoformat())
    return value == marker
