"""A model's row read by hand-written SQL, built into the same instance the ORM would give.

For the one or two reads every request makes (the session with its user, the device that verified
the session): the SQL is composed once per connection instead of by the ORM's compiler on every
request, and the row goes through the same column converters (SQLite's dates are text) and
``Model.from_db`` as a queryset's row would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections, router
from django.db.models import Model

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.expressions import Col

_CACHE_ATTRIBUTE = "_core_raw_rows"


@dataclass(frozen=True)
class ModelColumns:
    """A model's concrete columns under a table alias, as one SELECT list."""

    model: type[Model]
    select: str  # "t"."a", "t"."b", …
    attnames: tuple[str, ...]
    # Per column, what the ORM would apply to the raw value (index, column, functions).
    converters: tuple[tuple[int, Col, tuple[Callable, ...]], ...]

    def instance(self, alias: str, connection: BaseDatabaseWrapper, values: Sequence[Any]) -> Model:
        """The model instance of ``values`` (the columns in ``select``'s order)."""
        converted = list(values)
        for index, column, functions in self.converters:
            for function in functions:
                converted[index] = function(converted[index], column, connection)
        return self.model.from_db(alias, self.attnames, converted)


def model_columns(connection: BaseDatabaseWrapper, model: type[Model], table_alias: str) -> ModelColumns:
    """``model``'s SELECT list under ``table_alias`` on ``connection``: composed once per connection."""
    cache: dict[tuple[type[Model], str], ModelColumns] = connection.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    key = (model, table_alias)
    found = cache.get(key)
    if found is not None:
        return found
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(table_alias)
        functions = (*connection.ops.get_db_converters(column), *field.get_db_converters(connection))
        if functions:
            converters.append((index, column, tuple(functions)))
    found = cache[key] = ModelColumns(
        model=model,
        select=", ".join(f"{quote(table_alias)}.{quote(field.column)}" for field in fields),
        attnames=tuple(field.attname for field in fields),
        converters=tuple(converters),
    )
    return found


def get_by_pk(model: type[Model], pk: int) -> Model | None:
    """``model.objects.filter(pk=pk).first()`` for a model whose default manager filters nothing."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    columns = model_columns(connection, model, "t")
    sql = _by_pk_sql(connection, model, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else columns.instance(alias, connection, row)


def _by_pk_sql(connection: BaseDatabaseWrapper, model: type[Model], columns: ModelColumns) -> str:
    cache: dict[tuple[type[Model], str], str] = connection.__dict__.setdefault(_CACHE_ATTRIBUTE + "_by_pk", {})
    sql = cache.get((model, "t"))
    if sql is None:
        quote = connection.ops.quote_name
        sql = cache[(model, "t")] = (
            f"SELECT {columns.select} FROM {quote(model._meta.db_table)} {quote('t')} "
            f"WHERE {quote('t')}.{quote(model._meta.pk.column)} = %s"
        )
    return sql
