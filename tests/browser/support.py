"""Helpers for the browser tests: markers, the outbox, axe-core."""

import email
import json
import re
import time
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from tests.conftest import BASE_DIR, service_missing

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips, or fails under CI, with the reason
    expect = None  # type: ignore[assignment]

AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# Every browser test module starts with ``pytestmark = BROWSER``: a real Chromium, a real worker,
# a live server (so a transactional database, with the catalog of the data migrations restored).
BROWSER = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@dataclass
class Services:
    """What the session's worker shares with the test: where its mail and files land."""

    folder: Path
    worker: Any

    @property
    def mail_dir(self) -> Path:
        return self.folder / "mail"


@dataclass
class Site:
    url: str
    services: Services

    def messages(self) -> list[Message]:
        """Every e-mail sent so far: by the worker (files) or by the server itself (locmem)."""
        found: list[Message] = []
        for path in sorted(self.services.mail_dir.glob("*.log")):
            # The file backend writes each message followed by a line of 79 dashes.
            for chunk in path.read_text(encoding="utf-8", errors="replace").split("-" * 79):
                if chunk.strip():
                    found.append(email.message_from_string(chunk.lstrip("\n")))
        found.extend(message.message() for message in mail.outbox)
        return found

    def wait_for_mail(self, to: str, timeout: float = 60.0) -> str:
        """The text (all parts) of the newest e-mail to ``to``, waiting for the worker to send it."""
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(self.messages()):
                if to.lower() in (message.get("To") or "").lower():
                    return mail_text(message)
            if time.monotonic() > deadline:
                raise AssertionError(f"no e-mail to {to} within {timeout:.0f} s")
            time.sleep(0.2)


def mail_text(message: Message) -> str:
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            if payload is not None:
                parts.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    return "\n".join(parts)


def first_link(text: str, containing: str = "") -> str:
    links = [url.rstrip(".,)>") for url in re.findall(r"https?://[^\s\"'<>]+", text)]
    links = [url for url in links if containing in url]
    assert links, f"no link containing {containing!r} in:\n{text}"
    return links[0]


# ---------------------------------------------------------------- accessibility


@dataclass
class AxeReport:
    violations: list[dict] = field(default_factory=list)

    def serious(self) -> list[dict]:
        return [v for v in self.violations if v.get("impact") in {"serious", "critical"}]

    def describe(self, violations: list[dict]) -> str:
        lines = []
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
        return "\n".join(lines)


def run_axe(pg: Any) -> AxeReport:
    if not AXE_JS.exists():
        service_missing(f"{AXE_JS} is missing (npm ci; make test runs it)")
    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be inline, which the
        # Content-Security-Policy blocks (as it should).
        pg.evaluate(AXE_JS.read_text())
    result = pg.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations'],
            });
            return JSON.stringify(r.violations);
        }"""
    )
    return AxeReport(violations=json.loads(result))


def assert_accessible(pg: Any, where: str = "") -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    report = run_axe(pg)
    serious = report.serious()
    assert not serious, f"accessibility violations on {where or pg.url}:\n{report.describe(serious)}"


# ---------------------------------------------------------------- people and pages

PASSWORD = "correct-horse-battery-staple"  # the factories' password


# The authenticator keys staff set up in this run (their e-mail → base32 key, last 30-second step used).
_AUTHENTICATORS: dict[str, list[Any]] = {}


def totp_code(secret: str, email_address: str = "") -> str:
    """The code an authenticator app shows for ``secret``; a step already used waits for the next."""
    import base64

    from django_otp.oath import TOTP

    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    used = _AUTHENTICATORS.get(email_address, [secret, -1])[1]
    while totp.t() <= used:  # django-otp refuses a code twice
        time.sleep(1)
        totp.time = time.time()
    if email_address:
        _AUTHENTICATORS[email_address] = [secret, totp.t()]
    return f"{totp.token():06d}"


def admin_log_in(pg: Any, site: Any, lang: str, email_address: str, password: str = PASSWORD) -> None:
    """Log in on Django admin's own log-in page, as institution and program office staff do, then
    pass the second factor: set up an authenticator on the first log-in (the key from the page),
    type its code on later ones."""
    pg.goto(f"{site.url}/{lang}/admin/login/?next=/{lang}/admin/")
    pg.locator("#id_username").fill(email_address)
    pg.locator("#id_password").fill(password)
    pg.locator("#login-form [type=submit]").click()
    pg.wait_for_url(re.compile(r"/accounts/second-factor/"))
    if "/enrol/" in pg.url:
        secret = pg.locator("#totp-secret").inner_text().strip()
        _AUTHENTICATORS.pop(email_address, None)  # a new person of an earlier test's address
        expect(pg.locator("#totp-qr-code")).to_be_visible()
        pg.locator("#id_code").fill(totp_code(secret, email_address))
        pg.locator("main form [type=submit]").click()
        expect(pg.locator("#recovery-codes li")).to_have_count(10)
        pg.locator("main a.btn-primary").click()
    else:
        pg.locator("#id_code").fill(totp_code(_AUTHENTICATORS[email_address][0], email_address))
        pg.locator("main form [type=submit]").click()
    expect(pg.locator("#user-tools")).to_be_visible()


def run_admin_action(pg: Any, rows: list[str], action: str) -> None:
    """Tick the change-list rows whose text contains each of ``rows`` and run ``action``."""
    for text in rows:
        pg.locator("#result_list tbody tr", has_text=text).locator("input.action-select").check()
    pg.locator("select[name=action]").select_option(action)
    pg.locator("#changelist-form button[name=index]").click()


def log_in_directly(context: Any, site: Any, user: Any) -> None:
    """Give the browser a logged-in session without the log-in page (journeys that are not about it)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site.url}])


def assert_fits_window(pg: Any) -> None:
    """Nothing sticks out sideways: on a phone, nobody should scroll the page horizontally."""
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{pg.url} is {overflow}px wider than the window"


# ---------------------------------------------------------------- phones

# Every text in the elements ``selector`` picks that matches ``pattern`` (a figure and its unit, a month), with
# the number of lines it takes: a range's boxes, grouped by their top.
MEASURE = """([pattern, selector]) => {
  const found = [];
  const re = new RegExp(pattern, "g");
  for (const scope of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.checkVisibility()) continue;
      for (const m of node.data.matchAll(re)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        found.push([m[0], tops.size]);
      }
    }
  }
  return found;
}"""


def measured(pg: Any, pattern: str, selector: str = "main") -> list[tuple[str, int]]:
    """Each visible text in ``selector`` matching the JavaScript regular expression ``pattern``, and its lines."""
    return [(text, lines) for text, lines in pg.evaluate(MEASURE, [pattern, selector])]


def assert_whole_on_a_phone(
    pg: Any, site: Any, shot: Any, name: str, path: str, figures: str, month: str | None = None
) -> None:
    """Open ``path`` (in a phone-sized window) and check it as a trainee reads it there: a screenshot
    ``name``; nothing sticks out sideways; some figure with its unit (``figures``, a pattern) is shown in
    <main> and none is split over two lines; and, given ``month`` (a cohort's month as the page's language
    writes it), that month is shown and on one line."""
    pg.goto(site.url + path)
    shot(pg, name)
    assert_fits_window(pg)
    found = measured(pg, figures)
    assert found, f"{path}: no figure with its unit found"
    broken = [text for text, lines in found if lines != 1]
    assert not broken, f"{path}: a figure split from its unit: {broken}"
    if month is not None:
        months = measured(pg, month.replace(" ", "[ \u00a0]"))
        assert months, f"{path}: the cohort's month is not shown"
        assert all(lines == 1 for _text, lines in months), f"{path}: the month {month} is split: {months}"


def qr_address(pdf_path: Path) -> str:
    """The address in the QR code on the first page of a PDF (pdftoppm, then zbarimg)."""
    import shutil
    import subprocess

    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            service_missing(f"{tool} is missing (apt-get install poppler-utils zbar-tools; make test installs them)")
    image = pdf_path.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(image)], check=True
    )
    found = subprocess.run(["zbarimg", "--raw", "-q", str(image) + ".png"], capture_output=True, text=True, check=False)
    codes = [line.strip() for line in found.stdout.splitlines() if line.strip()]
    assert len(codes) == 1, f"expected one QR code on the certificate, found {codes!r}"
    return codes[0]
