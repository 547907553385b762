"""Reads of the supervision area's own state (the figures' reads are in ``figures/``)."""

from __future__ import annotations

from .models import RecomputeRun


def latest_run() -> RecomputeRun | None:
    return RecomputeRun.objects.select_related("requested_by").order_by("-created_at").first()


def last_finished_run() -> RecomputeRun | None:
    """The run the figures on the pages come from."""
    return RecomputeRun.objects.filter(state=RecomputeRun.State.DONE).order_by("-finished_at").first()
