"""The webhook URL's contract and the server's rule agree (an integrator's report): the schema's ``pattern`` admits
the hosts banks use (five labels and more, long labels, upper case, the port 8443, a query string), every URL it admits
is taken by the server (the property Schemathesis relies on: a request the schema allows is not refused), and the
URLs the server refuses before any DNS look-up do not match it. What no pattern can say (where the host leads) is
in the description, with each code the server answers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hr_api.serializers.webhooks import WebhookEndpointInputSerializer

from .test_webhook_urls import REFUSED_URLS

ROOT = Path(__file__).resolve().parents[2]
BANK_URLS = [
    "https://hooks.hr.esunbank.com.tw/webhooks/bcm",  # five labels
    "https://api.hooks.hr.esunbank.com.tw/in",  # six
    "https://hooks.example-bank-with-a-long-name.com.tw/",  # a label of more than 20 characters
    "https://Hooks.Bank.Example.com/Events",  # upper case
    "https://hooks.bank.example.com:8443/bcm",  # the one port besides 443 (hr_api.webhooks.endpoints.PORTS)
    "https://hooks.bank.example.com:443/bcm",
    "https://hooks.bank.example.com/bcm?tenant=tw-01&v=2",  # a query string
    "https://hooks.bank.example.com/a%20b/c~d",
    "https://hooks.bank.example.com",
    "https://a-b-c-d.bank.example.com/",  # a label of four hyphenated parts
]


def url_schema(api) -> dict:
    schema = api.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    return schema["components"]["schemas"]["WebhookEndpointInputRequest"]["properties"]["url"]


def accepted(url: str) -> bool:
    body = WebhookEndpointInputSerializer(data={"url": url, "events": ["certificate.issued"]})
    return body.is_valid()


@pytest.mark.parametrize("url", BANK_URLS)
def test_the_schema_admits_the_urls_of_real_bank_hosts_and_the_server_takes_them(cast, url):
    assert re.search(url_schema(cast.api_a)["pattern"], url), url
    response = cast.api_a.post("/api/v1/webhooks/", {"url": url, "events": ["certificate.issued"]}, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_url_the_server_refuses_before_any_look_up_does_not_match_the_pattern(cast, url):
    assert not accepted(url)
    assert not re.search(url_schema(cast.api_a)["pattern"], url), url


@pytest.mark.django_db
def test_every_url_the_pattern_admits_is_taken_by_the_server(client):
    """Hypothesis draws URLs from the served pattern (as Schemathesis does), each within ``maxLength``; the server
    takes every one (the test suite's DNS leads every name to a public address)."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    prop = schema["components"]["schemas"]["WebhookEndpointInputRequest"]["properties"]["url"]
    urls = st.from_regex(prop["pattern"], fullmatch=True).filter(lambda u: len(u) <= prop["maxLength"])

    @given(url=urls)
    @settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def check(url):
        assert accepted(url), url

    check()


def outbound_codes() -> set[str]:
    """Every code accounts.outbound refuses a URL with (``OutboundRefused("code", …)`` in its source)."""
    tree = ast.parse((ROOT / "accounts" / "outbound.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "OutboundRefused"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_the_description_states_the_rule_beyond_the_pattern_with_every_code(cast):
    codes = outbound_codes()
    assert {"scheme", "userinfo", "host", "port", "unresolvable", "address"} <= codes
    description = url_schema(cast.api_a)["description"]
    for code in codes:
        assert f"`{code}`" in description, code
    assert "public" in description and "https" in description


def test_an_unresolvable_or_private_host_is_refused_with_its_code(cast, dns):
    dns["hooks.nowhere.example.com"] = None
    dns["hooks.inside.example.com"] = "10.1.2.3"
    for host, code in (("hooks.nowhere.example.com", "unresolvable"), ("hooks.inside.example.com", "address")):
        url = f"https://{host}/bcm"
        assert re.search(url_schema(cast.api_a)["pattern"], url)
        response = cast.api_a.post("/api/v1/webhooks/", {"url": url, "events": ["certificate.issued"]}, format="json")
        assert response.status_code == 400
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("url", code)]
