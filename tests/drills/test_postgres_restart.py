"""Drill: PostgreSQL restarts (an immediate stop, as in a crash) during a burst of answer saves.

A throw-away cluster of the drill's own (never the shared server) behind a real gunicorn. Saves in
flight get a friendly 503 (JSON with a message in the trainee's language, no traceback); retrying
as the exam page does saves them; every answer saved before the restart is still there.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg2
import pytest
import requests

from tests.conftest import BASE_DIR, service_missing
from tests.test_settings import PRODUCTION

from .conftest import free_port, port_open

pytestmark = [pytest.mark.drill]

TRAINEES = 8
SETUP = """
import json
from django.test import Client
from exams.services import attempts
from tests.exams.conftest import approve, make_paper, open_sitting
from tests.factories import CohortFactory, InstitutionFactory, UserFactory
cohort = CohortFactory(institution=InstitutionFactory(), capacity=50)
course = cohort.curriculum.entries.select_related("course").first().course
paper = make_paper(course, per_row=3)
sitting = open_sitting(paper, cohort)
out = []
for i in range(%d):
    trainee = UserFactory(preferred_language="en")
    approve(trainee, cohort)
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
    client = Client()
    client.force_login(trainee)
    out.append({"attempt": attempt.pk, "session": client.cookies["sessionid"].value,
                "positions": sorted(attempt.items.values_list("position", flat=True))})
