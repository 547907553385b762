"""Replacing a summary table's rows with one ``INSERT … SELECT`` the database computes.

The figures are aggregates (GROUP BY in the database); rather than fetch them and insert them again,
the aggregate query is wrapped in an ``INSERT INTO summary (…) SELECT …`` so that its rows go
straight from the live tables into the summary, on PostgreSQL and SQLite alike. Figures that no one
aggregate query gives (built up in Python from several) replace the table's rows with ``replace_with``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import connections, models, transaction
from django.db.models import QuerySet
from django.db.models.expressions import BaseExpression, Combinable

Row = TypeVar("Row", bound=models.Model)


def ref(model: type[models.Model], name: Any, null: bool = False) -> Any:
    """A reference from a summary row to a live row: no constraint (the summary is rebuilt whole)."""
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", null=null, verbose_name=name
    )


class Summary(models.Model):
    """A row of a summary table: computed by a ``recompute()``, never edited."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


def alias(field: str) -> str:
    """The column alias an aggregate query gives a summary field (never a model field's name)."""
    return f"v_{field}"


def grouped(
    queryset: QuerySet[Any],
    group_by: Mapping[str, Combinable | BaseExpression],
    aggregates: Mapping[str, Any],
) -> QuerySet[Any]:
    """``queryset`` grouped by the expressions of ``group_by`` with ``aggregates``, each under the
    alias of the summary field it fills."""
    rows: QuerySet[Any] = (
        queryset.order_by()
        .values(**{alias(name): expression for name, expression in group_by.items()})
        .annotate(**{alias(name): expression for name, expression in aggregates.items()})
    )
    return rows


def insert_from(model: type[models.Model], rows: QuerySet[Any], fields: list[str]) -> int:
    """``INSERT INTO <model's table> (<fields>) SELECT <aliases> FROM (<rows>)``; the count inserted."""
    database: str = rows.db
    connection = connections[database]
    quote = connection.ops.quote_name
    sql, params = rows.query.get_compiler(using=database).as_sql()
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    selected = ", ".join(f"sub.{quote(alias(name))}" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {selected} FROM ({sql}) sub",
            params,
        )
        return int(cursor.rowcount)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


def replace_all(model: type[models.Model], rows: QuerySet[Any], fields: list[str]) -> int:
    """Every row of ``model`` replaced by ``rows``, in one transaction (a reader sees the old or the new)."""
    with transaction.atomic(using=rows.db):
        model._default_manager.all().delete()
        return insert_from(model, rows, fields)


def replace_with(model: type[Row], figures: Iterable[Row]) -> None:
    """Every row of ``model`` replaced by ``figures``, rows computed in Python (where no one aggregate query
    gives them), in one transaction like :func:`replace_all`."""
    with transaction.atomic():
        model._default_manager.all().delete()
        model._default_manager.bulk_create(figures, batch_size=2000)
