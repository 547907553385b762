"""Charts drawn on the server as SVG (no script, nothing for the CSP to allow).

A chart is a description (bars with values, an optional 95 % interval); the templates
``supervision/_bar_chart.html`` and ``_histogram.html`` draw it with SVG presentation attributes
only, and each has a text title and a table beside it for readers who cannot see it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

LABEL_WIDTH = 290
# A label longer than this (a Chinese character counts two, as it is about twice as wide) is cut with
# "…" so that it fits LABEL_WIDTH; the table beside the chart has it whole.
LABEL_UNITS = 40
BAR_AREA = 420
ROW_HEIGHT = 26
HISTOGRAM_HEIGHT = 180


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fitted(label: str, units: int = LABEL_UNITS) -> str:
    """``label`` cut to ``units`` (wide characters count two), with "…" where it was cut."""
    if sum(_width(char) for char in label) <= units:
        return label
    used, kept = 0, []
    for char in label:
        if used + _width(char) > units - 1:
            break
        used += _width(char)
        kept.append(char)
    return "".join(kept) + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the reader reads it ("72.5 %", "1,204")
    low: float | None = None  # a 95 % interval, on the value's scale
    high: float | None = None


@dataclass
class BarChart:
    """Horizontal bars on a scale from 0 to ``maximum`` (1.0 for rates)."""

    title: str | Promise
    bars: Sequence[Bar]
    maximum: float | None = None
    rows: list[dict] = field(init=False)

    def __post_init__(self) -> None:
        top = self.maximum or max((b.high or b.value for b in self.bars), default=0) or 1
        self.rows = [
            {
                "bar": bar,
                "y": i * ROW_HEIGHT,
                "width": round(BAR_AREA * max(bar.value, 0) / top, 1),
                "low_x": None if bar.low is None else round(LABEL_WIDTH + BAR_AREA * bar.low / top, 1),
                "high_x": None if bar.high is None else round(LABEL_WIDTH + BAR_AREA * bar.high / top, 1),
                # After the bar and its interval's whisker, whichever ends further right.
                "text_x": round(LABEL_WIDTH + BAR_AREA * max(bar.value, bar.high or 0, 0) / top, 1) + 6,
                "label": fitted(bar.label),
            }
            for i, bar in enumerate(self.bars)
        ]

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH

    @property
    def width(self) -> int:
        return LABEL_WIDTH + BAR_AREA + 90

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT


@dataclass
class Histogram:
    """Vertical bars, one per bin (``labels[i]``: "60–70"), heights ``counts[i]``."""

    title: str | Promise
    labels: Sequence[str]
    counts: Sequence[int]
    columns: list[dict] = field(init=False)

    def __post_init__(self) -> None:
        top = max(self.counts, default=0) or 1
        step = self.column_width
        self.columns = [
            {
                "label": label,
                "count": count,
                "x": i * step,
                "height": round(HISTOGRAM_HEIGHT * count / top, 1),
                "y": round(HISTOGRAM_HEIGHT - HISTOGRAM_HEIGHT * count / top, 1),
                "mid": i * step + step / 2,
            }
            for i, (label, count) in enumerate(zip(self.labels, self.counts, strict=True))
        ]

    @property
    def column_width(self) -> int:
        return 56

    @property
    def width(self) -> int:
        return max(len(self.labels), 1) * self.column_width

    @property
    def height(self) -> int:
        return HISTOGRAM_HEIGHT + 40
