"""Reads of the supervision area's own state (the figures' reads are in ``figures/``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import models
from .models import RecomputeRun

# Every summary table the pages read. A recomputation replaces a table's rows whole (delete, then
# insert): the new rows take new ids (PostgreSQL's sequences and SQLite's AUTOINCREMENT never hand
# an id out twice), so the highest id of each table names the rows it holds now.
SUMMARY_MODELS = (
    models.PassRateFigure,
    models.TrainingFigure,
    models.CertificateFigure,
    models.CertificateMonthFigure,
    models.AttemptFigure,
    models.ScoreBinFigure,
    models.BacklogFigure,
    models.PaperStatistic,
    models.ItemStatistic,
    models.OptionStatistic,
)


def latest_run() -> RecomputeRun | None:
    return RecomputeRun.objects.select_related("requested_by").order_by("-created_at").first()


@dataclass(frozen=True)
class FiguresState:
    computed_at: datetime.datetime | None  # when the last finished recomputation ended
    edition: str  # changes whenever any summary table's rows are replaced


def figures_state() -> FiguresState:
    """When the figures on the pages were computed, and which edition of them the tables hold, in
    one query (a page's rendered figures are cached under its edition)."""
    quote = connection.ops.quote_name
    highest = ", ".join(
        f"(SELECT MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)})" for m in SUMMARY_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX({quote('finished_at')}) FROM {quote(RecomputeRun._meta.db_table)}"
            f" WHERE {quote('state')} = %s), {highest}",
            [RecomputeRun.State.DONE.value],
        )
        finished, *ids = cursor.fetchone()
    return FiguresState(computed_at=_datetime(finished), edition="-".join(str(i or 0) for i in ids))


def _datetime(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A datetime column read by raw SQL: PostgreSQL gives it aware, SQLite as UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed
