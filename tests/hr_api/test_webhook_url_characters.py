"""Webhook URLs the API would show outside its own schema, or that aim deliveries at a third party's other services
(an outside probe): ``POST /api/v1/webhooks/ {"url": "https://1.1.1.1/xss?a=<b>\\""}`` was 201, and then the list's
``url`` was no ``format: uri``; ``https://1.1.1.1:22/`` (or :25, :6379) was taken. Now a character RFC 3986 does not
allow in a URI is refused (``characters``), the port is 443 or 8443 or none (``port``), in the API and in admin
alike (hr_api.webhooks.endpoints), and what the API shows is a URI even for an endpoint stored before the rule,
whose deliveries are refused at once."""

from __future__ import annotations

import re
import string

import pytest
from django.utils import translation

from hr_api.admin import WebhookEndpointForm
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import deliveries, signing
from tests.api.conftest import http

pytestmark = pytest.mark.django_db

EVENTS = ["certificate.issued"]
# Every character RFC 3986 allows in a URI (unreserved, reserved and the % of a percent-encoding).
URI_CHARACTERS = set(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")

REFUSED_CHARACTERS = [
    ('https://1.1.1.1/xss?a=<b>"', "<"),  # the probe's
    ("https://hooks.bank.example/a b", " "),
    ("https://hooks.bank.example/x>", ">"),
    ('https://hooks.bank.example/x?q="', '"'),
    ("https://hooks.bank.example/{x}", "{"),
    ("https://hooks.bank.example/x?a=}", "}"),
    ("https://hooks.bank.example/a|b", "|"),
    ("https://hooks.bank.example/a\\b", "\\"),
    ("https://hooks.bank.example/a^b", "^"),
    ("https://hooks.bank.example/a`b", "`"),
    ("https://hooks.bank.example/a[1]", "["),
    ("https://hooks.bank.example/銀行", "銀"),  # non-ASCII in the path: percent-encode it
    ("https://hooks.bank.example/x?名=1", "名"),
    ("https://hooks.bank.example/x#é", "é"),
    ("https://hooks.bank.example/100%", "%"),  # a % without two hex digits
    ("https://hooks.bank.example/%zz", "%"),
    ("https://hooks.bank.example/x#a#b", "#"),  # a second #
    ("https://hooks.bank.example/a\tb", "\t"),  # urlsplit drops a tab: the rule reads the URL as given
]
REFUSED_PORTS = [22, 25, 80, 6379, 8080, 10443, 65535]
ACCEPTED = [
    "https://hooks.bank.example/bcm",
    "https://hooks.bank.example:443/bcm",
    "https://hooks.bank.example:8443/bcm?x=1",
    "https://hooks.bank.example/a%20b/%E9%8A%80?q=%3C#frag",
    "https://hooks.bank.example/a;b=c/d:e@f!$&'()*+,~?x=/?#/?",
    "https://[2606:4700:4700::1111]:8443/hook",
]


@pytest.fixture
def api(hr_client):
    return http(hr_client)


def register(api, url, **extra):
    return api.post("/api/v1/webhooks/", {"url": url, "events": EVENTS}, format="json", **extra)


def refusal(response) -> tuple[str, str]:
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["url"], errors
    return errors[0]["code"], errors[0]["message"]


def is_uri(url: str) -> bool:
    """RFC 3986's characters only, each % starting a percent-encoding."""
    return set(url) <= URI_CHARACTERS and not re.search(r"%(?![0-9A-Fa-f]{2})", url)


def admin_form(employer, url) -> WebhookEndpointForm:
    return WebhookEndpointForm(data={"employer": employer.pk, "url": url, "events": EVENTS, "is_active": True})


@pytest.mark.parametrize(("url", "character"), REFUSED_CHARACTERS, ids=[repr(c) for _u, c in REFUSED_CHARACTERS])
def test_a_character_a_uri_may_not_hold_is_refused_and_named(api, url, character):
    code, message = refusal(register(api, url, HTTP_ACCEPT_LANGUAGE="en"))
    assert code == "characters"
    assert f"U+{ord(character):04X}" in message and "percent-encode" in message
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("port", REFUSED_PORTS)
def test_a_port_other_than_443_or_8443_is_refused(api, port):
    code, message = refusal(register(api, f"https://1.1.1.1:{port}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert code == "port" and "443, 8443" in message
    code, _message = refusal(register(api, f"https://hooks.bank.example:{port}/hook"))
    assert code == "port"
    assert not WebhookEndpoint.objects.exists()


#: How each accepted URL is stored and shown: the default port, a fragment (never sent) and an empty query dropped.
STORED = {
    "https://hooks.bank.example:443/bcm": "https://hooks.bank.example/bcm",
    "https://hooks.bank.example/a%20b/%E9%8A%80?q=%3C#frag": "https://hooks.bank.example/a%20b/%E9%8A%80?q=%3C",
    "https://hooks.bank.example/a;b=c/d:e@f!$&'()*+,~?x=/?#/?": "https://hooks.bank.example/a;b=c/d:e@f!$&'()*+,~?x=/?",
}


@pytest.mark.parametrize("url", ACCEPTED)
def test_uris_on_443_or_8443_are_taken_and_listed_as_uris(api, url):
    response = register(api, url)
    assert response.status_code == 201, response.content
    assert response.json()["url"] == STORED.get(url, url)
    listed = api.get("/api/v1/webhooks/")
    assert listed.status_code == 200
    assert [e["url"] for e in listed.json()["results"]] == [STORED.get(url, url)]


def test_an_international_host_name_is_kept_in_its_idna_form(api, dns):
    response = register(api, "https://銀行.example:8443/hook")
    assert response.status_code == 201, response.content
    assert response.json()["url"] == "https://xn--jn2ax2s.example:8443/hook"
    assert WebhookEndpoint.objects.get().url == "https://xn--jn2ax2s.example:8443/hook"
    assert is_uri(api.get("/api/v1/webhooks/").json()["results"][0]["url"])


def test_a_change_is_held_to_the_same_rule(api):
    endpoint = register(api, "https://hooks.bank.example/hook").json()
    for url, code in (("https://1.1.1.1/x?a=<b>", "characters"), ("https://1.1.1.1:6379/", "port")):
        changed = api.patch(f"/api/v1/webhooks/{endpoint['id']}/", {"url": url}, format="json")
        assert refusal(changed)[0] == code
    assert WebhookEndpoint.objects.get().url == "https://hooks.bank.example/hook"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ('https://1.1.1.1/xss?a=<b>"', "characters"),
        ("https://hooks.bank.example/銀行", "characters"),
        ("https://1.1.1.1:22/", "port"),
        ("https://hooks.bank.example:6379/", "port"),
    ],
)
def test_the_admin_form_keeps_the_same_rule(employer, url, code):
    form = admin_form(employer, url)
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["url"]] == [code]


