"""Shared fixtures: eager Celery for unit tests, a real worker process for the tests that ask."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from kombu import pools as kombu_pools
from django.conf import settings
from django.db import connection

from config.celery_app import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def service_missing(reason: str) -> None:
    """Skip on a developer's machine; under CI a missing service fails the run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is a failure)")
    pytest.skip(reason)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def eager_celery(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unit tests run tasks in-process; tests marked ``worker`` get the real thing."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch):
    """No test asks real DNS: outbound URLs resolve through tests/fake_dns.py (public unless mapped)."""
    from accounts import outbound
    from tests.fake_dns import FakeDns

    fake = FakeDns()
    monkeypatch.setattr(outbound, "resolve", fake)
    return fake


@pytest.fixture
def postgres_only() -> None:
    if not is_postgres():
        pytest.skip("needs PostgreSQL; runs in the PostgreSQL pass of .ci/run (DATABASE_URL=postgres://…)")


def _reset_celery_connections() -> None:
    """Make the test process's Celery client reconnect with the current configuration."""
    kombu_pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local = threading.local()


def _database_url_for_worker() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[subprocess.Popen]:
    """A real ``celery worker`` process on the test database and a broker of its own.

    Redis when ``CELERY_BROKER_URL`` says so (CI), else kombu's filesystem transport in a
    temporary folder, so a running `make run` worker never steals the test's tasks.
    """
    with celery_worker_process() as process:
        yield process


@contextmanager
def celery_worker_process(extra_env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Start the worker of ``celery_worker``; the browser suite keeps one for its whole session.

    The test database must exist already; ``extra_env`` reaches only the worker process.
    """
    env = {**os.environ, "DATABASE_URL": _database_url_for_worker(), "DJANGO_DEBUG": "true", **(extra_env or {})}
    saved_conf = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport_options", "result_backend")
    }
    folder = Path(tempfile.mkdtemp(prefix="bcm-broker-"))
    if settings.CELERY_BROKER_URL.startswith("redis"):
        if not redis_reachable(settings.CELERY_BROKER_URL):
            service_missing(f"Redis at {settings.CELERY_BROKER_URL} is not reachable")
        celery_app.control.purge()
    else:
        env["CELERY_FILESYSTEM_BROKER_DIR"] = str(folder)
        queue = str(folder / "queue")
        for sub in ("queue", "processed", "results", "control"):
            (folder / sub).mkdir()
        celery_app.conf.broker_transport_options = {
            "data_folder_in": queue,
            "data_folder_out": queue,
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
        celery_app.conf.result_backend = f"file://{folder / 'results'}"
    _reset_celery_connections()
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", "celery,webhooks", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for key, value in saved_conf.items():
            celery_app.conf[key] = value
        _reset_celery_connections()
        shutil.rmtree(folder, ignore_errors=True)


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# Staff log in with a second factor (accounts.second_factor). Tests that log people in with
# ``client.force_login`` are about something else: for a staff person the login also gives them a
# confirmed authenticator (this key) and marks the session as verified by it, as the code page would.
TEST_TOTP_SECRET = "BCMTESTSTAFFTOTPSECRETAAAAAAAAAA"
_force_login_without_second_factor = None


def _force_login_with_second_factor(self, user, backend=None):
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.second_factor import services as second_factor

    _force_login_without_second_factor(self, user, backend)
    if second_factor.needs_second_factor(user):
        device = second_factor.authenticator_of(user) or second_factor.do_set_authenticator(
            user=user, secret=TEST_TOTP_SECRET
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def staff_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Client.force_login`` of a staff person gives a session verified by a second factor."""
    global _force_login_without_second_factor
    from django.test import Client

    if _force_login_without_second_factor is None:
        _force_login_without_second_factor = Client.force_login
    monkeypatch.setattr(Client, "force_login", _force_login_with_second_factor)


@pytest.fixture
def real_second_factor(staff_second_factor: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """``force_login`` as Django has it: a staff person's session still needs the second step."""
    from django.test import Client

    monkeypatch.setattr(Client, "force_login", _force_login_without_second_factor)
