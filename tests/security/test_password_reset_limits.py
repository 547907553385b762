"""The password reset form cannot flood a mailbox, nor mail address after address from one client:
one mail per account in ten minutes, and 50 asks per client address an hour, capped like the
verification link's resend. The page that follows is the same whether a mail went or not."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from accounts import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RESET = "/en/accounts/password/reset/"


def ask(email: str, *, address: str = "198.51.100.7") -> bytes:
    """Post the reset form from a fresh browser at ``address``; the answer that follows, CSRF blanked."""
    response = Client(REMOTE_ADDR=address).post(RESET, {"email": email}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/en/accounts/password/reset/sent/", 302)]
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def test_ten_asks_for_one_address_send_one_mail(django_capture_on_commit_callbacks):
    UserFactory(email="victim@example.test", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        answers = {ask("victim@example.test", address=f"198.51.100.{n}") for n in range(1, 11)}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["victim@example.test"]
    assert len(answers) == 1  # every ask, mailed or not, gets the same page


def test_the_owner_can_ask_again_after_ten_minutes(django_capture_on_commit_callbacks):
    UserFactory(email="slow@example.test", preferred_language="en")
    start = timezone.now()
    with freeze_time(start), django_capture_on_commit_callbacks(execute=True):
        ask("slow@example.test")
    with freeze_time(start + datetime.timedelta(minutes=9)), django_capture_on_commit_callbacks(execute=True):
        ask("slow@example.test")
    assert len(mail.outbox) == 1
    with freeze_time(start + datetime.timedelta(minutes=11)), django_capture_on_commit_callbacks(execute=True):
        ask("slow@example.test")
    assert len(mail.outbox) == 2


def test_one_client_is_capped_across_addresses_and_others_are_not(django_capture_on_commit_callbacks):
    limit = 50
    assert limit == services.RESET_PER_CLIENT_HOUR
    for n in range(limit + 2):
        UserFactory(email=f"person{n}@example.test", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        answers = {ask(f"person{n}@example.test") for n in range(limit + 1)}
    assert len(mail.outbox) == limit  # the ask past the limit mailed nobody
    assert len(answers) == 1
    with django_capture_on_commit_callbacks(execute=True):
        ask(f"person{limit + 1}@example.test", address="203.0.113.5")  # another client still can
    assert mail.outbox[-1].to == [f"person{limit + 1}@example.test"]


def test_an_unknown_address_is_answered_like_a_known_one(django_capture_on_commit_callbacks):
    UserFactory(email="known@example.test", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        assert ask("known@example.test") == ask("nobody@example.test") == ask("known@example.test")
    assert [m.to for m in mail.outbox] == [["known@example.test"]]
