"""Six wrong passwords lock an account for 30 minutes, with a page that says what happened."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
LOGIN = "/en/accounts/login/"


def fail(client: Client, times: int, email="target@example.test"):
    response = None
    for _attempt in range(times):
        response = client.post(LOGIN, {"username": email, "password": "wrong"})
    return response


def test_five_failures_still_let_the_right_password_in(client: Client):
    UserFactory(email="target@example.test", password=PASSWORD)
    assert fail(client, 5).status_code == 200
    response = client.post(LOGIN, {"username": "target@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_sixth_failure_shows_the_locked_out_page_in_the_users_language(client: Client):
    UserFactory(email="target@example.test", password=PASSWORD)
    fail(client, 5)
    response = client.post("/en/accounts/login/", {"username": "target@example.test", "password": "wrong"})
    assert response.status_code in (403, 429)
    html = response.content.decode()
    assert "Too many failed log-ins" in html and "30 minutes" in html
    assert "/en/accounts/password/reset/" in html


def test_the_lock_holds_for_29_minutes(client: Client):
    UserFactory(email="target@example.test", password=PASSWORD)
    start = timezone.now()
    with freeze_time(start):
        fail(client, 6)
    with freeze_time(start + datetime.timedelta(minutes=29)):
        assert client.post(LOGIN, {"username": "target@example.test", "password": PASSWORD}).status_code in (403, 429)


def test_the_lock_lifts_after_30_minutes(client: Client):
    """(An attempt during the lock does not start the 30 minutes again: tests/accounts/test_lockout_followups.py.)"""
    UserFactory(email="target@example.test", password=PASSWORD)
    start = timezone.now()
    with freeze_time(start):
        fail(client, 6)
    with freeze_time(start + datetime.timedelta(minutes=31)):
        response = client.post(LOGIN, {"username": "target@example.test", "password": PASSWORD})
        assert response.status_code == 302


def test_a_lock_on_one_account_does_not_lock_another(client: Client):
    UserFactory(email="target@example.test", password=PASSWORD)
    UserFactory(email="colleague@example.test", password=PASSWORD)
    fail(client, 6)
    response = client.post(LOGIN, {"username": "colleague@example.test", "password": PASSWORD})
    assert response.status_code == 302
