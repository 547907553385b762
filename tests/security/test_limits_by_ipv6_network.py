"""Every limit counted per client address counts an IPv6 client by its /64 (accounts.client_address.client_network):
one subscriber's line holds a whole /64, so counting each address let one caller multiply a limit by 2**64. The
log-in's limit is proven in test_login_spraying_ipv6; these are the others: the certificate look-up, the API's token
endpoint and public schema, and the caps on password-reset and verification mails."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import forms as account_forms
from accounts import views as account_views
from hr_api.auth import AddressRateThrottle

pytestmark = pytest.mark.django_db

ONE_LINE = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2::abcd"]
NEXT_LINE = "2001:db8:1:3::1"


def test_certificate_look_ups(settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 2
    statuses = [Client(REMOTE_ADDR=address).get("/en/verify/nope/").status_code for address in ONE_LINE]
    assert statuses == [404, 404, 429]
    assert Client(REMOTE_ADDR=NEXT_LINE).get("/en/verify/nope/").status_code == 404


def ask_for_a_token(address: str) -> int:
    """A token asked for by the same client id from each address (the endpoint counts per client id and address)."""
    basic = base64.b64encode(b"nobody:x").decode()
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/oauth/token/", {"grant_type": "client_credentials"}, format="multipart",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    ).status_code  # fmt: skip


def test_token_requests(settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    assert [ask_for_a_token(address) for address in ONE_LINE] == [401, 401, 429]
    assert ask_for_a_token(NEXT_LINE) == 401


def test_the_public_schema(monkeypatch):
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"api_public": "2/min"})
    statuses = [Client(REMOTE_ADDR=address).get("/api/v1/schema/").status_code for address in ONE_LINE]
    assert statuses == [200, 200, 429]
    assert Client(REMOTE_ADDR=NEXT_LINE).get("/api/v1/schema/").status_code == 200


@pytest.mark.parametrize(
    ("module", "service", "url"),
    [
        (account_views.services, "do_resend_verification", "/en/accounts/verify/resend/"),
        (account_forms, "do_request_password_reset", "/en/accounts/password/reset/"),
    ],
)
def test_the_caps_on_mails(monkeypatch, module, service, url):
    """The services cap asks per the client they are given: both pages give the /64."""
    clients: list[str] = []
    monkeypatch.setattr(module, service, lambda *, email, client, site_url: clients.append(client) or True)
    for address in [ONE_LINE[0], ONE_LINE[1], "::ffff:198.51.100.7", "198.51.100.7"]:
        Client(REMOTE_ADDR=address).post(url, {"email": "someone@example.test"})
    assert clients == ["2001:db8:1:2::/64", "2001:db8:1:2::/64", "198.51.100.7", "198.51.100.7"]
