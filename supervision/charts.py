"""Charts drawn on the server as SVG (no script, nothing for the CSP to allow).

A chart is a description (bars with values, an optional 95 % interval); ``supervision.html.chart_html``
draws it with SVG presentation attributes only, and each has a text title and a table beside it for
readers who cannot see it.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from .html import cell

LABEL_WIDTH = 290
# A label longer than this (a Chinese character counts two, as it is about twice as wide) is cut with
# "…" so that it fits LABEL_WIDTH; the table beside the chart has it whole.
LABEL_UNITS = 40
BAR_AREA = 420
ROW_HEIGHT = 26
HISTOGRAM_HEIGHT = 180


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@functools.lru_cache(maxsize=4096)  # the same course, cohort and institution names come back on every page
def fitted(label: str, units: int = LABEL_UNITS) -> str:
    """``label`` cut to ``units`` (wide characters count two), with "…" where it was cut."""
    if len(label) * 2 <= units or (label.isascii() and len(label) <= units):
        return label
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
    def is_empty(self) -> bool:
        """No bar to draw: no rows, or (a chart of rates) no rate from enough observations."""
        return not self.bars

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH

    @property
    def marks(self) -> SafeString:
        """The bars as SVG (a ``<g>`` each), written in Python rather than by a template loop."""
        ink = 'stroke="#212529" stroke-width="1.5"'
        parts = []
        for row in self.rows:
            whisker = ""
            if row["low_x"] is not None:
                low, high = row["low_x"], row["high_x"]
                whisker = (
                    f'<line x1="{low}" x2="{high}" y1="13" y2="13" {ink}></line>'
                    f'<line x1="{low}" x2="{low}" y1="8" y2="18" {ink}></line>'
                    f'<line x1="{high}" x2="{high}" y1="8" y2="18" {ink}></line>'
                )
            parts.append(
                f'<g transform="translate(0 {row["y"]})">'
                f'<text x="{LABEL_WIDTH - 8}" y="17" text-anchor="end" font-size="13" fill="#212529">'
                f"{cell(row['label'])}</text>"
                f'<rect x="{LABEL_WIDTH}" y="4" width="{row["width"]}" height="18" fill="#0b5ed7"></rect>{whisker}'
                f'<text x="{row["text_x"]}" y="17" font-size="13" fill="#212529">{cell(row["bar"].text)}</text></g>'
            )
        return mark_safe("".join(parts))

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
    def is_empty(self) -> bool:
        """No bin to draw (a bin of no results is still drawn, at height 0)."""
        return not self.columns

    @property
    def column_width(self) -> int:
        return 56

    @property
    def marks(self) -> SafeString:
        """The columns as SVG (a ``<g>`` each), written in Python rather than by a template loop."""
        width, label_y, count_y = self.column_width - 8, self.height - 24, self.height - 8
        parts = [
            f'<g><rect x="{c["x"] + 4}" y="{c["y"]}" width="{width}" height="{c["height"]}" fill="#0b5ed7"></rect>'
            f'<text x="{c["mid"]}" y="{label_y}" text-anchor="middle" font-size="11" fill="#212529">'
            f"{cell(c['label'])}</text>"
            f'<text x="{c["mid"]}" y="{count_y}" text-anchor="middle" font-size="11" fill="#495057">'
            f"{cell(c['count'])}</text></g>"
            for c in self.columns
        ]
        return mark_safe("".join(parts))

    @property
    def width(self) -> int:
        return max(len(self.labels), 1) * self.column_width

    @property
    def height(self) -> int:
        return HISTOGRAM_HEIGHT + 40
