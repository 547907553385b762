"""Password spraying from one client address is slowed: after LOGIN_FAILURES_PER_ADDRESS (300) failed
log-ins within LOGIN_FAILURES_PER_ADDRESS_MINUTES (15), log-ins from that address are paused until the
window ends, whichever accounts it tries, and no password is checked meanwhile. The per-account
lock-out (six failures, any address) is unchanged, and a pause is not held against the accounts
behind the address: their owners log in from elsewhere at once, and from there once it ends."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation
from freezegun import freeze_time

from accounts import audit
from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
LOGIN = "/en/accounts/login/"
SPRAYER = "198.51.100.66"
LIMIT = 5  # the tests' limit; the setting's default is asserted on its own


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = LIMIT


def log_in(email: str, password: str, address: str = SPRAYER, url: str = LOGIN):
    return Client(REMOTE_ADDR=address).post(url, {"username": email, "password": password})


def spray(count: int, address: str = SPRAYER) -> None:
    """``count`` wrong passwords from ``address``, each against another account."""
    for n in range(count):
        UserFactory(email=f"sprayed{n}@example.test", password=PASSWORD)
        assert log_in(f"sprayed{n}@example.test", "Spring2026!", address).status_code == 200


def test_the_defaults_are_300_failures_in_15_minutes():
    from config import settings as project

    assert (project.LOGIN_FAILURES_PER_ADDRESS, project.LOGIN_FAILURES_PER_ADDRESS_MINUTES) == (300, 15)


def test_after_the_limit_an_address_is_paused_for_every_account_and_no_password_is_checked(password_checks):
    UserFactory(email="owner@example.test", password=PASSWORD)
    spray(LIMIT)
    assert len(password_checks) == LIMIT
    response = log_in("owner@example.test", PASSWORD)  # even the right password of an untouched account
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed log-ins came from your network address" in html and "15 minutes" in html
    assert "This account is locked" not in html
    assert log_in("sprayed0@example.test", "another-guess").status_code == 429
    assert len(password_checks) == LIMIT  # nothing compared while paused


def test_a_pause_is_not_held_against_the_accounts_behind_the_address():
    owner = UserFactory(email="owner@example.test", password=PASSWORD)
    spray(LIMIT)
    for _ in range(8):  # the owner, behind the paused address, keeps trying: more than six times
        assert log_in(owner.email, PASSWORD).status_code == 429
    # Another address is not paused, and the owner's account is not locked.
    assert log_in(owner.email, PASSWORD, address="203.0.113.10").status_code == 302


def test_the_pause_ends_with_the_window():
    owner = UserFactory(email="owner@example.test", password=PASSWORD)
    start = timezone.now()
    with freeze_time(start):
        spray(LIMIT)
    with freeze_time(start + datetime.timedelta(minutes=14)):
        assert log_in(owner.email, PASSWORD).status_code == 429
    with freeze_time(start + datetime.timedelta(minutes=16)):
        assert log_in(owner.email, PASSWORD).status_code == 302


def test_one_failure_short_of_the_limit_still_lets_people_in():
    """A branch behind one NAT address: many people's typos, below the limit, block nobody."""
    owner = UserFactory(email="owner@example.test", password=PASSWORD)
    spray(LIMIT - 1)
    assert log_in(owner.email, PASSWORD).status_code == 302


def test_the_admin_log_in_page_is_paused_too(password_checks):
    staff = UserFactory(email="staff@example.test", password=PASSWORD, is_staff=True)
    spray(LIMIT)
    response = log_in(staff.email, PASSWORD, url="/en/admin/login/?next=/en/admin/")
    assert response.status_code == 429
    assert len(password_checks) == LIMIT


def test_the_pause_is_in_the_audit_trail_once():
    spray(LIMIT)
    log_in("sprayed0@example.test", "again")
    paused = AuditEvent.objects.filter(action="locked_out", detail__failed_log_ins=LIMIT)
    assert paused.count() == 1
    assert paused.get().ip_address == SPRAYER
    with translation.override("en"):
        assert audit.describe(paused.get()) == f"Log-ins from {SPRAYER} paused after too many failures"
    assert not AuditEvent.objects.filter(action="locked_out").exclude(pk=paused.get().pk).exists()


def test_the_per_account_lock_out_is_unchanged():
    """Six failures against one account, from six addresses, still lock that account (only)."""
    UserFactory(email="target@example.test", password=PASSWORD)
    other = UserFactory(email="other@example.test", password=PASSWORD)
    for n in range(6):
        log_in("target@example.test", "wrong", address=f"203.0.113.{n + 1}")
    assert log_in("target@example.test", PASSWORD, address="203.0.113.50").status_code == 429
    assert log_in(other.email, PASSWORD, address="203.0.113.1").status_code == 302
