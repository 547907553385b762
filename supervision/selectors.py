"""Reads of the supervision area's own state (the figures' reads are in ``figures/``)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Institution
from core.models import Timestamped
from courses.models import Cohort

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
    return RecomputeRun.objects.order_by("-created_at").first()


@dataclass(frozen=True)
class FiguresState:
    computed_at: datetime.datetime | None  # when the last finished recomputation ended
    edition: str  # changes whenever any summary table's rows are replaced
    institutions: str  # changes whenever an institution is added, removed or saved
    cohorts: str  # changes whenever a cohort is added, removed or saved


# The state a process read last, and when (time.monotonic()).
_last_read: tuple[float, FiguresState] | None = None


def figures_state() -> FiguresState:
    """When the figures on the pages were computed, which edition of them the tables hold, and of
    the institutions and cohorts (a page's header and figures are cached under them).

    Read at most once per ``SUPERVISION_STATE_SECONDS`` (1) per process: its one query of a dozen
    sub-queries costs PostgreSQL more to plan than the rest of a cached page, and a new edition, a
    new institution or cohort may take a second to show.
    """
    global _last_read  # noqa: PLW0603  (a process's memo of one value)
    now = time.monotonic()
    last = _last_read
    if last is not None and 0 <= now - last[0] < settings.SUPERVISION_STATE_SECONDS:
        return last[1]
    state = _read_figures_state()
    _last_read = (now, state)
    return state


def _read_figures_state() -> FiguresState:
    quote = connection.ops.quote_name
    highest = ", ".join(
        f"(SELECT MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)})" for m in SUMMARY_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX({quote('finished_at')}) FROM {quote(RecomputeRun._meta.db_table)}"
            f" WHERE {quote('state')} = %s), {_stamp_columns(Institution)}, {_stamp_columns(Cohort)}, {highest}",
            [RecomputeRun.State.DONE.value],
        )
        finished, *row = cursor.fetchone()
    return FiguresState(
        computed_at=_datetime(finished),
        institutions=_stamp(row[0:3]),
        cohorts=_stamp(row[3:6]),
        edition="-".join(str(i or 0) for i in row[6:]),
    )


def _stamp_columns(model: type[Timestamped]) -> str:
    """The rows' count, highest id and last save (``updated_at``, set on every save): any row
    added, removed or saved changes one of them."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    return ", ".join(
        f"(SELECT {column} FROM {table})"
        for column in ("COUNT(*)", f"MAX({quote(model._meta.pk.column)})", f"MAX({quote('updated_at')})")
    )


def _stamp(values: Sequence[Any]) -> str:
    count, highest, saved = values
    return f"{count}-{highest or 0}-{_timestamp(_datetime(saved))}"


def _timestamp(value: datetime.datetime | None) -> str:
    return "" if value is None else f"{value.timestamp():.6f}"


def _datetime(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A datetime column read by raw SQL: PostgreSQL gives it aware, SQLite as UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed
