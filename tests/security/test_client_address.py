"""The client's address comes from X-Forwarded-For only behind a configured proxy (issue 15, item 3):
with none configured a forged header changes nothing; behind the site's proxies each real client is
counted apart, and whatever a client writes to the left of what our proxy saw gains it nothing."""

import ast
import base64
import ipaddress
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from accounts.client_address import client_ip
from accounts.models import AuditEvent
from tests.factories import UserFactory
from tests.test_settings import PRODUCTION, run_django

PROXY = "10.0.0.2"
VERIFY = "/en/verify/nope/"


@pytest.fixture
def behind_proxy(settings):
    """The site sits behind its load balancer (10.0.0.2) and a CDN edge network (192.0.2.0/24)."""
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.2/32"), ipaddress.ip_network("192.0.2.0/24"))


def address_of(forwarded: str | None = None, peer: str = PROXY) -> str:
    meta = {"REMOTE_ADDR": peer} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return client_ip(RequestFactory().get("/", **meta))


# --- The rule ------------------------------------------------------------------------------------


def test_without_a_configured_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = ()
    assert address_of("203.0.113.9", peer="198.51.100.7") == "198.51.100.7"
    assert address_of("203.0.113.9, 10.0.0.2", peer=PROXY) == PROXY  # even from a private peer


def test_a_peer_without_an_address_is_the_empty_string_whatever_the_header_says(behind_proxy):
    """A unix-socket peer (no REMOTE_ADDR, or an empty one) names no client: "" (issue 23, a mutant survived)."""
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == ""
    assert address_of("203.0.113.9", peer="") == ""
    assert address_of(None, peer="not an address") == ""


def test_a_trusted_proxy_that_sends_no_header_is_the_client(behind_proxy):
    assert address_of(None) == PROXY
    assert address_of("") == PROXY


def test_a_header_from_a_peer_that_is_not_our_proxy_is_ignored(behind_proxy):
    assert address_of("203.0.113.9", peer="198.51.100.7") == "198.51.100.7"


@pytest.mark.parametrize(("forwarded", "client"), [
    ("198.51.100.7", "198.51.100.7"),  # one proxy: what it saw
    ("1.2.3.4, 198.51.100.7", "198.51.100.7"),  # a forged left-most value is skipped
    ("198.51.100.7, 192.0.2.10", "198.51.100.7"),  # the CDN edge, then our balancer
    ("6.6.6.6, 198.51.100.7, 192.0.2.10", "198.51.100.7"),
    ("not-an-address, 198.51.100.7", "198.51.100.7"),  # junk the client wrote, left of the client
    ("198.51.100.7, garbage", PROXY),  # junk where our proxy writes: trust nothing further
    ("", PROXY),
    ("192.0.2.10", "192.0.2.10"),  # from inside the proxies' network
    ("2001:db8::1", "2001:db8::1"),
    ("::ffff:198.51.100.7", "198.51.100.7"),  # one client, one form
])  # fmt: skip
def test_behind_the_proxy_the_first_address_that_is_not_ours_is_the_client(behind_proxy, forwarded, client):
    assert address_of(forwarded) == client


def test_the_peer_is_recognised_as_a_proxy_in_any_form(behind_proxy):
    assert address_of("198.51.100.7", peer="::ffff:10.0.0.2") == "198.51.100.7"
    assert address_of("198.51.100.7", peer="192.0.2.77") == "198.51.100.7"


def test_the_proxies_come_from_the_environment_and_a_bad_value_stops_start_up():
    code = "from django.conf import settings as s; print([str(n) for n in s.TRUSTED_PROXIES])"
    result = run_django(code, **PRODUCTION, DJANGO_TRUSTED_PROXIES="10.0.0.2, 192.0.2.0/24 ,fd00::/8")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['10.0.0.2/32', '192.0.2.0/24', 'fd00::/8']"
    assert run_django(code, **PRODUCTION).stdout.strip() == "[]"  # default: none
    for bad in ("10.0.0.300", "proxy.internal", "10.0.0.0/33"):
        result = run_django(code, **PRODUCTION, DJANGO_TRUSTED_PROXIES=bad)
        assert result.returncode != 0 and "DJANGO_TRUSTED_PROXIES" in result.stderr


