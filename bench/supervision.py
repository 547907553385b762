"""Issue 18's rows: the recomputation of the supervision figures, and the supervision pages.

``python -m bench.supervision recompute`` runs the nightly job (``supervision.services.
do_recompute_nightly``, what the beat task ``supervision.tasks.recompute_nightly`` calls) in this
fresh process over the data set of DATABASE_URL and prints JSON: the wall time, the process's peak
resident memory (and the baseline: Django loaded, nothing run), and each step of
``supervision.figures.steps()`` with its time and the peak memory after it. The figures it
computes are committed: the pages read them afterwards (the queries and the load).

:func:`pages` finds the pages to measure from the URL resolver, so that every page registered
under ``supervision:`` is measured without naming it here.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

NAMESPACE = "supervision"


@dataclass(frozen=True)
class Page:
    """A URL of the area: ``name`` is the URL name without the namespace; ``route`` its path
    (without the language prefix); ``needs_arguments`` when it cannot be reversed without any."""

    name: str
    route: str
    needs_arguments: bool


def walk(patterns: Iterable, prefix: str = "", namespace: str | None = None, inside: bool = False) -> list[Page]:
    """Every named URL of ``NAMESPACE`` under ``patterns`` (a URLconf's ``urlpatterns``), nested
    includes and all, in the URLconf's order. Pure: reads the patterns, reverses nothing."""
    found: list[Page] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        needs = bool(getattr(pattern.pattern, "converters", None)) or bool(pattern.pattern.regex.groups)
        if hasattr(pattern, "url_patterns"):  # an include
            space = pattern.namespace or namespace
            # A namespace nested in the area's is part of the name: "supervision:<nested>:<name>".
            nested = f"{pattern.namespace}:" if inside and pattern.namespace else ""
            found += [
                Page(nested + p.name, p.route, p.needs_arguments or needs)
                for p in walk(pattern.url_patterns, route, space, inside or space == NAMESPACE)
            ]
        elif inside and pattern.name:
            found.append(Page(pattern.name, route, needs))
    return found


def pages() -> list[Page]:
    """The supervision area's named URLs in the portal's URLconf (each once, by name)."""
    from django.urls import get_resolver

    seen: dict[str, Page] = {}
    for page in walk(get_resolver().url_patterns):
        seen.setdefault(page.name, page)
    return list(seen.values())


def measurable(found: Iterable[Page]) -> tuple[list[Page], list[Page]]:
    """The pages a GET can measure (no argument needed), and the others (named in the report)."""
    found = list(found)
    return [p for p in found if not p.needs_arguments], [p for p in found if p.needs_arguments]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StatementClock:
    """A database execute wrapper: every SQL statement's time, so a step's slowest ones can be named."""

    def __init__(self) -> None:
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.monotonic()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.monotonic() - started, sql))

    def slowest(self, since: int, count: int = 3) -> list[dict]:
        """The ``count`` slowest statements from index ``since`` on, each with its start (one line)."""
        ranked = sorted(self.statements[since:], key=lambda s: s[0], reverse=True)[:count]
        return [{"seconds": round(t, 2), "sql": " ".join(sql.split())[:200]} for t, sql in ranked]


def recompute() -> dict:
    """The nightly recomputation, each step timed; a failing step is reported, not raised."""
    from django.db import connection
    from django.utils import translation

    from supervision import figures, services
    from supervision.models import RecomputeRun

    RecomputeRun.objects.filter(state__in=RecomputeRun.ACTIVE_STATES).delete()  # a run a killed bench left
    real_steps = figures.steps
    timings: list[dict] = []
    clock = StatementClock()

    def timed_steps() -> tuple:
        def timed(step):  # one Step, its recompute timed
            def run() -> None:
                started, first = time.monotonic(), len(clock.statements)
                try:
                    step.recompute()
                finally:
                    with translation.override("en"):  # the report is in English
                        label = str(step.label)
                    timings.append(
                        {
                            "step": label,
                            "seconds": time.monotonic() - started,
                            "peak_rss_mb": peak_rss_mb(),
                            "statements": len(clock.statements) - first,
                            "slowest_statements": clock.slowest(first),
                        }
                    )

            return figures.Step(step.label, run)

        return tuple(timed(step) for step in real_steps())

    baseline = peak_rss_mb()
    error = None
    started = time.monotonic()
    figures.steps = timed_steps  # the service reads figures.steps() at run time
    try:
        with connection.execute_wrapper(clock):
            services.do_recompute_nightly()
    except Exception as exc:
        error = repr(exc)[:500]
    finally:
        figures.steps = real_steps
    seconds = time.monotonic() - started
    run = RecomputeRun.objects.order_by("-created_at").first()
    return {
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "baseline_rss_mb": baseline,
        "steps": timings,
        "state": run.state if run else None,
        "error": error or (run.error if run and run.error else None),
    }


if __name__ == "__main__":
    if sys.argv[1:] != ["recompute"]:
        raise SystemExit("usage: python -m bench.supervision recompute")
    print(json.dumps(recompute(), default=str))