def test_the_admin_form_keeps_an_international_host_in_its_idna_form(employer, hr_client):
    form = admin_form(employer, "https://銀行.example/hook")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["url"] == "https://xn--jn2ax2s.example/hook"


def test_a_local_receiver_may_use_any_port_where_the_settings_allow_private_addresses(api, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    assert register(api, "http://127.0.0.1:8000/hook").status_code == 201
    assert refusal(register(api, "http://127.0.0.1:8000/a<b"))[0] == "characters"


@pytest.fixture
def stored_before_the_rule(hr_client):
    """Endpoints registered before the rule: a URL with <, > and ", one on port 6379, one with a Unicode host."""
    urls = ['https://1.1.1.1/xss?a=<b>"', "https://1.1.1.1:6379/", "https://銀行.example/é"]
    return [
        WebhookEndpoint.objects.create(employer=hr_client.employer, url=u, events=EVENTS, secret=signing.new_secret())
        for u in urls
    ]


def test_endpoints_stored_before_the_rule_are_listed_as_uris(api, stored_before_the_rule):
    listed = api.get("/api/v1/webhooks/")
    assert listed.status_code == 200
    shown = {e["id"]: e["url"] for e in listed.json()["results"]}
    first, second, third = stored_before_the_rule
    assert shown == {
        first.pk: "https://1.1.1.1/xss?a=%3Cb%3E%22",
        second.pk: "https://1.1.1.1:6379/",
        third.pk: "https://xn--jn2ax2s.example/%C3%A9",
    }
    assert all(is_uri(url) for url in shown.values())
    assert api.get(f"/api/v1/webhooks/{first.pk}/").json()["url"] == "https://1.1.1.1/xss?a=%3Cb%3E%22"


def test_deliveries_to_endpoints_stored_before_the_rule_are_refused_at_once(
    hr_client, stored_before_the_rule, monkeypatch
):
    sent = []
    monkeypatch.setattr(deliveries.outbound, "post", lambda *args, **kwargs: sent.append(args))
    for endpoint in stored_before_the_rule:
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=EVENTS[0], payload={"n": 1})
        with translation.override("en"):
            assert deliveries.attempt_delivery(delivery.pk) is None  # no retry
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.FAILED
        assert delivery.last_error.startswith("Refused: "), delivery.last_error
    assert not sent


def test_the_schema_states_the_rule(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    prop = schema["components"]["schemas"]["WebhookEndpointInputRequest"]["properties"]["url"]
    assert "`characters`" in prop["description"] and "`port` a port other than 443 or 8443" in prop["description"]
    for refused in ("https://hooks.bank.example:22/", "https://hooks.bank.example/a<b"):
        assert not re.search(prop["pattern"], refused)
    for url in ("https://hooks.bank.example:8443/", "https://hooks.bank.example/a%3Cb"):
        assert re.search(prop["pattern"], url)
