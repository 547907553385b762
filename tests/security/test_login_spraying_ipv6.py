"""The per-address limit on failed log-ins (accounts.lockout) counts an IPv6 client by its /64 (F3).

One subscriber, one server or one cloud instance is routinely given a whole /64, 2**64 addresses:
counted per full address, such a client tries a few passwords from each of as many addresses as it
likes and never meets LOGIN_FAILURES_PER_ADDRESS. So an IPv6 address counts as its /64 network, an
IPv4-mapped IPv6 address as the IPv4 address it is, and an IPv4 address as itself (a NAT's people
share one address already; widening it to a /24 would pause a whole provider's customers)."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from accounts import audit
from accounts.lockout import client_is_paused
from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
LOGIN = "/en/accounts/login/"
LIMIT = 5
NETWORK = "2001:db8:1:2"  # a client's /64


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = LIMIT
    settings.TRUSTED_PROXIES = ()


@pytest.fixture
def owner():
    return UserFactory(email="owner@example.test", password=PASSWORD)


def log_in(email: str, password: str, address: str):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": email, "password": password})


def spray(addresses: list[str]) -> None:
    """One wrong password from each of ``addresses``, each against another account."""
    for n, address in enumerate(addresses):
        UserFactory(email=f"sprayed{n}@example.test", password=PASSWORD)
        assert log_in(f"sprayed{n}@example.test", "Spring2026!", address).status_code == 200


def paused(address: str) -> bool:
    return client_is_paused(RequestFactory().get("/", REMOTE_ADDR=address))


def test_failures_from_many_addresses_of_one_ipv6_64_pause_all_of_it(owner):
    spray([f"{NETWORK}:{n:x}:{n:x}:{n:x}:{n + 1:x}" for n in range(LIMIT)])
    # Yet another address of the same /64, even with the right password of an untouched account.
    response = log_in(owner.email, PASSWORD, f"{NETWORK}:ffff:ffff:ffff:fffe")
    assert response.status_code == 429
    assert "Too many failed log-ins came from your network address" in response.content.decode()
    assert paused(f"{NETWORK}::1")
    # The next /64 is another client, and the owner's account is not locked.
    assert not paused("2001:db8:1:3::1")
    assert log_in(owner.email, PASSWORD, "2001:db8:1:3::1").status_code == 302


def test_one_failure_short_of_the_limit_in_a_64_still_lets_people_in(owner):
    spray([f"{NETWORK}::{n + 1:x}" for n in range(LIMIT - 1)])
    assert log_in(owner.email, PASSWORD, f"{NETWORK}::abcd").status_code == 302


def test_an_ipv4_mapped_address_counts_as_the_ipv4_address_it_is(owner):
    spray(["::ffff:198.51.100.66", "198.51.100.66"] * (LIMIT // 2) + ["::ffff:198.51.100.66"] * (LIMIT % 2))
    assert paused("198.51.100.66") and paused("::ffff:198.51.100.66")
    assert log_in(owner.email, PASSWORD, "198.51.100.66").status_code == 429
    # Not the whole IPv4 range mapped into ::ffff:0:0/96, nor the neighbour.
    assert not paused("::ffff:198.51.100.67") and not paused("198.51.100.67")


def test_ipv4_is_still_counted_per_address(owner):
    spray([f"198.51.100.{n + 1}" for n in range(LIMIT)])
    assert not paused("198.51.100.100")
    assert log_in(owner.email, PASSWORD, "198.51.100.100").status_code == 302


def test_the_pause_of_a_64_is_audited_once_under_its_network():
    spray([f"{NETWORK}::{n + 1:x}" for n in range(LIMIT)])
    log_in("sprayed0@example.test", "again", f"{NETWORK}::99")
    event = AuditEvent.objects.get(action="locked_out", detail__failed_log_ins=LIMIT)
    assert event.detail["ip_address"] == f"{NETWORK}::/64"
    assert event.ip_address == f"{NETWORK}::{LIMIT:x}"  # the address of the request that reached the limit
    with translation.override("en"):
        assert audit.describe(event) == f"Log-ins from {NETWORK}::/64 paused after too many failures"
