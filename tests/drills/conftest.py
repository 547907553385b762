"""Fault drills: real Celery workers, a private Redis (and PostgreSQL) that the drill may kill.

The drills never touch the shared servers: Redis is a ``redis-server`` of the drill's own on a free
port; the PostgreSQL drill makes a throw-away cluster as the ``postgres`` OS user. They run in the
PostgreSQL pass of ``.ci/run`` (on SQLite they skip; under CI=true a missing service fails).
"""

from __future__ import annotations

import asyncio
import contextlib
import email
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
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from config.celery_app import app as celery_app
from tests.conftest import BASE_DIR, _database_url_for_worker, _reset_celery_connections, service_missing

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Drills need PostgreSQL (the SQLite pass skips them, before any database set-up) and redis-server."""
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("fault drills run in the PostgreSQL pass of .ci/run (DATABASE_URL=postgres://…)")
    if not os.path.exists(REDIS_SERVER):
        service_missing("redis-server is not installed: the fault drills start a private one")


class PrivateRedis:
    """A ``redis-server`` of the drill's own, without persistence: a kill loses what it held."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not port_open(self.port):
            assert time.monotonic() < deadline, "the private redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.kill()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def drill_broker(private_redis: PrivateRedis, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    """Point this test process's Celery client at the private Redis (restored afterwards)."""
    # Celery reads CELERY_BROKER_URL from the environment before its configuration (.ci/run sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", private_redis.url)
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options", "result_backend")}
    celery_app.conf.broker_url = private_redis.url
    celery_app.conf.result_backend = private_redis.url
    celery_app.conf.broker_transport_options = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
    _reset_celery_connections()
    assert celery_app.connection_for_write().as_uri().endswith(f":{private_redis.port}/0")
    try:
        yield private_redis
    finally:
        for key, value in saved.items():
            celery_app.conf[key] = value
        _reset_celery_connections()


class CeleryProcess:
    """``celery worker`` or ``celery beat`` in its own process group, so a kill takes its children too."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        # The process keeps its own copy of the log's descriptor; ours closes once it started.
        with tempfile.NamedTemporaryFile(prefix="bcm-drill-", suffix=".log", delete=False) as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *args],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.log_path = Path(log.name)

    def kill(self) -> None:
        """``kill -9`` the main process and every child (one process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        else:
            with contextlib.suppress(ProcessLookupError):  # children of a main process that died already
                os.killpg(self.process.pid, signal.SIGKILL)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]


@pytest.fixture
def celery_processes(transactional_db: None, drill_broker: PrivateRedis, smtp_sink: SmtpSink) -> Iterator:
    """Start workers and beat on the test database, the private Redis and the SMTP sink."""
    started: list[CeleryProcess] = []

    def start(kind: str = "worker", *, queues: str = "celery,webhooks", pool: str = "prefork", concurrency: int = 2,
              **extra_env: str) -> CeleryProcess:  # fmt: skip
        env = {
            **os.environ,
            "DATABASE_URL": _database_url_for_worker(),
            "DJANGO_DEBUG": "true",
            "CELERY_BROKER_URL": drill_broker.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
            **{k: str(v) for k, v in extra_env.items()},
        }
        if kind == "beat":
            args = ["beat", "--loglevel", "INFO", "--max-interval", "1", "--pidfile", "",
                    "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]  # fmt: skip
        else:
            args = ["worker", "--pool", pool, "--concurrency", str(concurrency), "--queues", queues,
                    "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "--hostname", f"drill{len(started)}@%h"]  # fmt: skip
        process = CeleryProcess(args, env)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()


# --- a local SMTP server --------------------------------------------------------------------


@dataclass
class SmtpSink:
    """aiosmtpd on a free port. While ``down``, it answers 421 to every recipient (and notes when and whom)."""

    port: int = 0
    down: bool = False
    messages: list[email.message.Message] = field(default_factory=list)
    refused: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.down:
            with self.lock:
                self.refused.append((time.monotonic(), address))
            return "421 4.3.2 Service not available, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def refused_at(self, recipients: set[str]) -> list[float]:
        """When a message to one of ``recipients`` was refused."""
        with self.lock:
            return [at for at, to in self.refused if to in recipients]

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def received(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every message accepted."""
        from email.header import decode_header, make_header

        with self.lock:
            return [(m["To"], str(make_header(decode_header(m["Subject"])))) for m in self.messages]


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, ready_timeout=10, server_hostname="sink.drill")
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
        asyncio.set_event_loop(None)


# --- a webhook receiver ---------------------------------------------------------------------


class WebhookReceiver:
    """An employer's server: ``up`` answers 204, ``hang`` never answers, ``down`` refuses connections."""

    def __init__(self) -> None:
        import http.server

        receiver = self
        self.mode = "up"
        self.lock = threading.Lock()
        self.delivered: list[dict] = []  # processed, complete requests only: headers, body
        self.tried_at: dict[str, list[float]] = {}  # Webhook-Id -> times of every request that reached us
        self.release = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.tried_at.setdefault(self.headers["Webhook-Id"], []).append(time.monotonic())
                    mode = receiver.mode
                if len(body) != length:
                    # The sender died mid-request (a killed worker): a server acts on nothing it did not receive.
                    self.send_error(400, "Truncated body")
                    return
                if mode == "hang":
                    receiver.release.wait(60)  # never answers in time; the sender gives up
                    return
                with receiver.lock:
                    receiver.delivered.append({"headers": dict(self.headers), "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def go_down(self) -> None:
        """Stop listening: connections are refused."""
        self.mode = "down"
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def come_up(self) -> None:
        import http.server

        if self.mode == "down":
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self.server.RequestHandlerClass)
            self.server.daemon_threads = True
            self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
            self.thread.start()
        self.mode = "up"

    def close(self) -> None:
        self.release.set()
        if self.mode != "down":
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.close()


def wait_for(predicate, timeout: float, interval: float = 0.5, what: str = "", logs: tuple = ()) -> float:
    """Wait until ``predicate()``; return the seconds it took, or fail naming ``what`` (with the logs)."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            tails = "\n".join(f"--- {p.process.args[4:6]}:\n{p.output()}" for p in logs)
            pytest.fail(f"not within {timeout:.0f} s: {what() if callable(what) else what}\n{tails}")
        time.sleep(interval)
    return time.monotonic() - start
