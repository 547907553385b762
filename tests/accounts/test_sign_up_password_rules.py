"""Sign-up shows the password rules before any error, as the reset page does, and after a refused post says that
the two password fields were emptied; a verification link opened again says the address is verified and offers
the log-in (or, signed in, the dashboard), not a puzzling "nothing was changed"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.services import verification_token
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_sign_up_form_shows_the_password_rules_before_any_error(client: Client):
    english = client.get("/en/accounts/signup/").content.decode()
    assert "Your password must contain at least 8 characters." in english
    assert 'id="id_password1_helptext"' in english and 'aria-describedby="id_password1_helptext"' in english
    chinese = client.get("/zh-hant/accounts/signup/").content.decode()
    with translation.override("zh-hant"):
        rule = gettext("Your password can’t be entirely numeric.")
    assert rule != "Your password can’t be entirely numeric." and rule in chinese  # Django's own translation


def test_after_an_error_the_form_says_the_password_fields_were_emptied(client: Client):
    answer = client.post(
        "/en/accounts/signup/",
        {"display_name": "Mei", "email": "not-an-address", "password1": PASSWORD, "password2": PASSWORD,
         "preferred_language": "en"},
    )  # fmt: skip
    html = answer.content.decode()
    assert "the password fields were emptied" in html and PASSWORD not in html
    assert "Your password must contain at least 8 characters." in html  # the rules stay
    assert "emptied" not in client.get("/en/accounts/signup/").content.decode()  # not before any post


def test_a_verification_link_opened_again_says_the_address_is_verified_and_offers_the_log_in(client: Client):
    user = UserFactory(is_active=False)
    token = verification_token(user)
    assert client.post(f"/en/accounts/verify/{token}/").status_code == 200  # the page's button
    again = client.get(f"/en/accounts/verify/{token}/")
    html = again.content.decode()
    assert "already verified" in html and 'href="/en/accounts/login/"' in html
    assert "Nothing was changed" not in html and "cannot be used" not in html
    chinese = client.get(f"/zh-hant/accounts/verify/{token}/").content.decode()
    with translation.override("zh-hant"):
        assert gettext("Nothing was changed.") not in chinese and gettext("This link cannot be used") not in chinese


def test_signed_in_the_used_verification_link_offers_the_dashboard(client: Client):
    user = UserFactory(is_active=False)
    token = verification_token(user)
    client.post(f"/en/accounts/verify/{token}/")
    client.force_login(user)
    html = client.get(f"/en/accounts/verify/{token}/").content.decode()
    assert 'href="/en/dashboard/"' in html
    assert "already verified" in html
