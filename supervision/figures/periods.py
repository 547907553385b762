"""Calendar periods for the figures over time (certificates per month, pass rates by quarter).

A period is named by its first day and is ``MONTHS`` (one month) or ``QUARTERS`` (three) long. A
series has every period between its first and its last, a period in which nothing happened as a
blank row (zeros) rather than left out, and reaches the current period: "today" is the site's
local date (``TIME_ZONE``, Asia/Taipei), as the summaries' months and quarters are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.utils import timezone

MONTHS = 1
QUARTERS = 3

T = TypeVar("T")


def start_of(day: datetime.date, length: int) -> datetime.date:
    """The first day of the period of ``length`` months that holds ``day``."""
    return datetime.date(day.year, (day.month - 1) // length * length + 1, 1)


def shifted(start: datetime.date, periods: int, length: int) -> datetime.date:
    """The period ``periods`` after the one starting on ``start`` (before it, if negative)."""
    months = start.year * 12 + start.month - 1 + periods * length
    return datetime.date(months // 12, months % 12 + 1, 1)


def between(first: datetime.date, last: datetime.date, length: int) -> list[datetime.date]:
    """Every period from ``first``'s to ``last``'s, both included, oldest first."""
    start, end = start_of(first, length), start_of(last, length)
    periods = []
    while start <= end:
        periods.append(start)
        start = shifted(start, 1, length)
    return periods


def ending_with(day: datetime.date | None, count: int, length: int) -> list[datetime.date]:
    """The ``count`` periods ending with ``day``'s (today's, in the site's zone), oldest first."""
    last = start_of(day or timezone.localdate(), length)
    return [shifted(last, i - count + 1, length) for i in range(count)]


def series(
    rows: Mapping[datetime.date, T],
    length: int,
    blank: Callable[[datetime.date], T],
    reaching: Iterable[datetime.date] = (),
) -> list[tuple[datetime.date, T]]:
    """``rows`` (by their period's first day) as a series, oldest first: every period from the first
    row's, or the first period ``reaching`` names if earlier, to the last row's or ``reaching``'s,
    the missing ones ``blank(period)``. No rows: no series (there is nothing to show yet)."""
    if not rows:
        return []
    ends = [start_of(day, length) for day in (*rows, *reaching)]
    return [
        (period, rows[period] if period in rows else blank(period)) for period in between(min(ends), max(ends), length)
    ]
