"""The token endpoint is throttled per client id and address, per address in all (a higher ceiling), and per client
id only by the tokens issued: a client secret cannot be guessed at network speed, and refused token requests are
in the audit trail (aggregated: test_abuse_token_audit_rows)."""

import base64

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from hr_api.models import SCOPES
from hr_api.services import do_create_client

pytestmark = pytest.mark.django_db


def ask(client_id: str, secret: str, address: str = "192.0.2.1"):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials"},
        format="multipart",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def test_guessing_a_secret_is_stopped_per_address_and_never_locks_the_client_out(settings, employer, other_employer):
    # No per-client failure cap: the secrets are 256 random bits, and such a cap would let anyone who knows a
    # client id lock the bank out (tests/hr_api/test_token_throttle_per_client.py).
    settings.API_TOKEN_RATE_PER_MINUTE = 5
    _client, secret = do_create_client(employer=employer, name="HR", scopes=SCOPES, client_id="hr-target")
    _other, other_secret = do_create_client(employer=other_employer, name="HR2", scopes=SCOPES, client_id="hr-other")
    for n in range(5):
        assert ask("hr-target", f"guess-{n}", address="198.51.100.7").status_code == 401
    refused = ask("hr-target", secret, address="198.51.100.7")  # the guesser's address waits, even when right
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert refused["Content-Type"].startswith("application/problem+json") and refused.json()["status"] == 429
    assert ask("hr-target", secret, address="198.51.100.99").status_code == 200  # the bank, elsewhere: served
    assert ask("hr-other", other_secret, address="203.0.113.5").status_code == 200  # others are not held up
    events = AuditEvent.objects.filter(action="access_refused", actor_label="api:hr-target")
    assert [(e.detail["endpoint"], e.detail["refused"], e.ip_address) for e in events] == [("token", 1, "198.51.100.7")]


def test_one_address_cannot_spray_many_client_ids(settings):
    from hr_api.token import ADDRESS_CEILING

    settings.API_TOKEN_RATE_PER_MINUTE = 3
    for n in range(3 * ADDRESS_CEILING):
        assert ask(f"nobody-{n}", "x", address="192.0.2.50").status_code == 401
    assert ask("nobody-99", "x", address="192.0.2.50").status_code == 429
