"""The sign-up's verification link acts only on the button's POST: mail scanners and link previews fetch the links
in a mail (GET, HEAD), and must not activate an account nobody opened. The page the link opens says whose account
it is by a masked address; the pages of a used, expired or forged link are as before. (An outside tester found
that a plain GET activated the account.)"""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time

from accounts.services import VERIFICATION_SALT, verification_token
from accounts.verification import masked_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EMAIL = "mei.chen@example.test"


@pytest.fixture
def pending():
    return UserFactory(email=EMAIL, is_active=False, email_verified_at=None, preferred_language="en")


def url(user, lang: str = "en") -> str:
    return f"/{lang}/accounts/verify/{verification_token(user)}/"


def still_pending(user) -> bool:
    user.refresh_from_db()
    return not user.is_active and user.email_verified_at is None


def test_fetching_the_link_activates_nothing_and_shows_a_button_that_posts(pending):
    scanner = Client()
    for _fetch in range(3):
        assert scanner.get(url(pending)).status_code == 200
    assert scanner.head(url(pending)).status_code in (200, 405)
    assert still_pending(pending)
    html = Client().get(url(pending)).content.decode()
    form = re.search(r'<form method="post" id="verify-form">(.*?)</form>', html, re.S).group(1)
    assert 'name="csrfmiddlewaretoken"' in form and 'type="submit"' in form
    assert "m•••@example.test" in html and EMAIL not in html  # whose account, not the whole address


def test_the_button_verifies_with_the_pages_csrf_token_and_not_without(pending):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url(pending)).content.decode()
    assert browser.post(url(pending)).status_code == 403  # a forged post from elsewhere
    assert still_pending(pending)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    done = browser.post(url(pending), {"csrfmiddlewaretoken": token})
    assert done.status_code == 200 and 'href="/en/accounts/login/"' in done.content.decode()
    assert not still_pending(pending)


def test_the_page_is_in_the_links_language(pending):
    html = Client().get(url(pending, "zh-hant")).content.decode()
    with translation.override("zh-hant"):
        assert gettext("Confirm and activate my account") in html
        assert gettext("If you did not sign up, close this page: nothing changes.") in html
    assert '<html lang="zh-Hant"' in html


def test_a_used_link_opened_again_says_so_and_changes_nothing(pending):
    Client().post(url(pending))
    pending.refresh_from_db()
    verified_at = pending.email_verified_at
    for method in ("get", "post"):
        answer = getattr(Client(), method)(url(pending))
        assert answer.status_code == 400 and "already verified" in answer.content.decode()
    pending.refresh_from_db()
    assert pending.email_verified_at == verified_at


def test_an_expired_or_forged_link_shows_the_failure_page_on_opening_and_on_posting(pending):
    with freeze_time("2026-01-01"):
        expired = f"/en/accounts/verify/{signing.dumps({'u': pending.pk, 'e': pending.email}, salt=VERIFICATION_SALT)}/"
    with freeze_time("2026-01-05"):
        for method in ("get", "post"):
            answer = getattr(Client(), method)(expired)
            assert answer.status_code == 400 and "has expired" in answer.content.decode()
    for method in ("get", "post"):
        answer = getattr(Client(), method)("/en/accounts/verify/not-a-token/")
        assert answer.status_code == 400 and "not valid" in answer.content.decode()
    # A token for an address the account no longer has is refused the same way.
    moved = f"/en/accounts/verify/{signing.dumps({'u': pending.pk, 'e': 'old@example.test'}, salt=VERIFICATION_SALT)}/"
    assert Client().get(moved).status_code == 400
    assert still_pending(pending)


@pytest.mark.parametrize(
    ("address", "shown"),
    [("mei.chen@example.test", "m•••@example.test"), ("a@b.test", "a•••@b.test"), ("no-at-sign", "n•••")],
)
def test_the_masked_address_keeps_the_first_character_and_the_domain(address: str, shown: str):
    assert masked_email(address) == shown
