"""Fixtures for the browser suite: a live server, one real Celery worker and one Chromium per session.

Every test that takes ``page`` runs four times: zh-Hant and English, on a phone-sized and a
desktop-sized window. Screenshots go to ``var/screenshots/<run>/``; the run prints the folder.
"""

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import connections
from django.test import override_settings

from accounts.tasks import ping
from tests.browser.support import Services, Site
from tests.conftest import BASE_DIR, celery_worker_process, service_missing

CHROMIUM = Path(os.environ.get("BCM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LANGUAGES = ["zh-hant", "en"]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}
SCREENSHOT_ROOT = BASE_DIR / "var" / "screenshots"
RUN_NAME = datetime.now().strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
SCREENSHOT_DIR = SCREENSHOT_ROOT / RUN_NAME
# Playwright's default of 30 s hides a hung page for too long; a worker task gets longer below.
TIMEOUT_MS = 15_000


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOT_DIR.exists():
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"Screenshots of this run: {SCREENSHOT_DIR}")


# ---------------------------------------------------------------- the server side


@pytest.fixture(autouse=True)
def fast_password_hashing() -> None:
    """Off here (tests/conftest.py turns it on elsewhere): people log in as in production, with its hasher."""


@pytest.fixture(scope="package", autouse=True)
def migrated_database(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Enter the browser tests with empty tables and leave them as migrations left them.

    A transactional test elsewhere that did not ask for serialized rollback leaves groups and
    permissions re-created with new ids, which the serialized restore of our first test would
    collide with. Emptying the tables without post-migrate handlers avoids that; on the way out
    the migrated state (catalog, groups) is loaded back for the tests that follow.
    """
    from django.core.management import call_command

    def empty() -> dict[str, str]:
        contents = {}
        for alias in connections:
            contents[alias] = getattr(connections[alias], "_test_serialized_contents", "")
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=alias,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
        return contents

    with django_db_blocker.unblock():
        snapshot = empty()
    yield
    with django_db_blocker.unblock():
        empty()
        for alias, contents in snapshot.items():
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="package")
def browser_services(django_db_setup: None, django_db_blocker: Any) -> Iterator[Services]:
    """One real worker for all the browser tests, writing mail and media to a folder of its own.

    The live server runs in this process, so it is pointed at the same media folder: a file the
    worker makes (a certificate PDF) is one the server can serve.
    """
    folder = Path(tempfile.mkdtemp(prefix="bcm-browser-"))
    (folder / "media").mkdir()
    with django_db_blocker.unblock(), celery_worker_process({"DJANGO_VAR_DIR": str(folder)}) as worker:
        # A round trip first: a worker that cannot start says so here, not as a missing e-mail later.
        try:
            assert ping.delay("ready").get(timeout=90) == "ready"
        except Exception as exc:
            raise AssertionError(f"the Celery worker did not answer (exit code {worker.poll()}): {exc!r}") from exc
        with override_settings(MEDIA_ROOT=str(folder / "media")):
            yield Services(folder=folder, worker=worker)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def site(live_server: Any, browser_services: Services, settings: Any) -> Iterator["Site"]:
    """The live server's address (also the ``SITE_URL`` the pages' mails link to) and the worker's outbox, with
    nothing left from the last test."""
    settings.SITE_URL = live_server.url
    mail.outbox.clear()
    for old in browser_services.mail_dir.glob("*"):
        old.unlink()
    yield Site(url=live_server.url, services=browser_services)
    assert browser_services.worker.poll() is None, "the Celery worker died during the test"


# ---------------------------------------------------------------- the browser side


@pytest.fixture(scope="package")
def chromium(django_db_setup: None) -> Iterator[Any]:
    """Debian's Chromium, launched once for all the browser tests; each test gets its own context."""
    if not CHROMIUM.exists():
        service_missing(f"{CHROMIUM} is missing (apt-get install chromium; make test installs it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_missing("the playwright package is missing (pip install -r requirements-dev.txt)")
    # Playwright's sync API keeps an event loop in this thread, and Django refuses the ORM where it
    # sees one. The tests are synchronous code all the same, so the check is lifted while the browser runs.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Starting Playwright leaves this thread with fresh database wrappers (Django keeps them in a
    # context variable), which would forget the catalog that serialized rollback restores.
    serialized = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            yield browser
            browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def context(chromium: Any, lang: str, viewport: str) -> Iterator[Any]:
    phone = viewport == "phone"
    ctx = chromium.new_context(
        viewport=VIEWPORTS[viewport],
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
        locale="zh-TW" if lang == "zh-hant" else "en-GB",
        timezone_id="Asia/Taipei",
        accept_downloads=True,
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[Any]:
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(request: pytest.FixtureRequest, context: Any, site: Site, lang: str, viewport: str) -> Iterator[Any]:
    """A page in a fresh context; a JavaScript error or a CSP violation on any page fails the test.

    A failed test leaves a screenshot of where it stopped next to the others.
    """
    errors: list[str] = []
    pg = context.new_page()
    pg.on("pageerror", lambda exc: errors.append(f"{pg.url}: {exc}"))
    # Whatever the Content-Security-Policy blocks (an inline script, a foreign origin) fails the test too.
    pg.on(
        "console",
        lambda msg: (
            errors.append(f"{pg.url}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield pg
    if request.node.stash.get(CALL_FAILED, False):
        folder = SCREENSHOT_DIR / re.sub(r"\[.*\]$", "", request.node.name)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            pg.screenshot(path=str(folder / f"{lang}-{viewport}-FAILED.png"), full_page=True)
        except Exception as exc:
            print(f"no screenshot of the failure: {exc}")
    assert not errors, "JavaScript errors on the page:\n" + "\n".join(errors)


@pytest.fixture
def shot(request: pytest.FixtureRequest, lang: str, viewport: str) -> Callable[[Any, str], Path]:
    """``shot(page, "dashboard")`` saves a full-page screenshot for people to look at."""
    counter = iter(range(1, 1000))
    test_name = re.sub(r"\[.*\]$", "", request.node.name)

    def take(pg: Any, name: str) -> Path:
        folder = SCREENSHOT_DIR / test_name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{lang}-{viewport}-{next(counter):02d}-{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take
