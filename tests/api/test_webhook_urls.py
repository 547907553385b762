"""Webhook URLs reach only public https hosts: at registration, on change, in admin and at every delivery.

The test suite's DNS (tests/fake_dns.py, the ``dns`` fixture) resolves every name to a public
address unless a test maps it, so each kind of address is reached through a name as an attacker
would register it, and through the literal spellings an attacker would try.
"""

import ast
from pathlib import Path

import pytest
from django.utils import timezone, translation

from accounts import outbound
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import deliveries, signing

from .conftest import assert_problem


@pytest.fixture(autouse=True)
def english():
    """Deliveries write their error in the language active in the worker; these tests read it in
    English, whatever language an earlier test's request left active."""
    with translation.override("en"):
        yield


ROOT = Path(__file__).resolve().parents[2]

# One or more addresses of every kind the rule refuses, IPv4 and IPv6.
REFUSED_ADDRESSES = {
    "loopback": ["127.0.0.1", "127.8.9.10", "::1"],
    "link-local": ["169.254.169.254", "fe80::1"],
    "private": ["10.0.0.1", "172.16.5.4", "192.168.1.1", "fc00::1", "fd12:3456::1"],
    "shared": ["100.64.0.1", "100.127.255.254"],
    "multicast": ["224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1"],
    "reserved": ["240.0.0.1", "255.255.255.255", "198.18.0.1"],
    "unspecified": ["0.0.0.0", "::"],
    "documentation": ["192.0.2.1", "198.51.100.7", "203.0.113.9", "2001:db8::1"],
    "IPv4 inside IPv6": ["::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1"],
}
ADDRESSES = [(kind, a) for kind, addresses in REFUSED_ADDRESSES.items() for a in addresses]

# The three, and spellings that reach the same places without a name.
REFUSED_URLS = [
    "ftp://hooks.bank.example/",
    "http://169.254.169.254/latest/meta-data",
    "http://localhost:8000/admin/",
    "https://localhost./hook",
    "https://evil@10.0.0.1/",
    "https://hooks.bank.example@10.0.0.1/",
    "https://user:pass@hooks.bank.example/",
    "https://2130706433/",  # 127.0.0.1 as one number
    "https://0x7f000001/",
    "https://0x7f.0.0.1/",
    "https://0177.0.0.1/",  # octal
    "https://127.1/",
    "https://127.0.0.01/",
    "https://[::1]:8443/",
    "https://[::ffff:7f00:1]/",
    "https://[fe80::1%25eth0]/",
    "https://１２７.０.０.１/",  # full-width digits: IDNA makes them 127.0.0.1
    "https://ｌｏｃａｌｈｏｓｔ/",  # full-width letters: IDNA makes them localhost
    "https://hooks.bank.example:0/",
    "https://hooks.bank.example:65536/",
    "javascript://hooks.bank.example/",
    "file:///etc/passwd",
]


def register(cast, url):
    return cast.api_a.post("/api/v1/webhooks/", {"url": url, "events": ["certificate.issued"]}, format="json")


def assert_url_refused(response):
    body = assert_problem(response, 400)
    assert [e["field"] for e in body["errors"]] == ["url"], body
    return body["errors"][0]


@pytest.mark.parametrize(("kind", "address"), ADDRESSES, ids=[f"{k}-{a}" for k, a in ADDRESSES])
def test_a_name_that_resolves_to_a_non_public_address_is_refused_at_registration(cast, dns, kind, address):
    dns["hooks.evil.example"] = address
    error = assert_url_refused(register(cast, "https://hooks.evil.example/hook"))
    assert error["code"] == "address"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(("kind", "address"), ADDRESSES, ids=[f"{k}-{a}" for k, a in ADDRESSES])
def test_the_address_itself_is_refused_too(cast, kind, address):
    host = f"[{address}]" if ":" in address else address
    assert_url_refused(register(cast, f"https://{host}/hook"))


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_spellings_of_local_places_are_refused(cast, settings, url):
    settings.WEBHOOK_ALLOW_HTTP = True  # even where plain http is allowed
    assert_url_refused(register(cast, url))
    assert not WebhookEndpoint.objects.exists()


def test_one_private_address_among_public_ones_is_enough_to_refuse(cast, dns):
    dns["hooks.evil.example"] = ["93.184.215.14", "10.0.0.1"]
    assert_url_refused(register(cast, "https://hooks.evil.example/hook"))


def test_a_name_that_does_not_resolve_is_refused(cast, dns):
    dns["nowhere.example"] = None
    assert assert_url_refused(register(cast, "https://nowhere.example/"))["code"] == "unresolvable"


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.bank.example/bcm",
        "https://hooks.bank.example:8443/bcm?x=1",
        "https://93.184.215.14/hook",
        "https://[2606:4700:4700::1111]/hook",
        "https://銀行.example/hook",
    ],
)
def test_public_https_urls_are_accepted(cast, url):
    assert register(cast, url).status_code == 201


