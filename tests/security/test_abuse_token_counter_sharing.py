"""Many banks' HR systems behind one address (a carrier's NAT) do not hold each other up at the token endpoint (an
outside probe: one client failing there made every other client at that address wait).

The limits (hr_api.token): ``L`` requests a minute per client id and address, ``ADDRESS_CEILING × L`` per address
in all, and an address with ``L`` refusals in the minute is not served again for a client id it was refused for.
A guesser still gets ``L`` tries of a secret a minute per address, and one more check of each other client id it
names: what a wrong secret costs (it is checked as hashed passwords are) stays where it was.
"""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from hr_api import token

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/oauth/token/"
SHARED = "100.64.0.1"  # a carrier-grade NAT's address (RFC 6598)


@pytest.fixture
def secret_checks(monkeypatch) -> list[str]:
    """Every client secret compared with its stored hash (what a wrong secret costs the server)."""
    from oauth2_provider import oauth2_validators

    seen: list[str] = []
    real = oauth2_validators.check_password

    def counting(secret, encoded, *args, **kwargs):
        seen.append(secret)
        return real(secret, encoded, *args, **kwargs)

    monkeypatch.setattr(oauth2_validators, "check_password", counting)
    return seen


def ask(client_id: str, secret: str, address: str = SHARED):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client(REMOTE_ADDR=address).post(
        TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )


def test_a_client_failing_behind_a_shared_address_does_not_hold_up_the_others_there(
    hr_client, other_hr_client, settings
):
    settings.API_TOKEN_RATE_PER_MINUTE = 5
    # Bank A's system, with a secret rotated under it, retries in a loop.
    statuses = [ask("hr-alpha", "rotated-away").status_code for _ in range(40)]
    assert statuses == [401] * 5 + [429] * 35
    # Bank B's system at the same address gets its tokens.
    for _ in range(3):
        assert ask("hr-bravo", "s-b").status_code == 200
    # Bank A with its new secret waits out the minute its loop took (its own count, not the others').
    assert ask("hr-alpha", "s-a").status_code == 429
    assert ask("hr-alpha", "s-a", address="198.51.100.20").status_code == 200


def test_a_guesser_gets_as_many_tries_of_a_secret_as_before(hr_client, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 5
    for n in range(5):
        assert ask("hr-alpha", f"guess-{n}", address="203.0.113.7").status_code == 401
    assert ask("hr-alpha", "s-a", address="203.0.113.7").status_code == 429  # even when right
    assert ask("hr-alpha", "s-a", address="198.51.100.20").status_code == 200  # the bank, elsewhere


def test_an_address_that_keeps_failing_gets_one_more_check_per_client_it_names(
    hr_client, other_hr_client, settings, secret_checks
):
    settings.API_TOKEN_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert ask("hr-alpha", "wrong", address="203.0.113.7").status_code == 401
    assert ask("hr-bravo", "wrong", address="203.0.113.7").status_code == 401  # one check of another client
    checked = len(secret_checks)
    for client_id in ("hr-alpha", "hr-bravo", "hr-bravo", "hr-alpha"):
        assert ask(client_id, "wrong", address="203.0.113.7").status_code == 429
    assert len(secret_checks) == checked  # no secret checked for them


def test_an_address_still_has_a_ceiling_whatever_client_ids_it_names(hr_client, settings, monkeypatch):
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    monkeypatch.setattr(token, "ADDRESS_CEILING", 3)
    statuses = [ask(f"nobody-{n}", "x", address="203.0.113.9").status_code for n in range(7)]
    assert statuses == [401] * 6 + [429]
    assert ask("hr-alpha", "s-a", address="203.0.113.9").status_code == 429  # the address is full
    assert ask("hr-alpha", "s-a", address="203.0.113.10").status_code == 200


def test_a_percent_encoded_client_id_shares_the_counts_of_the_client_it_names(hr_client, settings):
    # The toolkit form-decodes HTTP Basic's client id (RFC 6749 section 2.3.1): "hr%2Dalpha" is hr-alpha to it.
    settings.API_TOKEN_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert ask("hr-alpha", "wrong", address="203.0.113.7").status_code == 401
    assert ask("hr%2Dalpha", "s-a", address="203.0.113.7").status_code == 429
    assert ask("hr%2dalph%61", "wrong", address="203.0.113.7").status_code == 429


def test_a_percent_encoded_client_id_counts_against_the_tokens_issued_to_the_client(hr_client, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    assert ask("hr-alpha", "s-a", address="198.51.100.1").status_code == 200
    assert ask("hr%2Dalpha", "s-a", address="198.51.100.2").status_code == 200  # the toolkit's hr-alpha
    assert ask("hr-alpha", "s-a", address="198.51.100.3").status_code == 429
    assert ask("hr%2Dalpha", "s-a", address="198.51.100.4").status_code == 429


def test_a_basic_scheme_the_toolkit_does_not_read_leaves_the_form_s_client_id_counted(hr_client, settings):
    # The toolkit reads only "Basic" (case and all); another spelling is no credentials, so the form's id it uses.
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    for n in range(2):
        basic = base64.b64encode(f"decoy-{n}:x".encode()).decode()
        response = Client(REMOTE_ADDR="203.0.113.9").post(
            TOKEN_URL,
            {"grant_type": "client_credentials", "client_id": "hr-alpha", "client_secret": "s-a"},
            HTTP_AUTHORIZATION=f"basic {basic}",
        )
        assert response.status_code == 200
    assert ask("hr-alpha", "s-a", address="198.51.100.5").status_code == 429
