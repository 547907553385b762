"""An outside probe of webhook URLs: ``POST /api/v1/webhooks/ {"url": "https://[fec0::1]/"}`` (the deprecated IPv6
site-local space, which Python's ipaddress calls global) and ``https://192.88.99.1/`` (the deprecated 6to4 relay
anycast) were 201; ``https://1.1.1.1:443/p``, ``…/p#frag``, ``…/p?``, ``…/%70`` and ``https://[::ffff:1.1.1.1]/``
were each taken beside ``https://1.1.1.1/p`` (one active URL per employer). Now such addresses are refused at
registration and at each delivery (a DNS answer too; accounts.outbound), and every spelling of one URL has one stored
form (hr_api.webhooks.endpoints.stored_url), the one the rule of one active URL compares."""

from __future__ import annotations

import ipaddress

import pytest
from django.utils import translation

from accounts import outbound
from hr_api.admin import WebhookEndpointForm
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import deliveries
from hr_api.webhooks.endpoints import stored_url, vet_endpoint_url
from tests.api.conftest import http

pytestmark = pytest.mark.django_db

EVENTS = ["certificate.issued"]
#: Addresses IANA's special-purpose registries do not call globally reachable (or that no receiver has) and that
#: Python 3.11's ipaddress calls global; each is refused, as a literal host and as a DNS answer.
NOT_PUBLIC = [
    "fec0::1",  # the probe's: deprecated site-local (RFC 3879)
    "feff:ffff::1",  # the end of fec0::/10
    "192.88.99.1",  # the probe's: deprecated 6to4 relay anycast (RFC 7526)
    "192.88.99.255",
    "2002:c058:6301::1",  # 6to4 of 192.88.99.1
    "192.0.0.9",  # 192.0.0.0/24, IETF protocol assignments
    "198.18.0.1",  # benchmarking
    "2001:1::1",  # 2001::/23 sub-ranges
    "2001:4:112::1",
    "2001:20::1",
    "64:ff9b:1::1",  # local-use IPv4/IPv6 translation
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "100::1",  # discard-only
]
PUBLIC = ["1.1.1.1", "2606:4700:4700::1111", "2002:101:101::1", "192.88.98.1", "192.88.100.1", "2001:200::1"]
SPELLINGS = [
    "https://1.1.1.1:443/p",
    "https://1.1.1.1:0443/p",
    "https://1.1.1.1/p#frag",
    "https://1.1.1.1/p#",
    "https://1.1.1.1/p?",
    "https://1.1.1.1/%70",
    "https://1.1.1.1/x/../p",
    "https://1.1.1.1/./p",
    "https://[::ffff:1.1.1.1]/p",
    "https://[::FFFF:101:101]:443/%70?#x",
]


@pytest.fixture
def api(hr_client):
    return http(hr_client)


def register(api, url):
    return api.post("/api/v1/webhooks/", {"url": url, "events": EVENTS}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def literal(address: str) -> str:
    return f"https://[{address}]/" if ":" in address else f"https://{address}/"


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_special_purpose_addresses_are_not_public(address):
    assert outbound.address_kind(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_their_neighbours_are_public(address):
    assert outbound.address_kind(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_registering_a_literal_special_purpose_address_is_refused(api, address):
    response = register(api, literal(address))
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("url", "address")
    assert address.split(":")[0] in error["message"] or "192.88.99.1" in error["message"]
    assert not WebhookEndpoint.objects.exists()


def test_the_site_local_refusal_is_translated(api):
    response = api.post(
        "/api/v1/webhooks/", {"url": "https://[fec0::1]/", "events": EVENTS}, format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )  # fmt: skip
    assert response.status_code == 400
    with translation.override("zh-hant"):
        kind = str(outbound.KINDS["private"])
    assert kind in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_a_name_resolving_to_one_is_refused_at_registration_and_at_each_delivery(api, hr_client, dns, address):
    dns["hooks.bank.example"] = address
    response = register(api, "https://hooks.bank.example/hook")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "address"
    with pytest.raises(outbound.OutboundRefused) as refused:
        vet_endpoint_url("https://hooks.bank.example/hook")
    assert refused.value.code == "address" and refused.value.permanent


def test_a_delivery_whose_name_now_resolves_to_site_local_is_refused_and_not_sent(api, dns, monkeypatch):
    assert register(api, "https://hooks.bank.example/hook").status_code == 201
    dns["hooks.bank.example"] = ["2606:4700:4700::1111", "fec0::1"]
    sent = []
    monkeypatch.setattr(deliveries.outbound, "post", lambda *args, **kwargs: sent.append(args))
    delivery = WebhookDelivery.objects.create(endpoint=WebhookEndpoint.objects.get(), event=EVENTS[0], payload={})
    with translation.override("en"):
        assert deliveries.attempt_delivery(delivery.pk) is None  # refused for good: no retry
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED and "fec0::1" in delivery.last_error
    assert not sent


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_each_spelling_of_a_url_is_its_one_stored_form(spelling):
    assert stored_url(spelling) == "https://1.1.1.1/p"


def test_the_stored_form_keeps_what_tells_urls_apart():
    assert stored_url("https://1.1.1.1:8443/p") == "https://1.1.1.1:8443/p"
    assert stored_url("https://1.1.1.1") == "https://1.1.1.1/"
    assert stored_url("https://1.1.1.1/P?q=%2f%7e&r=") == "https://1.1.1.1/P?q=%2F~&r="
    assert stored_url("https://1.1.1.1/a%20b/") == "https://1.1.1.1/a%20b/"
    assert stored_url("https://[2606:4700:0:0:0:0:0:1111]:443/h") == "https://[2606:4700::1111]/h"
    assert stored_url("https://HR.Bänk.example:443/h#x") == "https://hr.xn--bnk-qla.example/h"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_another_spelling_of_an_active_url_is_409_url_taken(api, spelling):
    assert register(api, "https://1.1.1.1/p").status_code == 201
    response = register(api, spelling)
    assert response.status_code == 409, response.content
    assert "url_taken" in response.content.decode(), response.content
    assert WebhookEndpoint.objects.count() == 1


def test_a_spelling_registered_first_is_stored_in_the_one_form(api):
    response = register(api, "https://[::ffff:1.1.1.1]:443/%70?#frag")
    assert response.status_code == 201, response.content
    assert response.json()["url"] == WebhookEndpoint.objects.get().url == "https://1.1.1.1/p"
    assert register(api, "https://1.1.1.1/p").status_code == 409


def test_the_admin_compares_the_stored_form_too(api, hr_client):
    assert register(api, "https://1.1.1.1/p").status_code == 201
    data = {"employer": hr_client.employer.pk, "url": "https://1.1.1.1:443/%70#x", "events": EVENTS, "is_active": True}
    with translation.override("en"):
        form = WebhookEndpointForm(data=data)
        assert not form.is_valid()
        assert [e.code for e in form.errors.as_data()["url"]] == ["url_taken"]