def test_an_international_name_is_looked_up_in_its_ascii_form(cast, dns):
    dns["xn--jn2ax2s.example"] = "10.1.2.3"
    assert_url_refused(register(cast, "https://銀行.example/hook"))
    assert dns.asked == ["xn--jn2ax2s.example"]


def test_the_refusal_is_translated(cast, dns):
    dns["hooks.evil.example"] = "10.0.0.1"
    response = cast.api_a.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.evil.example/", "events": ["certificate.issued"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "10.0.0.1" in assert_url_refused(response)["message"]
    assert "public addresses" in assert_url_refused(response)["message"]


def test_plain_http_and_private_addresses_need_their_settings(cast, dns, settings):
    dns["receiver.test"] = "127.0.0.1"
    assert_url_refused(register(cast, "http://hooks.bank.example/"))
    assert_url_refused(register(cast, "https://receiver.test/"))
    settings.WEBHOOK_ALLOW_HTTP = True
    assert register(cast, "http://hooks.bank.example/").status_code == 201
    assert_url_refused(register(cast, "http://receiver.test/"))
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    assert register(cast, "http://receiver.test:9000/").status_code == 201


def test_changing_the_url_obeys_the_same_rule(cast, dns):
    created = register(cast, "https://hooks.bank.example/").json()
    dns["hooks.evil.example"] = "169.254.169.254"
    response = cast.api_a.patch(
        f"/api/v1/webhooks/{created['id']}/", {"url": "https://hooks.evil.example/"}, format="json"
    )
    assert_url_refused(response)
    assert WebhookEndpoint.objects.get().url == "https://hooks.bank.example/"


@pytest.fixture
def office(cast, admin_client):
    return admin_client


def test_the_admin_form_obeys_the_same_rule(cast, dns, office):
    dns["hooks.evil.example"] = "127.0.0.1"
    employer = cast.hr_a.employer
    form = {"employer": employer.pk, "url": "https://hooks.evil.example/", "events": '["certificate.issued"]',
            "is_active": "on", "description": ""}  # fmt: skip
    response = office.post("/en/admin/hr_api/webhookendpoint/add/", form)
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()
    response = office.post("/en/admin/hr_api/webhookendpoint/add/", {**form, "url": "https://hooks.bank.example/"})
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    # An endpoint made in admin gets a secret too, shown once to the program office.
    signing.signing_key(endpoint.secret)
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any(endpoint.secret in m for m in shown)
    response = office.post(f"/en/admin/hr_api/webhookendpoint/{endpoint.pk}/change/", form)
    assert response.status_code == 200 and "url" in response.context["adminform"].form.errors


def test_the_admin_form_needs_a_client_with_the_scope_an_event_needs(cast, office):
    """As over the API: the program office cannot subscribe a bank to the register's changes that no
    client of the bank may read."""
    employer = cast.hr_a.employer
    type(cast.hr_a).objects.filter(employer=employer).update(can_managers=False)
    form = {"employer": employer.pk, "url": "https://hooks.bank.example/", "events": '["manager.compliance_changed"]',
            "is_active": "on", "description": ""}  # fmt: skip
    response = office.post("/en/admin/hr_api/webhookendpoint/add/", form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["events"]
    assert [e.code for e in errors] == ["scope_missing"]
    assert "has no API client with the scope managers" in str(errors[0].message % errors[0].params)
    assert not WebhookEndpoint.objects.exists()
    type(cast.hr_a).objects.filter(employer=employer).update(can_managers=True)
    assert office.post("/en/admin/hr_api/webhookendpoint/add/", form).status_code == 302
    assert WebhookEndpoint.objects.get().events == ["manager.compliance_changed"]


# --- at delivery -----------------------------------------------------------------------------


class Unreachable:
    """``outbound.post`` that must not be called."""

    calls = 0

    def __call__(self, *args, **kwargs):
        Unreachable.calls += 1
        raise AssertionError("a refused URL was called")


def endpoint_with(cast, url):
    """An endpoint as the database may hold it: registered before the rule, or before DNS changed."""
    return WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer, url=url, events=["certificate.issued"], secret=signing.new_secret()
    )


def deliver(endpoint):
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="certificate.issued", payload={"n": 1})
    wait = deliveries.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    return wait, delivery


