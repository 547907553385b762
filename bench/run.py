"""``make bench``: the portal against Django's own floor, on PostgreSQL, Redis, gunicorn and Celery.

Steps (each printed as it runs; README "Benchmark" has the whole story):

1. make (or find) the full and the small data set, each in its own database;
2. SQL queries per request of every endpoint at both sizes, and for pages of 5 and 50 rows;
3. the daily beat jobs over both data sets: time and peak memory (each in a fresh process);
4. at the full size, gunicorn as the Procfile runs it and a real Celery worker: HTTP load with wrk
   at one concurrency on every endpoint and on the floor (constant JSON, same middleware);
5. grading: attempts of the 50-question paper graded per second by the worker, next to the rate
   at which the same worker runs a task that does nothing;
6. the exam-end burst: 1,000 trainees submit within 60 s; errors, submit p95, time to the last grade.
7. the national exam day (issue 20): ``--exam-day N`` runs only it (``bench/examday.py``, Locust); any
   other run ends by printing its latest committed result (``bench/results/examday-latest.md``).

Results: a Markdown table on stdout and in ``bench/results/<scale>-latest.md``, with the JSON
beside it. ``--quick`` runs the load on the small data set with short runs (for development).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bcm_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/10"
RECOMPUTE_SECONDS = 60  # issue 18: the whole recomputation on the national data set, wall time
RECOMPUTE_PEAK_MB = 300  # and its peak memory


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def small_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + "_small"))


def service_env(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) on loopback: no HTTPS redirect, the API throttle out of the way."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG",)}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=env.get("BENCH_SECRET_KEY", "bench-" + secrets.token_urlsafe(40)),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        SITE_URL=env.get("SITE_URL", "http://127.0.0.1"),
        DJANGO_LOG_LEVEL="WARNING",
        API_THROTTLE_RATE="100000000/min",
        VERIFY_RATE_LIMIT_PER_MINUTE="100000000",  # the verify page's limit per address: wrk is one address
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_RESULT_BACKEND=redis_url,
        CACHE_URL=redis_url,  # production shares its cache in Redis (README, Production)
        PYTHONPATH=str(ROOT),
    )
    if not env.get("CREDENTIAL_SIGNING_KEYS"):  # required with DEBUG off; a throw-away key for the run
        from jwcrypto import jwk

        key = jwk.JWK.generate(kty="RSA", size=2048, kid="bench")
        env["CREDENTIAL_SIGNING_KEYS"] = json.dumps({"keys": [key.export_private(as_dict=True)]})
    return env


def run_python(module: str, env: dict[str, str], *args: str, timeout: int = 3600) -> dict:
    """Run ``python -m module`` and return the JSON it prints on its last line."""
    out = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,  # the exit code is checked below, after the output is shown
    )
    if out.returncode != 0:
        sys.stderr.write(out.stdout[-4000:])
        raise SystemExit(f"{module} failed ({out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- databases -----------------------------------------------------------------------------


def ensure_database(url: str, env: dict[str, str]) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)


# --- services ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Services:
    """gunicorn as the Procfile runs it, and one Celery worker (also importing the floor task)."""

    def __init__(self, env: dict[str, str], web_workers: int, worker_concurrency: int) -> None:
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logdir = Path(tempfile.mkdtemp(prefix="bench-"))
        bin_dir = Path(PYTHON).parent
        # The child keeps its own copy of the log file's descriptor; ours can close once it started.
        with open(self.logdir / "web.log", "w") as web_log:
            self.web = subprocess.Popen(
                [str(bin_dir / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(web_workers)],
                cwd=ROOT, env=env, stdout=web_log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        with open(self.logdir / "worker.log", "w") as worker_log:
            self.worker = subprocess.Popen(
                [str(bin_dir / "celery"), "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency",
                 str(worker_concurrency), "--include", "bench.tasks", "--without-heartbeat", "--without-gossip",
                 "--without-mingle", "-n", f"bench-{self.port}@%h"],
                cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        # Bare Django (bench/bare/), the second floor: the same gunicorn, worker count and machine.
        self.bare_port = free_port()
        self.bare_base = f"http://127.0.0.1:{self.bare_port}"
        with open(self.logdir / "bare.log", "w") as bare_log:
            self.bare = subprocess.Popen(
                [str(bin_dir / "gunicorn"), "bench.bare.wsgi", "--bind", f"127.0.0.1:{self.bare_port}",
                 "--workers", str(web_workers)],
                cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}, stdout=bare_log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self._wait_web(self.web, self.base, "web.log")
        self._wait_web(self.bare, self.bare_base, "bare.log")

    def _wait_web(self, process: subprocess.Popen, base: str, log_name: str) -> None:
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/bench/floor/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if process.poll() is not None:
                break
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not start; see {self.logdir / log_name}")

    def stop(self) -> None:
        for process in (self.web, self.bare, self.worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.bare, self.worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


# --- load with wrk -------------------------------------------------------------------------


def lua_string(value: str) -> str:
    level = "=" * 4
    return f"[{level}[{value}]{level}]"


def wrk_script(requests_: list[dict]) -> str:
    """A wrk script that cycles through ``requests_`` (method, path, headers, body), each thread
    starting at its own offset, and prints its figures as JSON in ``done``."""
    rows = []
    for r in requests_:
        headers = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in r.get("headers", {}).items())
        body = lua_string(r["body"]) if r.get("body") is not None else "nil"
        rows.append(
            f'{{method = "{r["method"]}", path = {lua_string(r["path"])}, headers = {{{headers}}}, body = {body}}}'
        )
    return (
        "local reqs = {\n" + ",\n".join(rows) + "\n}\n"
        """
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end
local counter = 0
function init(args)
  counter = (tid or 0) * 7919
