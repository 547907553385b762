"""Running the recomputation of the figures: asking for one, and running it step by step; and the
audit trail's line for each download (a cohort's results or progress, the certificates expiring in
a period, a report page's table)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import audit
from core.tasks import enqueue_on_commit

from . import figures
from .models import RecomputeRun

if TYPE_CHECKING:
    from courses.models import Cohort
    from exams.models import ExamPaper

log = logging.getLogger(__name__)


def _stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.SUPERVISION_RECOMPUTE_STALE_SECONDS)


def _give_up_stale_runs() -> None:
    """A run with no sign of life for a while died with its worker: it failed, and frees the lane."""
    RecomputeRun.objects.filter(state=RecomputeRun.State.RUNNING, heartbeat_at__lt=_stale_before()).update(
        state=RecomputeRun.State.FAILED, finished_at=timezone.now(), error="The worker stopped giving signs of life."
    )


def _new_run(*, requested_by: Any | None) -> RecomputeRun | None:
    """A new waiting run, or None when one is already waiting or running (one at a time: the
    database's constraint on the active runs refuses a second)."""
    try:
        with transaction.atomic():
            return RecomputeRun.objects.create(requested_by=requested_by, steps_total=len(figures.steps()))
    except IntegrityError:
        return None


def do_request_recompute(*, requested_by: Any | None) -> RecomputeRun:
    """A run waiting for the worker (enqueued after commit), or the one already waiting or running."""
    _give_up_stale_runs()
    run = _new_run(requested_by=requested_by)
    if run is None:
        active = RecomputeRun.objects.filter(state__in=RecomputeRun.ACTIVE_STATES).first()
        if active is None:  # it finished between the insert and this read
            return do_request_recompute(requested_by=requested_by)
        return active
    from .tasks import run_recompute

    enqueue_on_commit(run_recompute, run.pk)
    return run


def do_run_recompute(run_id: int) -> None:
    """Run a waiting run's steps in order; a run already claimed (a second delivery) is left alone.

    Each step replaces its tables in its own transaction: a failure keeps the earlier steps' new
    figures and the later steps' last good ones, and the run says which step failed.
    """
    now = timezone.now()
    claimed = RecomputeRun.objects.filter(pk=run_id, state=RecomputeRun.State.QUEUED).update(
        state=RecomputeRun.State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    steps = figures.steps()
    RecomputeRun.objects.filter(pk=run_id).update(steps_total=len(steps))
    for done, step in enumerate(steps):
        RecomputeRun.objects.filter(pk=run_id).update(
            current_step=str(step.label)[:100], steps_done=done, heartbeat_at=timezone.now()
        )
        try:
            step.recompute()
        except Exception as exc:
            log.exception("Recomputing the figures failed at %s", step.label)
            RecomputeRun.objects.filter(pk=run_id).update(
                state=RecomputeRun.State.FAILED, finished_at=timezone.now(), error=f"{step.label}: {exc!r}"[:2000]
            )
            raise
    RecomputeRun.objects.filter(pk=run_id).update(
        state=RecomputeRun.State.DONE,
        steps_done=len(steps),
        current_step="",
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def do_recompute_nightly() -> None:
    """The beat job: run the waiting run (one the broker lost) or a new one, here in this task."""
    _give_up_stale_runs()
    run = RecomputeRun.objects.filter(state=RecomputeRun.State.QUEUED).first()
    if run is None:
        run = _new_run(requested_by=None)
        if run is None:
            return  # one is running now; it is tonight's
    do_run_recompute(run.pk)


# --- the exports in the audit trail ---------------------------------------------------------------------


def do_record_export(
    *,
    model: str,
    filename: str,
    fmt: str,
    rows: int,
    report: tuple[str, str] | None = None,
    cohort: Cohort | None = None,
    paper: ExamPaper | None = None,
    filters: Mapping[str, Any] | None = None,
    period: tuple[datetime.date, datetime.date] | None = None,
    institution_id: int | None = None,
) -> None:
    """The audit trail's line for a supervision export, as for an admin export (``ADMIN_EXPORT``, the
    data by its model's label, the format and the rows): who (the request's user), the ``report``
    page (its URL name) and table of a page's download, the cohort (the event's object, and its
    institution) or the paper (the event's object, named by its course's code: a table of the item
    analysis) the rows are of, the page's ``filters`` of them, or the ``period`` of an export over
    one, and the file. ``institution_id``: the institution a report or an export over a period was
    narrowed to, None for every one."""
    detail: dict[str, Any] = {"model": model}
    if report is not None:
        detail["report"], detail["table"] = report
    if cohort is not None:
        detail["cohort"] = cohort.code
        institution_id = cohort.institution_id
    if paper is not None:
        detail["paper"] = paper.course.code
    detail.update(filters or {})
    if period is not None:
        detail["period"] = f"{period[0].isoformat()} – {period[1].isoformat()}"
    detail.update({"format": fmt, "rows": rows})
    audit.record(
        audit.Action.ADMIN_EXPORT,
        target=cohort or paper,
        institution=institution_id,
        summary=f"{filename}.{fmt}: {rows} {'row' if rows == 1 else 'rows'}",  # in English, as every summary
        detail=detail,
    )
