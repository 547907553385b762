"""A national exam day on one machine: Locust's trainees against gunicorn and a real Celery worker.

``python -m bench.examday --users N [--ramp S] [--hold S] [--spread S]`` (``make bench BENCH_ARGS="--exam-day N"``
runs it too). Steps:

1. the exam-day data set in its own database (``bench/examday_data.py``: N trainees with an open sitting of
   the 50-question paper, made with set-based SQL);
2. gunicorn as the Procfile runs it (production settings, PostgreSQL, the cache and broker in Redis) and a
   Celery worker; the metrics folder shared as in production;
3. Locust headless and bounded (``-u N``, ``-t``): N trainees log in over ``--ramp`` seconds, open the paper,
   save an answer every 20-40 s, reload once, submit in the last ``--spread`` seconds of the exam
   (``--ramp + --hold`` seconds after the start) (``bench/examday_locust.py``);
4. ``/metrics`` read every 5 s during the run (grading lag, backlog, queue depth), then until the backlog is 0;
5. the figures against the targets (save p95 < 300 ms, page p95 < 1 s, no errors, every attempt graded
   within 60 s of the last submit), a plot of the percentiles and throughput over time, and the results in
   ``bench/results/examday-n<N>-ramp<S>s.{md,json,png}`` and ``examday-latest.*``.

Every process started here is stopped before it returns, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.run import PYTHON, RESULTS, ROOT, ensure_database, free_port, log, run_python, service_env

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bcm_examday"
DEFAULT_REDIS = "redis://127.0.0.1:6379/10"
SAVE = "answer save"
PAGES = ("login page", "dashboard", "my exams", "exam instructions", "paper", "paper (reload)", "result page")
SAVE_P95_MS, PAGE_P95_MS, GRADED_WITHIN_S = 300, 1000, 60


class ExamDayServices:
    """gunicorn (``--workers``, as the Procfile) and one Celery worker, each in its own process group."""

    def __init__(self, env: dict[str, str], web_workers: int, worker_concurrency: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logdir = Path(tempfile.mkdtemp(prefix="examday-"))
        bin_dir = Path(PYTHON).parent
        self.processes: list[subprocess.Popen] = []
        with open(self.logdir / "web.log", "w") as web_log:
            self.processes.append(subprocess.Popen(
                [str(bin_dir / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(web_workers)],
                cwd=ROOT, env=env, stdout=web_log, stderr=subprocess.STDOUT, start_new_session=True,
            ))  # fmt: skip
        with open(self.logdir / "worker.log", "w") as worker_log:
            self.processes.append(subprocess.Popen(
                [str(bin_dir / "celery"), "-A", "config", "worker", "--queues", "celery", "--loglevel", "WARNING",
                 "--concurrency", str(worker_concurrency), "-n", f"examday-{self.port}@%h"],
                cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True,
            ))  # fmt: skip
        self._wait()

    def _wait(self) -> None:
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"gunicorn did not start; see {self.logdir / 'web.log'}")

    def warm_up(self, requests_per_worker: int = 5) -> None:
        """A server that has been up: every gunicorn worker has loaded the app and compiled its templates."""
        import requests

        for _ in range(requests_per_worker * 4):
            requests.get(self.base + "/zh-hant/accounts/login/", timeout=60)
            requests.get(self.base + "/en/accounts/login/", timeout=60)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by gunicorn's and the worker's process trees."""
        return {name: tree_cpu_seconds(p.pid) for name, p in zip(("web", "worker"), self.processes, strict=True)}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def tree_cpu_seconds(pid: int) -> float:
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for process in [root, *root.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total
    except psutil.NoSuchProcess:
        return 0.0


def read_metrics(base: str) -> dict[str, float]:
    """The exam-day figures of ``/metrics`` (loopback may read it; MONITORING_TOKEN when set)."""
    import requests

    headers = {}
    if os.environ.get("MONITORING_TOKEN"):
        headers["Authorization"] = f"Bearer {os.environ['MONITORING_TOKEN']}"
    text = requests.get(base + "/metrics", headers=headers, timeout=30).text
    figures: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("bcm_grading_lag_seconds "):
            figures["lag_s"] = float(line.split()[1])
        elif line.startswith("bcm_grading_backlog "):
            figures["backlog"] = float(line.split()[1])
        elif line.startswith('bcm_celery_queue_depth{queue="celery"}'):
            figures["queue"] = float(line.split()[-1])
    return figures


class MetricsPoller(threading.Thread):
    def __init__(self, base: str, started: float, every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.base, self.started, self.every = base, started, every
        self.samples: list[dict] = []
        self.halt = threading.Event()
        self.locust_pid: int | None = None
        self.locust_cpu_s = 0.0

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                sample = read_metrics(self.base)
                sample["t"] = time.time() - self.started
                sample["load_1m"] = os.getloadavg()[0]
                if self.locust_pid:
                    self.locust_cpu_s = max(self.locust_cpu_s, tree_cpu_seconds(self.locust_pid))
                self.samples.append(sample)
            except Exception as error:  # a slow scrape under load is a figure too, not a reason to stop
                self.samples.append({"t": time.time() - self.started, "error": repr(error)})
            self.halt.wait(self.every)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]  # nearest rank


def summarise(rows: list[dict]) -> dict:
    by_name: dict[str, dict] = {}
    for name in sorted({r["name"] for r in rows}):
        ms = [r["ms"] for r in rows if r["name"] == name]
        by_name[name] = {
            "count": len(ms),
            "failures": sum(r["failed"] for r in rows if r["name"] == name),
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99),
            "max_ms": max(ms),
        }
    save = [r["ms"] for r in rows if r["name"] == SAVE]
    pages = [r["ms"] for r in rows if r["name"] in PAGES]
    return {
        "requests": by_name,
        "save_p50_ms": percentile(save, 50),
        "save_p95_ms": percentile(save, 95),
        "save_p99_ms": percentile(save, 99),
        "page_p50_ms": percentile(pages, 50),
        "page_p95_ms": percentile(pages, 95),
        "page_p99_ms": percentile(pages, 99),
        "errors": sum(r["failed"] for r in rows),
        "total_requests": len(rows),
    }


