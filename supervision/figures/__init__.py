"""The figures of the supervision area, one module a family (``figures/<family>.py``).

A family's module has its summary tables (models, imported at the end of ``supervision.models``)
and a ``recompute() -> None`` that replaces their rows from the live tables with set-based SQL
inside one transaction, so that it may run twice or die halfway and leave the last good figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    label: str | Promise
    recompute: Callable[[], None]


def steps() -> tuple[Step, ...]:
    """Every family's recomputation, in the order they run (imported here: the modules hold models)."""
    from . import certificates, items, papers, pass_rates, training

    return (
        Step(_("Pass rates"), pass_rates.recompute),
        Step(_("Training"), training.recompute),
        Step(_("Certificates"), certificates.recompute),
        Step(_("Exams and grading backlog"), papers.recompute),
        Step(_("Item analysis"), items.recompute),
    )