print("SETUP" + json.dumps(out))
"""


class Cluster:
    """``initdb`` into a temporary folder and ``pg_ctl`` it, as the ``postgres`` OS user when root."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            service_missing("PostgreSQL's initdb is not installed: the restart drill makes a private cluster")
        self.bin = Path(found[-1]).parent
        self.folder = Path(tempfile.mkdtemp(prefix="bcm-pgdrill-"))
        self.port = free_port()
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(self.folder, "postgres")

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.folder / "data"), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale", "C")  # fmt: skip
        self.start()

    def start(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w",
                 "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    if not shutil.which("runuser") and os.geteuid() == 0:
        service_missing("runuser is missing")
    c = Cluster()
    c.init()
    try:
        yield c
    finally:
        c.remove()


def test_answer_saves_survive_a_postgres_restart(cluster):
    url = f"postgres://postgres@127.0.0.1:{cluster.port}/postgres"
    # One secret key for the set-up and the server: the log-in sessions are signed with it.
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "true", "DATABASE_CONN_MAX_AGE": "60",
           "CELERY_TASK_ALWAYS_EAGER": "true", "PYTHONUNBUFFERED": "1",
           "DJANGO_SECRET_KEY": "drill-" + "x" * 50}  # fmt: skip
    env.pop("CELERY_BROKER_URL", None)
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=BASE_DIR, env=env,
                             capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    setup = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP % TRAINEES], cwd=BASE_DIR, env=env,
                           capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert setup.returncode == 0, setup.stderr[-3000:]
    trainees = json.loads(setup.stdout.split("SETUP", 1)[1])
    port = free_port()
    # Production settings (DEBUG off), plain HTTP on the loopback.
    production = {**env, "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                  "DJANGO_SECURE_SSL_REDIRECT": "false", "SITE_URL": "http://127.0.0.1",
                  "CREDENTIAL_SIGNING_KEYS": PRODUCTION["CREDENTIAL_SIGNING_KEYS"]}  # fmt: skip
    # gunicorn keeps its own copy of the log's descriptor; ours closes once it started.
    with tempfile.NamedTemporaryFile(prefix="bcm-gunicorn-", suffix=".log", delete=False) as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            env=production,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while not port_open(port):
            assert time.monotonic() < deadline and server.poll() is None, Path(log.name).read_text()[-3000:]
            time.sleep(0.2)
        _drill(f"http://127.0.0.1:{port}", trainees, cluster)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _drill(site: str, trainees: list[dict], cluster: Cluster) -> None:
    lock = threading.Lock()
    refused: list[tuple[int, str, str]] = []  # every answer that was not 200: status, content type, body
    broken: list[str] = []  # no HTTP answer at all
    last: dict[tuple[int, int], int] = {}
    restart_done = threading.Event()

    def session(trainee: dict) -> requests.Session:
        # The cookies are Secure in production; over the drill's plain HTTP they are set by hand. The
        # CSRF secret is the browser's to choose (Django accepts it unmasked in the header).
        token = secrets.token_hex(16)
        s = requests.Session()
        s.cookies.set("sessionid", trainee["session"])
        s.cookies.set("csrftoken", token)
        s.headers.update({"X-CSRFToken": token, "Accept": "application/json"})
        return s

    def save(s: requests.Session, trainee: dict, position: int, choice: int) -> None:
        """What attempt.js does: send; on a 5xx or no answer, wait and send again until saved (the rule of
        ``static/exams/attempt.js``: 4xx other than 403/429 is final, anything else is retried)."""
        while True:
            try:
                r = s.post(f"{site}/en/exams/attempts/{trainee['attempt']}/answer/", timeout=30, allow_redirects=False,
                           data=json.dumps({"question": position, "choices": [choice]}),
                           headers={"Content-Type": "application/json"})  # fmt: skip
            except requests.RequestException as exc:
                with lock:
                    broken.append(repr(exc))
                time.sleep(0.5)
                continue
            if r.status_code == 200:
                with lock:
                    last[(trainee["attempt"], position)] = choice
                return
            with lock:
                refused.append((r.status_code, r.headers.get("Content-Type", ""), r.text))
            if r.status_code not in (500, 502, 503, 504):  # the page would give up on this answer
                return
            time.sleep(0.5)

    sessions = [session(t) for t in trainees]
    # Saved before the restart: the first three questions of everyone.
    for s, t in zip(sessions, trainees, strict=True):
        for position in t["positions"][:3]:
            save(s, t, position, 1)
    before = dict(last)

    def burst(s: requests.Session, t: dict) -> None:
        n = 0
        while not restart_done.is_set() or n < 6:
            for position in t["positions"][3:]:
                save(s, t, position, n % 2)
            n += 1

    threads = [threading.Thread(target=burst, args=(s, t)) for s, t in zip(sessions, trainees, strict=True)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    cluster.stop("immediate")  # like a crash: no shutdown checkpoint, recovery from the WAL
    time.sleep(3)
    cluster.start()
    restart_done.set()
    for thread in threads:
        thread.join(timeout=120)

    assert refused, "no save was in flight during the restart"
    assert broken == [], broken[:3]
    for status, content_type, body in refused:
        assert status == 503 and content_type == "application/json", (status, body[:500])
        data = json.loads(body)
        assert data["code"] == "unavailable" and "Nothing you saved is lost" in data["error"]
        assert "Traceback" not in body and "OperationalError" not in body
    with psycopg2.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres") as db:
        cursor = db.cursor()
        cursor.execute(
            "SELECT attempt_id, position, answer FROM exams_attemptquestion WHERE attempt_id = ANY(%s)",
            ([t["attempt"] for t in trainees],),
        )
        stored = {(a, p): answer for a, p, answer in cursor.fetchall()}
    options = {}
    with psycopg2.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres") as db:
        cursor = db.cursor()
        cursor.execute("SELECT attempt_id, position, option_order FROM exams_attemptquestion")
        options = {(a, p): order for a, p, order in cursor.fetchall()}
    for key, choice in last.items():
        assert stored[key] == [options[key][choice]], key  # the last answer sent is the one kept
    assert all(stored[key] == [options[key][1]] for key in before)  # saved before the restart: still there
    print(f"\npostgres drill: {len(refused)} saves answered 503 during the restart, all saved on retry; "
          f"{len(last)} answers kept")  # fmt: skip
