"""Locust's trainee of the national exam day (run by ``bench/examday.py``; README "Benchmark").

Each simulated trainee logs in (the log-in page, then the password), lands on the dashboard, opens My
exams, starts the sitting of the 50-question paper (which opens the paper), saves an answer every 20-40 s,
reloads the paper once, and submits at a moment in the last ``EXAMDAY_SPREAD`` seconds before the exam's
end (``EXAMDAY_RAMP + EXAMDAY_HOLD`` seconds after the run starts). Then it waits for the run to stop.

Every request is recorded (time, name, milliseconds, failed) into ``EXAMDAY_RECORD`` for the plot.
Settings come from the environment: EXAMDAY_SITTING, EXAMDAY_RAMP, EXAMDAY_HOLD, EXAMDAY_SPREAD,
EXAMDAY_RECORD, EXAMDAY_PASSWORD.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import re
import time

import gevent
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

SITTING = int(os.environ.get("EXAMDAY_SITTING", "1"))
RAMP = float(os.environ.get("EXAMDAY_RAMP", "600"))
HOLD = float(os.environ.get("EXAMDAY_HOLD", "120"))
SPREAD = float(os.environ.get("EXAMDAY_SPREAD", "60"))
RECORD = os.environ.get("EXAMDAY_RECORD", "examday-requests.csv")
PASSWORD = os.environ.get("EXAMDAY_PASSWORD", "exam-day-2026")
LANG = "/zh-hant"
QUESTIONS = 50
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_numbers = itertools.count(1)  # trainee n logs in as e<n>@examday.bench.test (one process: gevent is safe)
_records: list[tuple[float, str, float, str]] = []
_started = {"at": time.time()}


@events.test_start.add_listener
def _on_start(**_kwargs) -> None:
    _started["at"] = time.time()


@events.request.add_listener
def _on_request(name, response_time, exception, **_kwargs) -> None:
    _records.append((time.time(), name, response_time, str(exception)[:160].replace("\n", " ") if exception else ""))


@events.test_stop.add_listener
def _on_stop(**_kwargs) -> None:
    with open(RECORD, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["t", "name", "ms", "failure"])
        writer.writerows((f"{t - _started['at']:.3f}", n, f"{ms:.1f}", e) for t, n, ms, e in _records)


class Trainee(FastHttpUser):
    # Production's cookies are Secure; the load speaks plain HTTP to gunicorn on loopback (as a TLS proxy
    # would), so the cookie jar is told to send them anyway (``_plain_cookies``).
    network_timeout = 60.0
    connection_timeout = 60.0

    def _plain_cookies(self) -> None:
        for cookie in self.client.cookiejar:
            cookie.secure = False

    def _get(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            self._plain_cookies()
            return response.text or ""

    def _post(self, path: str, name: str, *, expect: int = 302, **kwargs) -> str:
        with self.client.post(path, name=name, allow_redirects=False, catch_response=True, **kwargs) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                return ""
            self._plain_cookies()
            return response.headers.get("Location", "") if expect == 302 else (response.text or "")

    @task
    def exam_day(self) -> None:
        n = next(_numbers)
        end = _started["at"] + RAMP + HOLD
        submit_at = end - random.uniform(0, SPREAD)
        page = self._get(f"{LANG}/accounts/login/", "login page")
        token = CSRF_INPUT.search(page)
        if token is None:
            self.environment.events.request.fire(
                request_type="GET", name="login page", response_time=0, response_length=0,
                exception=RuntimeError("no CSRF token"), context={},
            )  # fmt: skip
            return self._idle()
        landing = self._post(
            f"{LANG}/accounts/login/", "login (password)",
            data={"csrfmiddlewaretoken": token.group(1), "username": f"e{n}@examday.bench.test",
                  "password": PASSWORD},
        )  # fmt: skip
        if not landing:
            return self._idle()
        self._get(landing, "dashboard")
        self._get(f"{LANG}/exams/", "my exams")
        # The instructions and their confirm button, then the POST that starts the clock and opens the paper.
        token = CSRF_INPUT.search(self._get(f"{LANG}/exams/sittings/{SITTING}/start/", "exam instructions"))
        if token is None:
            return self._idle()
        paper_url = self._post(
            f"{LANG}/exams/sittings/{SITTING}/start/", "start (POST)", data={"csrfmiddlewaretoken": token.group(1)}
        )
        if not paper_url:
            return self._idle()
        paper = self._get(paper_url, "paper")
        token = CSRF_INPUT.search(paper)
        if token is None:
            return self._idle()
        csrf = token.group(1)
        answer_url = paper_url.rstrip("/") + "/answer/"
        reload_at = time.time() + random.uniform(0, max(0.0, submit_at - time.time()))
        reloaded = False
        question = 0
        while True:
            think = random.uniform(20, 40)
            if time.time() + think >= submit_at:
                break
            gevent.sleep(think)
            question = question % QUESTIONS + 1
            self._post(
                answer_url, "answer save", expect=200,
                data=json.dumps({"question": question, "choices": [random.randrange(4)]}),
                headers={"Content-Type": "application/json", "X-CSRFToken": csrf},
            )  # fmt: skip
            if not reloaded and time.time() >= reload_at:
                reloaded = True
                self._get(paper_url, "paper (reload)")
        gevent.sleep(max(0.0, submit_at - time.time()))
        if not reloaded:
            self._get(paper_url, "paper (reload)")
        result = self._post(paper_url.rstrip("/") + "/submit/", "submit (POST)", data={"csrfmiddlewaretoken": csrf})
        if result:
            self._get(result, "result page")
        self._idle()

    def _idle(self) -> None:
        """One exam per trainee: after it (or a failure), wait for the run to end."""
        while True:
            gevent.sleep(3600)
