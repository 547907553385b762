"""Small statistics the figures share: a proportion with its 95 % Wilson score interval.

The Wilson interval (Wilson 1927; "method 3" of Newcombe 1998) stays inside [0, 1] and keeps its
coverage for small samples and for 0 or n successes, where the textbook normal ("Wald") interval
collapses to a point; that is why a cohort of eight with 8/8 passed reads "100 %, 68–100 %".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext as _

Z_95 = 1.959964  # the standard normal quantile of 0.975


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of ``successes`` out of ``n`` (0 ≤ successes ≤ n, n > 0)."""
    if n <= 0:
        raise ValueError("A proportion needs at least one observation.")
    if not 0 <= successes <= n:
        raise ValueError("Successes must lie between 0 and n.")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # At 0 and at n the bounds are exactly 0 and 1; floating point would leave them a hair inside.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def min_responses() -> int:
    """A rate is shown from this many observations (``SUPERVISION_MIN_RESPONSES``); counts always."""
    return int(settings.SUPERVISION_MIN_RESPONSES)


@dataclass(frozen=True)
class Rate:
    """``successes`` of ``n``: the rate and its interval, or "too few" below the minimum."""

    successes: int
    n: int

    @cached_property  # a row's rate is read for its cells, its bar and its text: computed once
    def enough(self) -> bool:
        return self.n > 0 and self.n >= min_responses()

    @property
    def value(self) -> float | None:
        return self.successes / self.n if self.enough else None

    @cached_property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.successes, self.n) if self.enough else None

    @property
    def text(self) -> str:
        """The rate as a reader reads it: "72.5 %", or "too few (12)" below the minimum."""
        if not self.enough:
            return _("too few (%(n)s)") % {"n": self.n}
        return percent_text(self.successes / self.n)

    @property
    def interval_text(self) -> str:
        interval = self.interval
        if interval is None:
            return ""
        return f"{100 * interval[0]:.1f}–{100 * interval[1]:.1f} %"

    def cells(self) -> list[object]:
        """The rate's table cells: the rate (or "too few"), the interval's low and high in percent."""
        interval = self.interval
        if interval is None:
            return [self.text, "", ""]
        return [round(100 * self.successes / self.n, 1), round(100 * interval[0], 1), round(100 * interval[1], 1)]


def percent_text(ratio: float) -> str:
    return f"{100 * ratio:.1f} %"
