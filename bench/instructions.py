"""CPU instructions per request, in-process under callgrind (``make bench``'s instruction column).

    valgrind --tool=callgrind --dump-before=getppid --callgrind-out-file=<dir>/callgrind.out \
        python -m bench.instructions <plan.json>

The plan names the WSGI module (``config.wsgi`` with ``bench.settings``, or ``bench.bare.wsgi``),
the warm-up and measured counts, and per endpoint the very requests wrk sends (method, path,
headers with the same session cookies, body). Each request goes through the WSGI application as
gunicorn calls it, in this one process: Django set up once, then per endpoint the warm-up (``warmup``
requests, and each of the requests to be counted once: ``warmup_count``), a marker, ``measure``
requests, a marker. The marker is ``os.getppid()`` (glibc's ``getppid``,
which nothing else in a request calls: ``bench/run.py`` checks that there are exactly two dumps
per endpoint), before which callgrind writes its counters and starts afresh (``--dump-before``).
The dumps alternate between set-up or warm-up and one endpoint's measured requests, so the
instructions of those requests alone are one dump's total; divided by ``measure``, the
instructions per request. The count does not depend on what else the machine runs (the same
binary, inputs and hash seed give the same count), unlike req/s.

Without valgrind it runs the same requests and prints wall times (a dry run for a plan).
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
import time


def marker() -> None:
    """callgrind dumps its counters here (``--dump-before=getppid``)."""
    os.getppid()


def wsgi_environ(request: dict) -> dict:
    """The WSGI environ of one bench request, as Django's RequestFactory builds it (a loopback peer)."""
    from django.test import RequestFactory

    path, _, query = request["path"].partition("?")
    headers = {}
    content_type = "application/octet-stream"
    for name, value in request.get("headers", {}).items():
        if name.lower() == "content-type":
            content_type = value
        else:
            headers["HTTP_" + name.upper().replace("-", "_")] = value
    built = RequestFactory().generic(
        request["method"],
        path + (f"?{query}" if query else ""),
        data=(request.get("body") or "").encode(),
        content_type=content_type,
        SERVER_NAME="127.0.0.1",
        SERVER_PORT="8000",
        HTTP_HOST="127.0.0.1:8000",
        **headers,
    )
    return built.environ


def call(application, request: dict) -> str:
    """One request through the WSGI application, its body read and closed as gunicorn does."""
    status: list[str] = []

    def start_response(status_line, headers, exc_info=None):
        status.append(status_line)

    response = application(wsgi_environ(request), start_response)
    try:
        for _chunk in response:
            pass
    finally:
        close = getattr(response, "close", None)
        if close is not None:
            close()
    return status[0]


def warmup_count(warmup: int, measure: int, distinct: int) -> int:
    """Requests sent before counting: the first ``warmup`` and every one of the ``measure`` counted ones.

    wrk cycles through an endpoint's requests for 20 s, so each of them recurs many times (the
    dashboard's 50 trainees about 100 times each): what it measures is the steady state, where a page
    that caches per person serves its cache. Counting requests sent for the first time would count
    nothing but cache misses; so each counted request has been sent once before (at most ``distinct``
    of them differ).
    """
    return max(warmup, min(distinct, warmup + measure))


def main() -> None:
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    application = importlib.import_module(plan["wsgi"]).application
    warmup, measure = plan["warmup"], plan["measure"]
    out = []
    for endpoint in plan["endpoints"]:
        requests_ = endpoint["requests"]
        first = call(application, requests_[0])
        if not first.startswith("200"):
            raise SystemExit(f"{endpoint['name']}: {requests_[0]['method']} {requests_[0]['path']} answered {first}")
        for i in range(1, warmup_count(warmup, measure, len(requests_))):
            call(application, requests_[i % len(requests_)])
        # A full collection of the cyclic garbage collector scans the whole heap (Django and every module
        # loaded: some 75 M instructions here) whenever enough objects have piled up, wherever that falls:
        # one in a window of 10 requests added 7.7 M to each of them (a cohort's page counted 19.4 M or
        # 11.7 M by the endpoints before it, same code). Collected here, it falls between the windows.
        gc.collect()
        marker()
        started = time.perf_counter()
        for i in range(measure):
            call(application, requests_[(warmup + i) % len(requests_)])
        seconds = time.perf_counter() - started
        marker()
        out.append({"endpoint": endpoint["name"], "wall_s": seconds})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