def grading_outcome(database_url: str, sitting: int) -> dict:
    import psycopg2

    connection = psycopg2.connect(database_url)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL), max(submitted_at),"
            " count(*) FILTER (WHERE state = 'graded'), count(*) FROM exams_attempt WHERE sitting_id = %s",
            (sitting,),
        )
        submitted, last_submit, graded, started = cursor.fetchone()
        cursor.execute(
            "SELECT max(r.graded_at), percentile_cont(0.95) WITHIN GROUP (ORDER BY"
            " extract(epoch FROM r.graded_at - a.submitted_at)) FROM exams_courseresult r"
            " JOIN exams_attempt a ON a.id = r.attempt_id WHERE a.sitting_id = %s",
            (sitting,),
        )
        last_graded, submit_to_graded_p95 = cursor.fetchone()
    connection.close()
    return {
        "attempts_started": started,
        "submitted": submitted,
        "graded": graded,
        "last_graded_after_last_submit_s": (last_graded - last_submit).total_seconds()
        if last_graded and last_submit and graded == submitted
        else None,
        "submit_to_graded_p95_s": submit_to_graded_p95,
    }


def plot(rows: list[dict], samples: list[dict], path: Path, title: str, marks: dict[str, float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    window = 10.0
    end = max((r["t"] for r in rows), default=0.0)
    edges = [i * window for i in range(int(end // window) + 1)]
    buckets: dict[str, list[list[float]]] = {"save": [[] for _ in edges], "page": [[] for _ in edges]}
    rate: dict[str, list[float]] = {k: [0.0] * len(edges) for k in ("answer saves", "pages", "log-ins", "submits")}
    for r in rows:
        i = min(len(edges) - 1, int(r["t"] // window))
        if r["name"] == SAVE:
            buckets["save"][i].append(r["ms"])
            rate["answer saves"][i] += 1 / window
        elif r["name"] in PAGES:
            buckets["page"][i].append(r["ms"])
            rate["pages"][i] += 1 / window
        elif r["name"].startswith("login ("):
            rate["log-ins"][i] += 1 / window
        elif r["name"].startswith("submit"):
            rate["submits"][i] += 1 / window
    minutes = [(e + window / 2) / 60 for e in edges]
    fig, axes = plt.subplots(4, 1, figsize=(11, 13), sharex=True)
    for ax, kind, target, label in (
        (axes[0], "save", SAVE_P95_MS, "answer save"),
        (axes[1], "page", PAGE_P95_MS, "pages (log-in page, dashboard, My exams, instructions, paper, reload, result)"),
    ):
        for p, style in ((50, "-"), (95, "-"), (99, ":")):
            ys = [percentile(b, p) if b else float("nan") for b in buckets[kind]]
            ax.plot(minutes, ys, style, label=f"p{p}")
        ax.axhline(target, color="red", linewidth=0.8, linestyle="--", label=f"p95 target {target} ms")
        ax.set_ylabel("ms (10-s windows)")
        ax.set_yscale("log")
        ax.set_title(label)
        ax.legend(loc="upper left", fontsize=8)
    for name, ys in rate.items():
        axes[2].plot(minutes, ys, label=name)
    axes[2].set_ylabel("requests/s")
    axes[2].set_title("throughput")
    axes[2].legend(loc="upper left", fontsize=8)
    ok = [s for s in samples if "error" not in s]
    axes[3].plot([s["t"] / 60 for s in ok], [s.get("backlog", 0) for s in ok], label="grading backlog (attempts)")
    axes[3].plot([s["t"] / 60 for s in ok], [s.get("queue", 0) for s in ok], label="Celery queue depth")
    axes[3].set_ylabel("count")
    twin = axes[3].twinx()
    twin.plot([s["t"] / 60 for s in ok], [s.get("lag_s", 0) for s in ok], color="black", linestyle="--",
              label="grading lag (s)")  # fmt: skip
    twin.set_ylabel("grading lag, s")
    axes[3].set_title("/metrics: grading backlog, queue depth and lag")
    axes[3].legend(loc="upper left", fontsize=8)
    twin.legend(loc="upper right", fontsize=8)
    axes[3].set_xlabel("minutes since the start")
    for ax in axes:
        for at in marks.values():
            ax.axvline(at / 60, color="grey", linewidth=0.7, linestyle=":")
        ax.grid(alpha=0.3)
    for label, at in marks.items():
        axes[0].annotate(label, (at / 60, 1), xycoords=("data", "axes fraction"), fontsize=7, rotation=90,
                         va="top", ha="right", color="grey")  # fmt: skip
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def markdown(report: dict) -> str:
    r, g = report["figures"], report["grading"]
    c = report["config"]
    drained = report["backlog_zero_after_last_submit_s"]
    lines = [
        f"# Exam day: {c['users']} trainees, ramp {c['ramp_s']} s ({report['started_at']})",
        "",
        f"Command: `{report['command']}`",
        "",
        f"Machine: {report['machine']['cpus']} cores (Locust, gunicorn, the worker, PostgreSQL and Redis on it), "
        f"load average before {report['machine']['load_before']}, peak during the run "
        f"{report['machine']['load_peak']:.1f}; gunicorn {c['web_workers']} workers, Celery worker concurrency "
        f"{c['worker_concurrency']}. CPU seconds used during the run: {report.get('cpu_seconds')} (PostgreSQL's "
        f"and Redis's not counted). The exam ends {c['ramp_s'] + c['hold_s']} s after the start; trainees submit "
        f"in its last {c['spread_s']} s.",
        "",
        f"![percentiles and throughput over time]({report['plot']})",
        "",
        "| target | figure | holds |",
        "|---|---|---|",
    ]
    for check in report["checks"]:
        lines.append(f"| {check['target']} | {check['figure']} | {'yes' if check['ok'] else 'NO'} |")
    lines += [
        "",
        f"Grading (database): {g['attempts_started']} attempts started, {g['submitted']} submitted, {g['graded']} "
        f"graded; submit-to-graded p95 {g['submit_to_graded_p95_s'] or float('nan'):.1f} s. From /metrics: the "
        f"highest grading lag seen {report['metrics_max_lag_s']:.1f} s, the highest backlog "
        f"{report['metrics_max_backlog']:.0f}; "
        + (
            f"the backlog was 0 {drained} s after the last submit."
            if drained is not None
            else "the backlog was never seen at 0 after the last submit."
        ),
        "",
        "| request | count | failures | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in r["requests"].items():
        lines.append(
            f"| {name} | {f['count']} | {f['failures']} | {f['p50_ms']:.0f} | {f['p95_ms']:.0f} | {f['p99_ms']:.0f} "
            f"| {f['max_ms']:.0f} |"
        )
    if report.get("cpu_per_trainee_s"):
        lines += [
            "",
            f"CPU per trainee (gunicorn and the worker, over {c['users']} log-ins): {report['cpu_per_trainee_s']} s; "
            f"so {report['machine']['cpus']} idle cores could take at most {report['cores_bound_n']} trainees over "
            f"a {c['ramp_s']} s ramp, with nothing left for PostgreSQL, Redis or Locust.",
        ]
    if report.get("failure_samples"):
        lines += ["", "Failures (first ones): " + "; ".join(report["failure_samples"])]
    lines.append("")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> dict:
    database_url = os.environ.get("BENCH_EXAMDAY_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    if args.spread > args.hold:
        raise SystemExit("--spread must not exceed --hold (the last trainee logs in at the end of the ramp)")
    env = service_env(database_url, redis_url)
    metrics_dir = Path(tempfile.mkdtemp(prefix="examday-metrics-"))
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    ensure_database(database_url, env)
    log(f"exam-day data set: {args.users} trainees in {urlsplit(database_url).path.lstrip('/')}")
    data = run_python("bench.examday_data", env, str(args.users))
    if not args.no_collectstatic:
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # no queue, session or cache left from an earlier run
    report: dict = {
        "started_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": _command(),
        "machine": {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()]},
        "config": {"users": args.users, "ramp_s": args.ramp, "hold_s": args.hold, "spread_s": args.spread,
                   "web_workers": args.web_workers, "worker_concurrency": args.worker_concurrency},
        "dataset_seconds": data["seconds"],
    }  # fmt: skip
    services = ExamDayServices(env, args.web_workers, args.worker_concurrency)
    services.warm_up()
    workdir = services.logdir
    record = workdir / "requests.csv"
    run_time = args.ramp + args.hold + 20
    locust_env = {
        **env, "EXAMDAY_SITTING": str(data["sitting"]), "EXAMDAY_RAMP": str(args.ramp),
        "EXAMDAY_HOLD": str(args.hold), "EXAMDAY_SPREAD": str(args.spread), "EXAMDAY_RECORD": str(record),
    }  # fmt: skip
    locust = None
    poller = None
    try:
        started = time.time()
        poller = MetricsPoller(services.base, started)
        poller.start()
        log(f"locust: {args.users} trainees over {args.ramp} s, exam ends at {args.ramp + args.hold} s, "
            f"run bounded to {run_time} s (logs in {workdir})")  # fmt: skip
        with open(workdir / "locust.log", "w") as locust_log:
            locust = subprocess.Popen(
                [str(Path(PYTHON).parent / "locust"), "-f", str(ROOT / "bench" / "examday_locust.py"), "--headless",
                 "--users", str(args.users), "--spawn-rate", f"{args.users / max(1, args.ramp):.4f}",
                 "--run-time", f"{run_time}s", "--stop-timeout", "5", "--host", services.base, "--only-summary",
                 "--exit-code-on-error", "0", "--loglevel", "WARNING"],
                cwd=ROOT, env=locust_env, stdout=locust_log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            poller.locust_pid = locust.pid
            cpu_before = services.cpu_seconds()
            locust.wait(timeout=run_time + 120)
        log("locust done; waiting for the grading backlog to drain")
        deadline = time.monotonic() + args.grading_timeout
        while time.monotonic() < deadline:
            last = poller.samples[-1] if poller.samples else {}
            if last.get("backlog") == 0 and last.get("queue", 0) == 0 and len(poller.samples) > 1:
                break
            time.sleep(2)
        poller.halt.set()
        poller.join(timeout=40)
        cpu_after = services.cpu_seconds()
        report["cpu_seconds"] = {name: round(cpu_after[name] - cpu_before[name], 1) for name in cpu_after}
        report["cpu_seconds"]["locust"] = round(poller.locust_cpu_s, 1)
    finally:
        if poller is not None:
            poller.halt.set()
        if locust is not None and locust.poll() is None:
            os.killpg(locust.pid, signal.SIGTERM)
            try:
                locust.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(locust.pid, signal.SIGKILL)
        services.stop()
        shutil.rmtree(metrics_dir, ignore_errors=True)
    rows = []
    with open(record) as f:
        for row in csv.DictReader(f):
            rows.append({"t": float(row["t"]), "name": row["name"], "ms": float(row["ms"]),
                         "failed": 1 if row["failure"] else 0, "failure": row["failure"]})  # fmt: skip
    figures = summarise(rows)
    grading = grading_outcome(database_url, data["sitting"])
    samples = poller.samples
    submits = [r["t"] for r in rows if r["name"].startswith("submit")]
    last_submit = max(submits) if submits else None
    zero_after = None
    if last_submit is not None:
        after = [s for s in samples if s["t"] >= last_submit and s.get("backlog") == 0]
        zero_after = round(after[0]["t"] - last_submit, 1) if after else None
    good = [s for s in samples if "error" not in s]
    report.update(
        figures=figures,
        grading=grading,
        metrics_samples=samples,
        metrics_max_lag_s=max((s.get("lag_s", 0) for s in good), default=0.0),
        metrics_max_backlog=max((s.get("backlog", 0) for s in good), default=0.0),
        metrics_scrape_errors=len(samples) - len(good),
        backlog_zero_after_last_submit_s=zero_after,
    )
    report["machine"]["load_peak"] = max((s.get("load_1m", 0) for s in good), default=0.0)
    failures: dict[str, int] = {}
    for r in rows:
        if r["failure"]:
            key = f"{r['name']}: {r['failure'][:100]}"
            failures[key] = failures.get(key, 0) + 1
    report["failure_samples"] = [f"{count} x {key}" for key, count in sorted(failures.items(), key=lambda x: -x[1])][:6]
    last = grading["last_graded_after_last_submit_s"]
    report["checks"] = [
        {"target": f"answer save p95 < {SAVE_P95_MS} ms", "figure": f"{figures['save_p95_ms']:.0f} ms",
         "ok": figures["save_p95_ms"] < SAVE_P95_MS},
        {"target": f"page p95 < {PAGE_P95_MS} ms", "figure": f"{figures['page_p95_ms']:.0f} ms",
         "ok": figures["page_p95_ms"] < PAGE_P95_MS},
        {"target": "no errors", "figure": f"{figures['errors']} of {figures['total_requests']} requests",
         "ok": figures["errors"] == 0},
        {"target": f"every trainee submitted ({args.users})", "figure": str(grading["submitted"]),
         "ok": grading["submitted"] == args.users},
        {"target": f"every attempt graded within {GRADED_WITHIN_S} s of the last submit",
         "figure": f"{last:.1f} s" if last is not None else f"{grading['graded']} of {grading['submitted']} graded",
         "ok": last is not None and last <= GRADED_WITHIN_S},
    ]  # fmt: skip
    report["holds"] = all(c["ok"] for c in report["checks"])
    logins = figures["requests"].get("login (password)", {}).get("count", 0)
    cpu = report.get("cpu_seconds")
    if cpu and grading["submitted"]:
        # What one trainee's whole exam costs gunicorn and the worker, and so how many the machine's cores
        # could take over the ramp with nothing else running (PostgreSQL, Redis and Locust need their share).
        per_trainee = (cpu["web"] + cpu["worker"]) / max(logins, 1)
        report["cpu_per_trainee_s"] = round(per_trainee, 3)
        report["cores_bound_n"] = int((os.cpu_count() or 2) * args.ramp / per_trainee) if per_trainee else None
    stem = f"examday-n{args.users}-ramp{args.ramp}s"
    report["plot"] = f"{stem}.png"
    RESULTS.mkdir(parents=True, exist_ok=True)
    marks = {"ramp ends": args.ramp, "exam ends": args.ramp + args.hold}
    plot(rows, samples, RESULTS / f"{stem}.png", f"Exam day: {args.users} trainees, ramp {args.ramp} s", marks)
    text = markdown(report)
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    if not args.no_latest:
        (RESULTS / "examday-latest.md").write_text(text)
    print(text)
    log(f"written bench/results/{stem}.md, .json and .png; {'holds' if report['holds'] else 'does NOT hold'}")
    return report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ramp", type=int, default=600, help="seconds over which the trainees log in")
    parser.add_argument("--hold", type=int, default=120, help="seconds from the end of the ramp to the exam's end")
    parser.add_argument("--spread", type=int, default=60, help="the trainees submit in the exam's last S seconds")
    parser.add_argument("--grading-timeout", type=int, default=300, help="seconds to wait for the last grade")
    parser.add_argument("--no-latest", action="store_true", help="do not replace examday-latest.md")
    parser.add_argument("--no-collectstatic", action="store_true", help="the static files are collected already")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, required=True, help="trainees (N)")
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
    parser.add_argument("--worker-concurrency", type=int, default=os.cpu_count() or 2)
    add_arguments(parser)
    report = run(parser.parse_args())
    raise SystemExit(0 if report["holds"] else 1)


if __name__ == "__main__":
    main()


def _command() -> str:
    """How this run was started: ``bench.examday`` itself, or ``bench.run --exam-day N`` (make bench)."""
    main_spec = getattr(sys.modules["__main__"], "__spec__", None)
    module = main_spec.name if main_spec is not None else "bench.examday"
    return f"python -m {module} " + " ".join(sys.argv[1:])