# --- Every use: the verification limit, the token throttle, the lock-out, the audit trail ---------


def verify_from(client_address: str, forged: str = "") -> int:
    chain = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=PROXY).get(VERIFY, HTTP_X_FORWARDED_FOR=chain).status_code


@pytest.mark.django_db
def test_behind_the_proxy_each_client_has_its_own_verification_limit(behind_proxy, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 3
    for n in range(3):
        assert verify_from("198.51.100.7", forged=f"203.0.113.{n}") == 404
    assert verify_from("198.51.100.7", forged="203.0.113.99") == 429  # a new forged value gains nothing
    assert verify_from("198.51.100.8") == 404  # another client behind the same proxy is not held up


@pytest.mark.django_db
def test_without_a_proxy_a_new_header_per_request_does_not_reset_the_limit(settings):
    settings.TRUSTED_PROXIES = ()
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(3):
        assert client.get(VERIFY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 404
    assert client.get(VERIFY, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def ask_token(client_address: str, forged: str, client_id: str):
    basic = base64.b64encode(f"{client_id}:x".encode()).decode()
    return APIClient(REMOTE_ADDR=PROXY).post(
        "/api/v1/oauth/token/", {"grant_type": "client_credentials"}, format="multipart",
        HTTP_AUTHORIZATION=f"Basic {basic}", HTTP_X_FORWARDED_FOR=f"{forged}, {client_address}",
    )  # fmt: skip


@pytest.mark.django_db
def test_the_token_throttle_counts_the_real_client_behind_the_proxy(behind_proxy, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 3
    for n in range(3):
        assert ask_token("198.51.100.7", f"203.0.113.{n}", "nobody").status_code == 401
    assert ask_token("198.51.100.7", "203.0.113.99", "nobody").status_code == 429
    assert ask_token("198.51.100.8", "203.0.113.99", "nobody").status_code == 401  # another client


@pytest.mark.django_db
def test_the_lock_out_and_the_audit_trail_record_the_real_client(behind_proxy):
    UserFactory(email="target@example.test")
    Client(REMOTE_ADDR=PROXY).post(
        "/en/accounts/login/", {"username": "target@example.test", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )  # fmt: skip
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]
    refused = AuditEvent.objects.filter(actor_label="target@example.test").exclude(ip_address=None)
    assert refused.exists() and set(refused.values_list("ip_address", flat=True)) == {"198.51.100.7"}


# --- The class: nothing else reads the peer's address or the forwarded header ---------------------

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")
ADDRESS_SOURCES = ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "X-Forwarded-For", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def address_reads(source: str) -> list[str]:
    """String constants in code that name where a client's address comes from (docstrings aside)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }  # fmt: skip
    return [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and any(name.lower() in node.value.lower() for name in ADDRESS_SOURCES)
    ]  # fmt: skip


def test_only_the_client_address_module_reads_where_an_address_comes_from():
    offenders = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or relative == "accounts/client_address.py":
                continue
            offenders += [f"{relative}: {value!r}" for value in address_reads(path.read_text())]
    assert offenders == [], "use accounts.client_address.client_ip:\n" + "\n".join(offenders)


def test_the_lock_out_uses_the_same_rule(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "accounts.client_address.client_ip"


@pytest.mark.parametrize("snippet", [
    "request.META.get('REMOTE_ADDR')",
    "request.META['HTTP_X_FORWARDED_FOR']",
    "request.headers.get('X-Forwarded-For')",
])  # fmt: skip
def test_the_scan_finds_each_way_of_reading_an_address(snippet):
    assert address_reads(snippet)
