"""Each task run's time and outcome, from Celery's signals in the process that runs it."""

from __future__ import annotations

import time
from typing import Any

from celery.signals import task_postrun, task_prerun

from config.monitoring.metrics import observe_task

_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id: str | None = None, **kwargs: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_finished(task_id: str | None = None, task: Any = None, state: str | None = None, **kwargs: Any) -> None:
    started = _started.pop(task_id, None) if task_id else None
    observe_task(
        task=getattr(task, "name", None) or "unknown",
        outcome=state or "",
        seconds=None if started is None else time.perf_counter() - started,
    )
