"""No more than six failed log-ins reach the password check; then the account waits 30 minutes,
whatever address the attempts come from, and even the right password is not checked."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
LOGIN = "/en/accounts/login/"


def attempt(password: str, address: str) -> int:
    response = Client(REMOTE_ADDR=address).post(LOGIN, {"username": "target@example.test", "password": password})
    return response.status_code


def test_the_seventh_attempt_never_reaches_the_password_check_even_with_the_right_password(password_checks):
    UserFactory(email="target@example.test", password=PASSWORD)
    # Six failures from six addresses: an attacker who rotates addresses gains nothing.
    for n in range(6):
        attempt("wrong", f"198.51.100.{n + 1}")
    assert password_checks == ["wrong"] * 6
    status = attempt(PASSWORD, "203.0.113.9")
    assert status in (403, 429)
    assert password_checks == ["wrong"] * 6  # the right password was never compared
    assert AuditEvent.objects.filter(action="login").count() == 0
    assert AuditEvent.objects.filter(action="locked_out", actor_label="target@example.test").exists()


def test_the_lock_lasts_at_least_30_minutes_and_no_password_is_checked_meanwhile(password_checks):
    UserFactory(email="target@example.test", password=PASSWORD)
    start = timezone.now()
    with freeze_time(start):
        for _ in range(6):
            attempt("wrong", "198.51.100.1")
    with freeze_time(start + datetime.timedelta(minutes=29, seconds=50)):
        assert attempt(PASSWORD, "198.51.100.1") in (403, 429)
    assert len(password_checks) == 6
    # The attempt during the lock was refused unchecked and counted nothing (accounts.lockout): the lock has ended.
    with freeze_time(start + datetime.timedelta(minutes=61)):
        assert attempt(PASSWORD, "198.51.100.1") == 302
    assert password_checks[-1] == PASSWORD