@pytest.mark.parametrize(("kind", "address"), ADDRESSES, ids=[f"{k}-{a}" for k, a in ADDRESSES])
def test_a_name_that_now_resolves_to_a_non_public_address_fails_its_delivery_without_retries(
    cast, dns, monkeypatch, kind, address
):
    monkeypatch.setattr(deliveries.outbound, "post", Unreachable())
    endpoint = endpoint_with(cast, "https://hooks.bank.example/")  # vetted at registration, then DNS changed
    dns["hooks.bank.example"] = address
    wait, delivery = deliver(endpoint)
    assert wait is None and delivery.status == "failed" and delivery.attempts == 1
    assert delivery.last_error.startswith("Refused: ") and "only public addresses" in delivery.last_error


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_an_endpoint_stored_before_the_rule_fails_its_delivery_with_the_reason(cast, monkeypatch, url):
    monkeypatch.setattr(deliveries.outbound, "post", Unreachable())
    wait, delivery = deliver(endpoint_with(cast, url))
    assert wait is None and delivery.status == "failed" and delivery.last_error.startswith("Refused: ")


def test_a_name_that_does_not_resolve_at_delivery_is_retried(cast, dns, monkeypatch):
    monkeypatch.setattr(deliveries.outbound, "post", Unreachable())
    endpoint = endpoint_with(cast, "https://hooks.bank.example/")
    dns["hooks.bank.example"] = None
    wait, delivery = deliver(endpoint)
    assert wait == 30 and delivery.status == "pending" and "could not be resolved" in delivery.last_error


def test_redelivery_vets_the_url_again(cast, dns, monkeypatch, admin_client, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(deliveries.outbound, "post", lambda target, **kw: sent.append(target) or _ok())
    endpoint = endpoint_with(cast, "https://hooks.bank.example/")
    dns["hooks.bank.example"] = "10.0.0.7"
    _, delivery = deliver(endpoint)
    assert delivery.status == "failed" and sent == []
    del dns["hooks.bank.example"]  # the employer fixed its DNS
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/en/admin/hr_api/webhookdelivery/", {"action": "redeliver", "_selected_action": [delivery.pk]}
        )
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and [str(a) for a in sent[0].addresses] == ["93.184.215.14"]
    assert delivery.delivered_at <= timezone.now()


def _ok():
    import requests

    response = requests.Response()
    response.status_code = 204
    return response


# --- the class: the server calls out through accounts.outbound only ---------------------------

HTTP_CLIENTS = {"requests", "urllib.request", "urllib3", "http.client", "httpx", "aiohttp", "pycurl", "socket"}
# The one module that may open outbound connections; everything else calls it.
ALLOWED = {"accounts/outbound.py"}


def _production_modules():
    """Every module of the server's packages (the apps and config; not tests, bench/ or .ci/ tools)."""
    for package in sorted(p.parent for p in ROOT.glob("*/__init__.py")):
        if package.name in {"tests", "bench"}:
            continue
        for path in sorted(package.rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path


def test_no_production_module_but_the_outbound_one_opens_connections_of_its_own():
    offenders = []
    for relative, path in _production_modules():
        tree = ast.parse(path.read_text(), filename=relative)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if any(name == c or name.startswith(c + ".") for c in HTTP_CLIENTS) and relative not in ALLOWED:
                    offenders.append(f"{relative}: import {name}")
    # Add a module here only if it never calls a URL someone else chose (say why).
    known = {
        "hr_api/webhooks/deliveries.py: import requests",  # catches requests.RequestException from outbound.post
    }
    assert set(offenders) <= known, "call out through accounts.outbound (vet_url, post): " + ", ".join(
        sorted(set(offenders) - known)
    )


def test_outbound_post_follows_no_redirect_and_no_proxy(monkeypatch):
    seen = {}

    def send(self, request, **kwargs):
        seen.update(kwargs, url=request.url, trust_env=None)
        response = _ok()
        response.status_code = 302
        response.headers["Location"] = "http://127.0.0.1/admin/"
        response.request = request
        return response

    monkeypatch.setattr(outbound.HTTPAdapter, "send", send)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    target = outbound.vet_url("https://hooks.bank.example/x")
    response = outbound.post(target, data=b"{}", headers={}, timeout=5)
    assert response.status_code == 302 and seen["url"] == "https://hooks.bank.example/x"
    assert not seen.get("proxies")


@pytest.mark.parametrize("url", ["https://2130706433/h", "https://0x7f000001/h", "https://127.1/h"])
def test_the_admin_form_names_a_numeric_host_as_the_api_does(cast, office, url):
    form = {"employer": cast.hr_a.employer.pk, "url": url, "events": '["certificate.issued"]', "is_active": "on",
            "description": ""}  # fmt: skip
    response = office.post("/en/admin/hr_api/webhookendpoint/add/", form)
    assert response.status_code == 200
    [refusal] = response.context["adminform"].form.errors.as_data()["url"]
    assert refusal.code == "host" and "Enter a valid URL" not in str(refusal.message)
    assert not WebhookEndpoint.objects.exists()
