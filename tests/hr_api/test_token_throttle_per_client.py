"""The token endpoint's limits (an outside probe): wrong secrets sent for a bank's client id from another address
must not lock the bank out. Requests count per client id and address, so a guesser is held at
``API_TOKEN_RATE_PER_MINUTE`` a minute per address (and an address refused that often is not served again for the
client ids it was refused for: test_abuse_token_counter_sharing); a client id counts only the tokens it was issued,
which only the holder of its secret can do. A secret is 256 random bits, so no count of a client id's failures from
all addresses is kept: from many addresses a guesser still gets nowhere, and would only lock the bank out."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from hr_api import services

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/oauth/token/"
BANK = "127.0.0.1"
ATTACKER = "127.0.0.2"


def ask(client_id: str, secret: str, address: str):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client(REMOTE_ADDR=address).post(
        TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )


def test_wrong_secrets_from_another_address_do_not_lock_the_bank_out(other_hr_client, settings):
    """The probe: 20 wrong secrets for hr-bravo from 127.0.0.2, then the bank's right one from 127.0.0.1."""
    settings.API_TOKEN_RATE_PER_MINUTE = 20
    for _ in range(20):
        assert ask("hr-bravo", "wrong", ATTACKER).status_code == 401
    refused = ask("hr-bravo", "wrong", ATTACKER)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    for _ in range(3):  # and however often the attacker comes back
        assert ask("hr-bravo", "wrong", ATTACKER).status_code == 429
        assert ask("hr-bravo", "s-b", BANK).status_code == 200


def test_a_guesser_with_many_addresses_does_not_lock_the_bank_out(other_hr_client, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 3
    for n in range(10):
        address = f"203.0.113.{n + 1}"
        for _ in range(3):
            assert ask("hr-bravo", "wrong", address).status_code == 401
        assert ask("hr-bravo", "wrong", address).status_code == 429
    assert ask("hr-bravo", "s-b", BANK).status_code == 200


def test_the_address_limit_still_holds_a_guesser_whatever_client_ids_it_names(hr_client, other_hr_client, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 4
    for client_id in ("hr-alpha", "hr-bravo", "hr-charlie", "hr-alpha"):
        assert ask(client_id, "wrong", ATTACKER).status_code == 401
    assert ask("hr-bravo", "wrong", ATTACKER).status_code == 429
    # The right secret from the guessing address is held too: the address is over its limit.
    assert ask("hr-bravo", "s-b", ATTACKER).status_code == 429


def test_issued_tokens_are_limited_per_client_from_any_address(hr_client, other_hr_client, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    assert ask("hr-bravo", "s-b", "198.51.100.1").status_code == 200
    assert ask("hr-bravo", "s-b", "198.51.100.2").status_code == 200
    held = ask("hr-bravo", "s-b", "198.51.100.3")
    assert held.status_code == 429 and held["Retry-After"] == "60"
    assert ask("hr-alpha", "s-a", "198.51.100.4").status_code == 200  # another client is not held up


def test_refused_requests_do_not_count_as_issued_tokens(other_hr_client, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    for n in range(5):
        assert ask("hr-bravo", "wrong", f"203.0.113.{n + 1}").status_code == 401
    assert ask("hr-bravo", "s-b", BANK).status_code == 200


def test_the_client_secrets_are_256_random_bits(hr_client):
    """What makes a count of a client id's failures needless (the module's and README's argument)."""
    secret = services.do_rotate_secret(client=hr_client)
    assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) == 32