end
function request()
  counter = counter + 1
  local r = reqs[(counter % #reqs) + 1]
  return wrk.format(r.method, r.path, r.headers, r.body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "errors_status": %d, "errors_socket": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
"""
    )


def run_wrk(base: str, requests_: list[dict], *, connections: int, seconds: int, threads: int = 2) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(wrk_script(requests_))
        script = f.name
    try:
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
             "-s", script, base],
            capture_output=True, text=True, timeout=seconds + 120,
            check=False,  # a failed run is reported from its output below
        )  # fmt: skip
    finally:
        os.unlink(script)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no figures:\n{out.stdout}\n{out.stderr}")
    figures = json.loads(line[len("BENCHJSON ") :])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["p50_ms"] = figures.pop("p50_us") / 1000
    figures["p95_ms"] = figures.pop("p95_us") / 1000
    figures["p99_ms"] = figures.pop("p99_us") / 1000
    figures["mean_ms"] = figures.pop("mean_us") / 1000
    figures["errors"] = figures.pop("errors_status") + figures.pop("errors_socket")
    return figures


# --- the main steps ------------------------------------------------------------------------


def csrf_secret() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def endpoints_of(plan: dict) -> list[tuple[str, str, list[dict]]]:
    """Every endpoint the load measures (the portal's floor first), with the requests wrk cycles through;
    the instruction counts send the same requests in-process."""
    csrf = plan["csrf"]
    lang = "/zh-hant"

    def trainee_headers(session: str) -> dict[str, str]:
        return {"Cookie": f"sessionid={session}; csrftoken={csrf}"}

    load = plan["load"]  # [(session, attempt_id)]
    bearer = {"Authorization": f"Bearer {plan['token']}"}
    endpoints: list[tuple[str, str, list[dict]]] = [
        ("floor", "the portal's floor: constant JSON, same middleware (trainee)", [
            {"method": "GET", "path": "/bench/floor/", "headers": trainee_headers(s)} for s, _a in load[:50]]),
        ("catalog", "open cohorts page (trainee)", [
            {"method": "GET", "path": f"{lang}/cohorts/", "headers": trainee_headers(s)} for s, _a in load[:50]]),
        ("cohort_page", "a cohort's page (trainee)", [
            {"method": "GET", "path": f"{lang}/cohorts/{code}/", "headers": trainee_headers(s)}
            for (s, _a), code in zip(load[:50], plan["cohort_codes"] * 50, strict=False)]),
        ("dashboard", "trainee dashboard", [
            {"method": "GET", "path": f"{lang}/dashboard/", "headers": trainee_headers(s)}
            for s in plan["dashboard_sessions"]]),
        ("my_exams", "My exams (sittings and history of attempts)", [
            {"method": "GET", "path": f"{lang}/exams/", "headers": trainee_headers(s)}
            for s, _a in plan["results"]]),
        ("exam_page", "exam question page (50 questions)", [
            {"method": "GET", "path": f"{lang}/exams/attempts/{a}/", "headers": trainee_headers(s)} for s, a in load]),
        ("answer_save", "answer save (JSON POST)", [
            {"method": "POST", "path": f"{lang}/exams/attempts/{a}/answer/",
             "headers": {**trainee_headers(s), "X-CSRFToken": csrf, "Content-Type": "application/json"},
             "body": json.dumps({"question": 1 + (i * 7) % 50, "choices": [i % 4]})}
            for i, (s, a) in enumerate(load)]),
        ("result_page", "a published result with its breakdown", [
            {"method": "GET", "path": f"{lang}/exams/attempts/{a}/result/", "headers": trainee_headers(s)}
            for s, a in plan["results"]]),
        ("my_certificates", "My certificates (a holder)", [
            {"method": "GET", "path": f"{lang}/certificates/", "headers": trainee_headers(s)}
            for s in plan["holder_sessions"]]),
        ("verify_page", "certificate verification page (anonymous)", [
            {"method": "GET", "path": f"{lang}/verify/{code}/"} for code in plan["verification_codes"]]),
        ("hr_certificates", "HR certificate list, first page of 100 (updated_since)", [
            {"method": "GET", "path": plan["hr_first_page"], "headers": bearer}]),
        ("hr_certificates_last", "HR certificate list, last page (cursor)", [
            {"method": "GET", "path": plan["hr_last_page"], "headers": bearer}]),
        ("hr_bulk_upsert", "HR bulk upsert of 500 employees", [
            {"method": "POST", "path": "/api/v1/employees/bulk/",
             "headers": {**bearer, "Content-Type": "application/json"}, "body": body}
            for body in plan["bulk_bodies"]]),
        ("admin_attempts", "institution's attempts list in admin", [
            {"method": "GET", "path": f"{lang}/admin/exams/attempt/",
             "headers": trainee_headers(plan["admin_session"])}]),
    ]  # fmt: skip
    # Issue 18: every supervision page as the program office sees it (all institutions).
    endpoints += [
        (f"supervision_{name}", f"supervision: {name} (program office)",
         [{"method": "GET", "path": path, "headers": trainee_headers(plan["office_session"])}])
        for name, path in plan["supervision_pages"]
    ]  # fmt: skip
    return endpoints


# Bare Django (bench/bare/): startproject's middleware, the same constant JSON, anonymous.
BARE = ("bare", "bare Django: startproject's middleware, constant JSON (anonymous)",
        [{"method": "GET", "path": "/bench/floor/"}])  # fmt: skip


def checked_endpoints(
    services: Services, plan: dict, only: set[str] | None = None
) -> list[tuple[str, str, list[dict]]]:
    """The endpoints (``only`` these and the floor, when given), each having answered what a user expects
    once (a POST-only page left out)."""
    import requests

    endpoints = [e for e in endpoints_of(plan) if not only or e[0] == "floor" or e[0] in only]
    for name, _label, reqs in list(endpoints):
        r = reqs[0]
        response = requests.request(
            r["method"], services.base + r["path"], headers=r.get("headers"), data=r.get("body"),
            allow_redirects=False, timeout=120,
        )  # fmt: skip
        if name.startswith("supervision_") and response.status_code == 405:
            endpoints.remove((name, _label, reqs))  # POST-only (the recompute button): not a page
            continue
        if response.status_code != 200:
            raise SystemExit(
                f"{name}: {r['method']} {r['path']} answered {response.status_code}: {response.text[:500]}"
            )
    return endpoints


def load_step(args, services: Services, endpoints: list[tuple[str, str, list[dict]]]) -> list[dict]:
    """Every endpoint at the same concurrency; both floors first and last, interleaved (bare Django,
    the portal's floor, ..., bare Django, the portal's floor): each floor is the mean of its two runs."""
    floor_endpoint, rest = endpoints[0], endpoints[1:]
    order = [BARE, floor_endpoint, *rest, BARE, floor_endpoint]
    rows = []
    floor_runs: dict[str, list[dict]] = {"bare": [], "floor": []}
    for name, label, reqs in order:
        base = services.bare_base if name == "bare" else services.base
        log(f"load: {name} ({args.connections} connections, {args.seconds} s)")
        run_wrk(base, reqs, connections=args.connections, seconds=max(2, args.seconds // 5))  # warm-up
        figures = run_wrk(base, reqs, connections=args.connections, seconds=args.seconds)
        # The 1-minute load average after the run: the machine is shared, and this says how much.
        figures.update(endpoint=name, label=label, load_avg_1m=round(os.getloadavg()[0], 2))
        log(
            f"  {figures['rps']:.0f} req/s, p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"errors {figures['errors']}"
        )
        if name in floor_runs:
            floor_runs[name].append(figures)
        else:
            rows.append(figures)
    floors = []
    for runs in floor_runs.values():
        floor = dict(runs[0])
        for key in ("rps", "p50_ms", "p95_ms"):
            floor[key] = statistics.mean(f[key] for f in runs)
        floor["errors"] = sum(f["errors"] for f in runs)
        floor["runs_rps"] = [round(f["rps"], 1) for f in runs]
        floors.append(floor)
    bare, floor = floors
    for row in [bare, floor, *rows]:
        row["ratio_to_floor"] = row["rps"] / floor["rps"]
        row["ratio_to_bare"] = row["rps"] / bare["rps"]
    return [bare, floor, *rows]


def callgrind_run(env: dict[str, str], wsgi: str, endpoints: list, *, warmup: int, measure: int) -> dict:
    """Instructions per request of each endpoint, in one process under callgrind (bench/instructions.py)."""
    outdir = Path(tempfile.mkdtemp(prefix="bench-callgrind-"))
    plan_file = outdir / "plan.json"
    plan_file.write_text(json.dumps({
        "wsgi": wsgi, "warmup": warmup, "measure": measure,
        "endpoints": [{"name": name, "requests": reqs} for name, _label, reqs in endpoints],
    }))  # fmt: skip
    # The same hash seed in every run: set and dict orders, hence the instructions, do not vary.
    run_env = {**env, "PYTHONHASHSEED": "0"}
    if wsgi == "bench.bare.wsgi":
        run_env["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
    out_file = outdir / "callgrind.out"
    started = time.monotonic()
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out_file}",
         PYTHON, "-m", "bench.instructions", str(plan_file)],
        cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=7200,
        check=False,  # reported below with valgrind's output
    )  # fmt: skip
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"callgrind run of {wsgi} failed ({result.returncode})")
    wall = {row["endpoint"]: row["wall_s"] for row in json.loads(result.stdout.strip().splitlines()[-1])}

    def total(path: Path) -> int:
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
        raise SystemExit(f"no totals in {path}")

    dumps = sorted(outdir.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
    if len(dumps) != 2 * len(endpoints):
        raise SystemExit(f"callgrind: {len(dumps)} dumps for {len(endpoints)} endpoints (expected two each)")
    figures = {}
    for index, (name, _label, _reqs) in enumerate(endpoints):
        measured = dumps[2 * index + 1]  # set-up or warm-up, then this endpoint's measured requests
        figures[name] = {"ir_per_request": total(measured) / measure, "callgrind_wall_s": wall[name],
                         "profile": str(measured)}  # fmt: skip
    log(f"  {wsgi}: {len(endpoints)} endpoints in {time.monotonic() - started:.0f} s under callgrind ({outdir})")
    return figures


def instructions_step(args, env: dict[str, str], endpoints: list) -> dict:
    """CPU instructions per request: bare Django, then every endpoint of the portal."""
    warmup, measure = args.instructions_warmup, args.instructions_requests
    log(f"instructions: bare Django and {len(endpoints)} endpoints under callgrind, {warmup} warm-up and "
        f"{measure} measured requests each")  # fmt: skip
    figures = callgrind_run(env, "bench.bare.wsgi", [BARE], warmup=warmup, measure=measure)
    figures.update(callgrind_run(env, "config.wsgi", endpoints, warmup=warmup, measure=measure))
    bare, floor = figures["bare"]["ir_per_request"], figures["floor"]["ir_per_request"]
    for row in figures.values():
        row["ratio_to_floor"] = floor / row["ir_per_request"]  # as for req/s: 1 / (relative cost)
        row["ratio_to_bare"] = bare / row["ir_per_request"]
    for name, row in figures.items():
        log(
            f"  {name}: {row['ir_per_request'] / 1e6:.2f} M instructions/request, "
            f"{row['ratio_to_floor']:.2f} of the portal's floor, {row['ratio_to_bare']:.2f} of bare Django"
        )
    return {"warmup": warmup, "measure": measure, "endpoints": figures}


def grading_step(env: dict[str, str], plan: dict, *, noop_count: int) -> dict:
    """Attempts graded per second by the worker, and the same worker's rate on a task that does nothing."""
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")})
    from celery import group

    from config.celery_app import app

    def timed(signatures) -> float:
        # The portal stores no task results (CELERY_TASK_IGNORE_RESULT); the group's join needs them.
        started = time.monotonic()
        result = group([s.set(ignore_result=False) for s in signatures]).apply_async()
        result.join(timeout=900, propagate=True)
        return time.monotonic() - started

    timed([app.signature("bench.tasks.noop") for _ in range(50)])  # the worker is awake
    log(f"grading: {noop_count} no-op tasks (the task floor)")
    noop_seconds = timed([app.signature("bench.tasks.noop") for _ in range(noop_count)])
    attempts = plan["grading_attempts"]
    log(f"grading: {len(attempts)} submitted attempts of the 50-question paper")
    grade_seconds = timed([app.signature("exams.tasks.grade_attempt", args=(pk,)) for pk in attempts])
    graded = plan["count_graded"](attempts)
    return {
        "task_floor_per_s": noop_count / noop_seconds,
        "graded_per_s": len(attempts) / grade_seconds,
        "ratio_to_task_floor": (len(attempts) / grade_seconds) / (noop_count / noop_seconds),
        "attempts": len(attempts),
        "graded": graded,
        "noop_tasks": noop_count,
    }


def burst_step(services: Services, plan: dict, *, seconds: int, workers: int = 64) -> dict:
    """1,000 trainees submit at random moments within ``seconds``; then wait for every grade."""
    import requests

    rng = random.Random(2026)
    pairs = plan["burst"]
    offsets = sorted(rng.uniform(0, seconds) for _ in pairs)
    csrf = plan["csrf"]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    local = threading.local()
    started = time.monotonic()

    def submit(index: int) -> None:
        session_key, attempt_id = pairs[index]
        delay = started + offsets[index] - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = requests.Session()
        t0 = time.monotonic()
        try:
            response = http.post(
                f"{services.base}/zh-hant/exams/attempts/{attempt_id}/submit/",
                headers={"Cookie": f"sessionid={session_key}; csrftoken={csrf}", "X-CSRFToken": csrf},
                allow_redirects=False, timeout=60,
            )  # fmt: skip
            ok = response.status_code == 302
            detail = f"{response.status_code}"
        except requests.RequestException as error:
            ok, detail = False, repr(error)
        with lock:
            latencies.append(time.monotonic() - t0)
            if not ok:
                errors.append(detail)

    log(f"burst: {len(pairs)} submits within {seconds} s")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(submit, range(len(pairs))))
    submits_done = time.monotonic()
    ids = [a for _s, a in pairs]
    outcome = plan["wait_graded"](ids, timeout=600)
    latencies.sort()
    return {
        "submits": len(pairs),
        "spread_s": seconds,
        "errors": len(errors),
        "error_samples": errors[:5],
        "submit_p50_ms": 1000 * latencies[len(latencies) // 2],
        "submit_p95_ms": 1000 * latencies[int(len(latencies) * 0.95) - 1],
        "submits_took_s": submits_done - started,
        **outcome,
    }


# --- the in-process helpers (Django set up in this process for the full database) ----------


def django_plan(env: dict[str, str], services: Services | None) -> dict:
    """Sessions, token, cursors and the rows the load uses; Django runs in this process from here."""
    os.environ.update(env)
    import django

    django.setup()
    import requests
    from django.db import connection
    from django.db.models import F
    from django.urls import reverse
    from django.utils import translation

    from bench import dataset, supervision
    from bench.sessions import session_key as session_for
    from certification.models import Certificate
    from courses.models import Cohort
    from exams.models import Attempt, CourseResult

    rows = dataset.prepare_run()

    plan: dict = {"csrf": csrf_secret(), "grading_attempts": rows.grading_attempts}
    plan["load"] = [(session_for(u), a) for u, a in zip(rows.load_users, rows.load_attempts, strict=True)]
    plan["burst"] = [(session_for(u), a) for u, a in zip(rows.burst_users, rows.burst_attempts, strict=True)]
    plan["dashboard_sessions"] = [session_for(u) for u in rows.dashboard_users]
    plan["admin_session"] = session_for(rows.admin_user)
    plan["office_session"] = session_for(rows.office_user)
    # Issue 20: My exams and a result page (trainees with published results), My certificates (holders
    # of an active certificate), the verify page (their codes, anonymous) and a cohort's page.
    results = list(
        CourseResult.objects.filter(published_at__isnull=False, attempt__trainee_id=F("trainee_id"))
        .order_by("pk")
        .values_list("trainee_id", "attempt_id")[:20]
    )
    plan["results"] = [(session_for(u), a) for u, a in results]
    holders = list(
        Certificate.objects.filter(status=Certificate.Status.ACTIVE)
        .order_by("pk")
        .values_list("trainee_id", "verification_code")[:20]
    )
    plan["holder_sessions"] = [session_for(u) for u, _code in holders]
    plan["verification_codes"] = [code for _u, code in holders]
    plan["cohort_codes"] = list(
        Cohort.objects.exclude(status=Cohort.Status.DRAFT).exclude(code="B-BENCH").order_by("pk")
        .values_list("code", flat=True)[:20]
    )  # fmt: skip
    with translation.override("zh-hant"):
        pages, needs_arguments = supervision.measurable(supervision.pages())
        plan["supervision_pages"] = [(p.name, reverse(f"{supervision.NAMESPACE}:{p.name}")) for p in pages]
    if needs_arguments:
        log(f"supervision pages not loaded (they need an argument): {', '.join(p.name for p in needs_arguments)}")
    if services is not None:
        token = requests.post(
            services.base + "/api/v1/oauth/token/", data={"grant_type": "client_credentials"},
            auth=(dataset.HR_CLIENT_ID, dataset.HR_CLIENT_SECRET), timeout=30,
        )  # fmt: skip
        token.raise_for_status()
        plan["token"] = token.json()["access_token"]
        since = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
        first = f"/api/v1/certificates/?updated_since={since}&page_size=100"
        url, pages = services.base + first, 0
        headers = {"Authorization": f"Bearer {plan['token']}"}
        last = first
        while url:
            page = requests.get(url, headers=headers, timeout=60).json()
            pages += 1
            last = urlsplit(url)._replace(scheme="", netloc="").geturl()
            url = page.get("next")
        plan["hr_first_page"], plan["hr_last_page"], plan["hr_pages"] = first, last, pages
        log(f"HR certificate list: {pages} pages of 100 since {since}")
        numbers = rows.hr_employee_numbers
        # Disjoint batches of 500 (an HR system does not send the same employees twice at once).
        plan["bulk_bodies"] = [
            json.dumps(
                {
                    "employees": [
                        {"employee_number": n, "branch": f"分行 {k}-{i % 40}"}
                        for i, n in enumerate(numbers[k : k + 500])
                    ]
                }
            )
            for k in range(0, max(1, len(numbers) - 499), 500)
        ]

    def count_graded(ids: list[int]) -> int:
        return Attempt.objects.filter(pk__in=ids, state=Attempt.State.GRADED).count()

    def wait_graded(ids: list[int], timeout: int) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if count_graded(ids) == len(ids):
                break
            time.sleep(0.5)
        connection.close()
        results = list(
            CourseResult.objects.filter(attempt_id__in=ids, published_at__isnull=False).values_list(
                "attempt__submitted_at", "published_at"
            )
        )
        submitted = list(
            Attempt.objects.filter(pk__in=ids).exclude(submitted_at=None).values_list("submitted_at", flat=True)
        )
        if not results or not submitted:
            return {"graded": len(results), "submitted": len(submitted)}
        waits = sorted((p - s).total_seconds() for s, p in results)
        return {
            "submitted": len(submitted),
            "graded": len(results),
            "last_graded_after_last_submit_s": (max(p for _s, p in results) - max(submitted)).total_seconds(),
            "submit_to_graded_p50_s": waits[len(waits) // 2],
            "submit_to_graded_p95_s": waits[int(len(waits) * 0.95) - 1],
        }

    plan["count_graded"] = count_graded
    plan["wait_graded"] = wait_graded
    return plan


# --- report --------------------------------------------------------------------------------


def evaluate(report: dict) -> list[dict]:
    """Each target of issues 9, 18 and 20 with its figure and whether it holds."""
    checks = []

    def check(target: str, figure: str, ok: bool | None) -> None:
        checks.append({"target": target, "figure": figure, "ok": ok})

    load = {row["endpoint"]: row for row in report.get("load", [])}
    instructions = report.get("instructions", {}).get("endpoints", {})

    def check_ratio(name: str, target: str, key: str, at_least: float) -> None:
        """A target on both columns: req/s (wrk) and instructions per request (callgrind)."""
        if name in load:
            check(f"{target} (req/s)", f"{load[name][key]:.2f}", load[name][key] >= at_least)
        if name in instructions:
            check(f"{target} (instructions)", f"{instructions[name][key]:.2f}", instructions[name][key] >= at_least)

    check_ratio("floor", "the portal's floor >= 0.35 of bare Django", "ratio_to_bare", 0.35)
    names = list(load) or list(instructions)
    for name in names:
        if name in ("bare", "floor", "hr_bulk_upsert", "admin_attempts"):
            continue
        if name == "answer_save":
            check_ratio(name, "answer save >= 1/2 of the floor", "ratio_to_floor", 0.5)
        else:
            check_ratio(name, f"{name} throughput >= 1/3 of the floor", "ratio_to_floor", 1 / 3)
    if load:
        if "hr_certificates_last" in load:
            ratio = load["hr_certificates_last"]["p95_ms"] / load["hr_certificates"]["p95_ms"]
            check("HR list last page p95 <= 1.5 x first page p95", f"{ratio:.2f}", ratio <= 1.5)
        errors = sum(row["errors"] for row in load.values())
        check("no errors under load", str(errors), errors == 0)
    grading = report.get("grading")
    if grading:
        check(
            "grading >= 1/3 of the task floor",
            f"{grading['ratio_to_task_floor']:.2f}",
            grading["ratio_to_task_floor"] >= 1 / 3,
        )
    burst = report.get("burst")
    if burst:
        check("burst: no errors", str(burst["errors"]), burst["errors"] == 0 and burst["graded"] == burst["submits"])
        last = burst.get("last_graded_after_last_submit_s")
        check(
            "burst: all graded within 60 s of the last submit",
            f"{last:.1f} s" if last is not None else "not all graded",
            last is not None and last <= 60,
        )
        check("burst: submit p95 < 1.5 s", f"{burst['submit_p95_ms']:.0f} ms", burst["submit_p95_ms"] < 1500)
    for size, figures in report.get("recompute", {}).items():
        if figures.get("error") or figures.get("state") != "done":
            check(f"recomputation ({size}) finishes", f"{figures.get('state')}: {figures.get('error')}", False)
        check(
            f"recomputation ({size}) <= {RECOMPUTE_SECONDS} s",
            f"{figures['seconds']:.1f} s",
            figures["seconds"] <= RECOMPUTE_SECONDS,
        )
        check(
            f"recomputation ({size}) peak RSS < {RECOMPUTE_PEAK_MB} MB",
            f"{figures['peak_rss_mb']:.0f} MB",
            figures["peak_rss_mb"] < RECOMPUTE_PEAK_MB,
        )
    beat = report.get("beat", {})
    for size, jobs in beat.items():
        for job, figures in jobs.items():
            check(f"beat {job} ({size}) under 60 s", f"{figures['seconds']:.1f} s", figures["seconds"] < 60)
    if "full" in beat and "small" in beat:
        for job in beat["full"]:
            grow = beat["full"][job]["peak_rss_mb"] - beat["small"][job]["peak_rss_mb"]
            check(f"beat {job}: memory flat (full - small peak RSS)", f"{grow:+.0f} MB", grow < 50)
    queries = report.get("queries", {})
    if len(queries) == 2:
        sizes = list(queries)
        for name in queries[sizes[0]]:
            a, b = queries[sizes[0]][name], queries[sizes[1]].get(name)
            same = b is not None and a["counts"] == b["counts"] and len(set(a["counts"].values())) == 1
            check(
                f"queries of {name} equal at both sizes and page sizes",
                f"{a['counts']} / {b['counts'] if b else '-'}",
                same,
            )
    return checks


def recompute_markdown(recompute: dict) -> list[str]:
    """The recomputation of issue 18 per data set: the whole run, then each step."""
    lines = [
        f"Recomputation of the supervision figures (`supervision.services.do_recompute_nightly` in a fresh process; "
        f"targets on the full data set: at most {RECOMPUTE_SECONDS} s, peak RSS under {RECOMPUTE_PEAK_MB} MB):",
        "",
        "| data set | step | seconds | peak RSS MB after |",
        "|---|---|---:|---:|",
    ]
    for size, f in recompute.items():
        for step in f.get("steps", []):
            lines.append(f"| {size} | {step['step']} | {step['seconds']:.1f} | {step['peak_rss_mb']:.0f} |")
        outcome = f["state"] if not f.get("error") else f"{f['state']}: {f['error']}"
        lines.append(
            f"| {size} | **whole run** ({outcome}; baseline RSS {f['baseline_rss_mb']:.0f} MB) "
            f"| **{f['seconds']:.1f}** | **{f['peak_rss_mb']:.0f}** |"
        )
    lines.append("")
    # Where the time goes: the slowest statements of every step that took a tenth of its run or more.
    for size, f in recompute.items():
        for step in f.get("steps", []):
            if step["seconds"] >= f["seconds"] / 10 and step.get("slowest_statements"):
                shown = "; ".join(f"{s['seconds']:.1f} s `{s['sql'][:90]}…`" for s in step["slowest_statements"])
                lines.append(f"- {size}, {step['step']} ({step.get('statements', '?')} statements): {shown}")
    if lines[-1] != "":
        lines.append("")
    return lines


def markdown(report: dict) -> str:
    lines = [f"# Benchmark {report['started_at']} ({report['scale']} data set for the load)", ""]
    lines.append(f"Machine: {report['machine']['cpus']} cores, load average before {report['machine']['load_before']}, "
                 f"after {report['machine'].get('load_after')}; gunicorn {report['config']['web_workers']} workers, "
                 f"Celery worker concurrency {report['config']['worker_concurrency']}, "
                 f"wrk {report['config']['connections']} connections for {report['config']['seconds']} s "
                 "per endpoint.")  # fmt: skip
    lines.append("")
    instructions = report.get("instructions", {}).get("endpoints", {})
    if report.get("load") or instructions:
        if instructions:
            lines.append(
                f"Instructions per request: in-process under callgrind (`bench/instructions.py`), "
                f"{report['instructions']['measure']} requests counted per endpoint after a warm-up of at least "
                f"{report['instructions']['warmup']} in which each of them was sent once (the steady state wrk "
                "measures); their ratios are the floor's count over the endpoint's (like req/s: 0.5 means twice "
                "the floor's work)."
            )
            lines.append("")
        lines += ["| endpoint | req/s | p50 ms | p95 ms | errors | of bare Django | of the portal's floor "
                  "| M instructions | of bare Django | of the portal's floor | queries (small / full) | load avg |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]  # fmt: skip
        queries = report.get("queries", {})
        load = {row["endpoint"]: row for row in report.get("load", [])}
        labels = {name: label for name, label, _reqs in [BARE]}
        for name in load or instructions:
            row = load.get(name, {})
            ir = instructions.get(name)
            q = " / ".join(
                str(queries.get(size, {}).get(name, {}).get("counts", {}).get("5", "-")) for size in ("small", "full")
            )
            req = (
                f"{row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['errors']} "
                f"| {row['ratio_to_bare']:.2f} | {row['ratio_to_floor']:.2f}"
                if row
                else "- | - | - | - | - | -"
            )
            cost = (
                f"{ir['ir_per_request'] / 1e6:.2f} | {ir['ratio_to_bare']:.2f} | {ir['ratio_to_floor']:.2f}"
                if ir
                else "- | - | -"
            )
            label = row.get("label") or labels.get(name, name)
            lines.append(f"| {label} | {req} | {cost} | {q} | {row.get('load_avg_1m', '')} |")
        lines.append("")
    if report.get("queries"):
        lines += ["Queries per request (page or batch of 5 / 50 rows):", "",
                  "| endpoint | " + " | ".join(report["queries"]) + " |",
                  "|---|" + "---|" * len(report["queries"])]  # fmt: skip
        names = list(next(iter(report["queries"].values())))
        for name in names:
            cells = [
                " / ".join(str(v) for v in report["queries"][size].get(name, {}).get("counts", {}).values())
                for size in report["queries"]
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    if report.get("grading"):
        g = report["grading"]
        lines.append(f"Grading (50-question objective paper): {g['graded_per_s']:.1f} attempts/s; the same worker runs "
                     f"{g['task_floor_per_s']:.1f} no-op tasks/s; ratio {g['ratio_to_task_floor']:.2f} "
                     f"({g['graded']}/{g['attempts']} graded).")  # fmt: skip
        lines.append("")
    if report.get("burst"):
        b = report["burst"]
        lines.append(
            f"Exam-end burst: {b['submits']} submits within {b['spread_s']} s; errors {b['errors']}; submit p50 "
            f"{b['submit_p50_ms']:.0f} ms, p95 {b['submit_p95_ms']:.0f} ms; graded {b['graded']}; last graded "
            f"{b.get('last_graded_after_last_submit_s', float('nan')):.1f} s after the last submit; submit-to-graded "
            f"p50 {b.get('submit_to_graded_p50_s', float('nan')):.1f} s, "
            f"p95 {b.get('submit_to_graded_p95_s', float('nan')):.1f} s."
        )
        lines.append("")
    if report.get("beat"):
        lines += ["| beat job | data set | seconds | peak RSS MB | result |", "|---|---|---:|---:|---|"]
        for size, jobs in report["beat"].items():
            for job, f in jobs.items():
                lines.append(f"| {job} | {size} | {f['seconds']:.1f} | {f['peak_rss_mb']:.0f} | {f['result']} |")
        lines.append("")
    if report.get("recompute"):
        lines += recompute_markdown(report["recompute"])
    if report.get("checks"):
        lines += ["| target | figure | holds |", "|---|---|---|"]
        for c in report["checks"]:
            lines.append(f"| {c['target']} | {c['figure']} | {'yes' if c['ok'] else 'NO'} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="load on the small data set, short runs")
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "8")))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "20")))
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
    parser.add_argument("--worker-concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--burst-seconds", type=int, default=60)
    parser.add_argument("--sizes", default="small,full", help="data sets to make and measure")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated steps to skip: recompute,queries,beat,load,instructions,grading,burst",
    )
    parser.add_argument(
        "--instructions-warmup", type=int, default=None, help="requests per endpoint before counting (3; --quick 2)"
    )
    parser.add_argument(
        "--instructions-requests",
        type=int,
        default=None,
        help="requests per endpoint counted under callgrind (10; --quick 5)",
    )
    parser.add_argument("--data-only", action="store_true", help="make (or find) the data sets, then stop")
    parser.add_argument(
        "--endpoints",
        default="",
        help="comma-separated endpoint names: load and count only these (and the floors); the report is printed, "
        "not written to bench/results (e.g. --skip recompute,queries,beat,grading,burst --endpoints dashboard)",
    )
    parser.add_argument(
        "--exam-day", type=int, metavar="N", help="run only the exam day with N trainees (bench/examday.py)"
    )
    parser.add_argument("--exam-day-ramp", type=int, default=600, help="seconds over which they log in (600)")
    parser.add_argument("--exam-day-hold", type=int, default=120, help="seconds from the ramp's end to the exam's end")
    parser.add_argument("--exam-day-spread", type=int, default=60, help="they submit in the exam's last S seconds")
    args = parser.parse_args()
    if args.exam_day:
        exam_day(args)
        return
    skip = {s for s in args.skip.split(",") if s}
    if args.quick:
        args.seconds = min(args.seconds, 5)
    if args.instructions_warmup is None:
        args.instructions_warmup = 2 if args.quick else 3
    if args.instructions_requests is None:
        args.instructions_requests = 5 if args.quick else 10
    if shutil.which("valgrind") is None and not args.data_only and "instructions" not in skip:
        raise SystemExit("valgrind is missing: apt-get install valgrind (or --skip instructions)")
    if shutil.which("wrk") is None and not args.data_only and "load" not in skip:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it when run as root)")
    full_db = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    databases = {size: url for size, url in {"small": small_url(full_db), "full": full_db}.items()
                 if size in args.sizes.split(",")}  # fmt: skip
    started = time.monotonic()
    report: dict = {
        "started_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scale": "small" if args.quick else "full",
        "machine": {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()]},
        "config": {
            "instructions_warmup": args.instructions_warmup,
            "instructions_requests": args.instructions_requests,
            "web_workers": args.web_workers,
            "worker_concurrency": args.worker_concurrency,
            "connections": args.connections,
            "seconds": args.seconds,
        },
        "dataset_seconds": {},
    }
    for size, url in databases.items():
        env = service_env(url, redis_url)
        ensure_database(url, env)
        log(f"data set {size} in {urlsplit(url).path.lstrip('/')}")
        report["dataset_seconds"][size] = run_python("bench.dataset", env, size, timeout=3600)["seconds"]
    if args.data_only:
        log(f"data sets ready: {report['dataset_seconds']}")
        return
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    if "recompute" not in skip:  # before the queries and the load: the supervision pages read its figures
        report["recompute"] = {}
        for size, url in databases.items():
            log(f"recomputation of the supervision figures, {size} data set")
            figures = report["recompute"][size] = run_python(
                "bench.supervision", service_env(url, redis_url), "recompute"
            )
            log(f"  {figures['seconds']:.1f} s, peak RSS {figures['peak_rss_mb']:.0f} MB, {figures['state']}")
    if "queries" not in skip:
        report["queries"] = {}
        for size, url in databases.items():
            log(f"queries per request, {size} data set")
            report["queries"][size] = run_python("bench.queries", service_env(url, redis_url))
    if "beat" not in skip:
        report["beat"] = {}
        for size, url in databases.items():
            report["beat"][size] = {}
            for job in ("expire_lapsed", "daily_reminders"):
                log(f"beat {job}, {size} data set")
                report["beat"][size][job] = run_python("bench.beat", service_env(url, redis_url), job)
    load_env = service_env(databases[report["scale"]], redis_url)
    if not {"load", "instructions", "grading", "burst"} <= skip:
        services = Services(load_env, args.web_workers, args.worker_concurrency)
        try:
            plan = django_plan(load_env, services)
            if not {"load", "instructions"} <= skip:
                endpoints = checked_endpoints(services, plan, {e for e in args.endpoints.split(",") if e})
            if "load" not in skip:
                report["load"] = load_step(args, services, endpoints)
            if "instructions" not in skip:
                report["instructions"] = instructions_step(args, load_env, endpoints)
            if "grading" not in skip:
                report["grading"] = grading_step(load_env, plan, noop_count=2000)
            if "burst" not in skip:
                report["burst"] = burst_step(services, plan, seconds=args.burst_seconds)
        finally:
            services.stop()
    report["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    report["seconds"] = time.monotonic() - started
    report["checks"] = evaluate(report)
    text = markdown(report)
    print(text)
    if args.endpoints:
        log("some endpoints only (--endpoints): bench/results is left as it was")
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{report['scale']}-latest"
    (RESULTS / f"{stem}.md").write_text(text + "\n")
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    log(f"written bench/results/{stem}.md and .json ({report['seconds']:.0f} s in all)")
    latest = RESULTS / "examday-latest.md"
    if latest.exists():  # the exam day runs on its own (--exam-day N, about 12 minutes): its latest result
        print("\n" + latest.read_text())
        log(f"the exam day above is the latest committed result ({latest}); --exam-day N runs it again")


def exam_day(args: argparse.Namespace) -> None:
    """The national exam day of issue 20 (bench/examday.py), with the web and worker settings of this run."""
    from bench import examday

    examday.run(argparse.Namespace(
        users=args.exam_day, ramp=args.exam_day_ramp, hold=args.exam_day_hold, spread=args.exam_day_spread,
        web_workers=args.web_workers, worker_concurrency=args.worker_concurrency, grading_timeout=300,
        no_latest=False, no_collectstatic=False,
    ))  # fmt: skip


if __name__ == "__main__":
    main()
