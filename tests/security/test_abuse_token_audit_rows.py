"""Refused token requests cannot grow the audit trail by a row each (an outside probe sent junk token requests by
the thousand, and each wrote a row).

They are recorded aggregated (hr_api.token.record_refusal): per known client id (unknown ones under one count) and
address, a row for the first refusal of ``AUDIT_WINDOW_SECONDS`` and again at the 10th, 100th… with the count so
far. What a security review reads stays: which client, from which address, when it began, the status, how many.
"""

from __future__ import annotations

import base64

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/oauth/token/"


@pytest.fixture(autouse=True)
def no_throttle(settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 10_000  # the rows are counted here, not the limits


def ask(client_id: str, secret: str = "wrong", address: str = "203.0.113.7"):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client(REMOTE_ADDR=address).post(
        TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )


def refused_rows():
    return AuditEvent.objects.filter(action="access_refused", detail__endpoint="token").order_by("pk")


def test_wrong_secrets_for_a_known_client_make_a_row_at_the_first_and_each_tenfold(hr_client):
    for _ in range(120):
        assert ask("hr-alpha").status_code == 401
    rows = list(refused_rows())
    assert [row.detail["refused"] for row in rows] == [1, 10, 100]
    first = rows[0]
    assert (first.actor_label, first.ip_address, first.detail["status"]) == ("api:hr-alpha", "203.0.113.7", 401)
    assert first.summary == "token refused (401)"
    assert rows[-1].summary == "token refused (401), 100 times from 203.0.113.7 within 10 minutes"


def test_junk_client_ids_share_one_count_per_address(hr_client):
    for n in range(50):
        assert ask(f"junk-{n}").status_code == 401
    rows = list(refused_rows())
    assert [(row.actor_label, row.detail["refused"]) for row in rows] == [("anonymous", 1), ("anonymous", 10)]
    assert rows[0].detail["client_id"] == "junk-0"  # what was tried, as a sample


def test_each_client_and_address_is_recorded_apart(hr_client, other_hr_client):
    ask("hr-alpha")
    ask("hr-alpha", address="198.51.100.1")
    ask("hr-bravo")
    ask("junk")
    ask("hr-alpha")  # counted in its row
    assert sorted((row.actor_label, row.ip_address) for row in refused_rows()) == [
        ("anonymous", "203.0.113.7"),
        ("api:hr-alpha", "198.51.100.1"),
        ("api:hr-alpha", "203.0.113.7"),
        ("api:hr-bravo", "203.0.113.7"),
    ]


def test_a_new_window_starts_with_a_row_again(hr_client):
    ask("hr-alpha")
    ask("hr-alpha")
    cache.clear()  # AUDIT_WINDOW_SECONDS later
    ask("hr-alpha")
    assert [row.detail["refused"] for row in refused_rows()] == [1, 1]


def test_a_token_issued_writes_no_refusal(hr_client):
    assert ask("hr-alpha", "s-a").status_code == 200
    assert not refused_rows().exists()
