"""Passing the second step gives the session a new id (F2): an id seen while a staff person had
given only their password — in a log, on a shared computer, planted by a session-fixation attack —
opens nothing once they are through, whichever way they pass it: an authenticator's code at
set-up or at log-in, a recovery code, a passkey set up instead of an app, or a passkey used."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import UserSession
from accounts.second_factor import services
from tests.conftest import PASSWORD
from tests.security.software_authenticator import SoftwareAuthenticator
from tests.security.test_second_factor import SECRET, code_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_second_factor")]
LOGIN = "/zh-hant/accounts/login/"
ADMIN = "/zh-hant/admin/"
VERIFY = "/zh-hant/accounts/second-factor/"
ENROL = "/zh-hant/accounts/second-factor/enrol/"
PASSKEY_STEPS = "/zh-hant/accounts/second-factor/passkeys"


def password_only(email: str) -> tuple[Client, str]:
    """A staff log-in with the password only, and the session id it was given."""
    client = Client()
    response = client.post(LOGIN, {"username": email, "password": PASSWORD, "next": ADMIN})
    assert response.status_code == 302, response.content
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(ADMIN)["Location"].startswith("/zh-hant/accounts/second-factor/")
    return client, before


def assert_only_the_new_id_opens_admin(client: Client, before: str) -> None:
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(ADMIN).status_code == 200
    assert not UserSession.objects.filter(session_key=before).exists()
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    refused = stale.get(ADMIN)
    assert refused.status_code == 302 and refused["Location"].startswith("/zh-hant/admin/login/")


def post_json(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_an_authenticators_code_at_log_in_gives_a_new_session_id(institution_grader):
    services.do_set_authenticator(user=institution_grader, secret=SECRET)
    client, before = password_only(institution_grader.email)
    response = client.post(VERIFY, {"code": code_for(SECRET), "next": ADMIN})
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert_only_the_new_id_opens_admin(client, before)


def test_a_recovery_code_gives_a_new_session_id(institution_grader):
    services.do_set_authenticator(user=institution_grader, secret=SECRET)
    codes = services._new_recovery_codes(institution_grader)
    client, before = password_only(institution_grader.email)
    response = client.post(VERIFY, {"code": codes[0], "next": ADMIN})
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert_only_the_new_id_opens_admin(client, before)


def test_confirming_a_new_authenticator_gives_a_new_session_id(institution_grader):
    client, before = password_only(institution_grader.email)
    client.get(f"{ENROL}?next={ADMIN}")
    secret = services.secret_of(services.authenticator_of(institution_grader, confirmed=False))
    response = client.post(ENROL, {"code": code_for(secret), "next": ADMIN})
    assert response.status_code == 302 and "/recovery-codes/" in response["Location"]
    assert_only_the_new_id_opens_admin(client, before)
    # The recovery codes made at set-up wait in the session for their page, under the new id.
    assert client.get(response["Location"]).status_code == 200


def test_setting_up_a_passkey_instead_of_an_app_gives_a_new_session_id(institution_grader):
    client, before = password_only(institution_grader.email)
    client.get(f"{ENROL}?next={ADMIN}")
    authenticator = SoftwareAuthenticator()
    options = post_json(client, f"{PASSKEY_STEPS}/registration/begin/")
    assert options.status_code == 200, options.content
    done = post_json(
        client, f"{PASSKEY_STEPS}/registration/complete/?next={ADMIN}", authenticator.register(options.json())
    )
    assert done.status_code == 200, done.content
    assert WebAuthnCredential.objects.filter(user=institution_grader).exists()
    assert_only_the_new_id_opens_admin(client, before)


def test_a_passkey_at_log_in_gives_a_new_session_id(institution_grader):
    authenticator = SoftwareAuthenticator()
    services.do_set_authenticator(user=institution_grader, secret=SECRET)
    setup, _ = password_only(institution_grader.email)
    assert setup.post(VERIFY, {"code": code_for(SECRET), "next": ADMIN}).status_code == 302
    options = post_json(setup, f"{PASSKEY_STEPS}/registration/begin/")
    assert (
        post_json(setup, f"{PASSKEY_STEPS}/registration/complete/", authenticator.register(options.json())).status_code
        == 200
    )
    setup.post("/zh-hant/accounts/logout/")

    client, before = password_only(institution_grader.email)
    options = post_json(client, f"{PASSKEY_STEPS}/authentication/begin/")
    assert options.status_code == 200, options.content
    done = post_json(
        client, f"{PASSKEY_STEPS}/authentication/complete/?next={ADMIN}", authenticator.authenticate(options.json())
    )
    assert done.status_code == 200 and done.json()["redirect_url"] == ADMIN, done.content
    assert_only_the_new_id_opens_admin(client, before)


def test_a_wrong_code_keeps_the_session_as_it_is(institution_grader):
    """Only a passed step renews the id: a refused one leaves the person on the code page, same session."""
    services.do_set_authenticator(user=institution_grader, secret=SECRET)
    client, before = password_only(institution_grader.email)
    assert client.post(VERIFY, {"code": "000000", "next": ADMIN}).status_code == 200
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before
    assert client.get(ADMIN)["Location"].startswith(VERIFY)
