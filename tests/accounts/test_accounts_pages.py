"""Sign-up with e-mail verification, log-in with lock-out, password reset and the profile."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from freezegun import freeze_time

from accounts.models import TraineeProfile, User
from accounts.services import VERIFICATION_SALT, verification_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"


def link_in(message) -> str:
    return re.search(r"https?://[^\s\"<]+", message.body).group(0).split("testserver", 1)[1]


def sign_up(client: Client, email="mei@example.test", language="zh-hant", **extra):
    data = {
        "display_name": "林美玲",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "preferred_language": language,
        **extra,
    }
    return client.post(f"/{language}/accounts/signup/", data)


def test_sign_up_sends_a_verification_mail_and_the_link_activates_the_account(
    client: Client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 200
    assert "mei@example.test" in response.content.decode()
    user = User.objects.get(email="mei@example.test")
    assert not user.is_active and user.email_verified_at is None
    assert TraineeProfile.objects.filter(user=user, employer=None).exists()
    assert user.groups.filter(name="trainee").exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mei@example.test"]
    assert "確認" in message.subject  # in the person's language
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    # (client.login() bypasses the request axes needs: log in through the page.)
    refused = client.post("/zh-hant/accounts/login/", {"username": "mei@example.test", "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session

    # Opening the link shows a button (mail scanners fetch links); its POST activates the account.
    response = client.get(link_in(message))
    assert response.status_code == 200 and 'id="verify-form"' in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active and user.email_verified_at is None
    response = client.post(link_in(message))
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None
    assert (
        client.post("/zh-hant/accounts/login/", {"username": "mei@example.test", "password": PASSWORD}).status_code
        == 302
    )


def test_the_verification_mail_is_in_english_for_an_english_speaker(client: Client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="sam@example.test", language="en")
    assert mail.outbox[0].subject == "Confirm your e-mail address for the BCM portal"
    assert "/en/accounts/verify/" in mail.outbox[0].body


def test_a_reused_verification_link_shows_a_clear_page_and_changes_nothing(client: Client):
    user = UserFactory(is_active=False)
    token = verification_token(user)
    assert client.post(f"/en/accounts/verify/{token}/").status_code == 200
    user.refresh_from_db()
    verified_at = user.email_verified_at
    response = client.get(f"/en/accounts/verify/{token}/")
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at == verified_at


def test_an_expired_or_forged_verification_link_is_refused(client: Client):
    user = UserFactory(is_active=False)
    with freeze_time("2026-01-01"):
        token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFICATION_SALT)
    with freeze_time("2026-01-05"):
        response = client.get(f"/zh-hant/accounts/verify/{token}/")
    assert response.status_code == 400
    assert "已過期" in response.content.decode()
    response = client.get("/en/accounts/verify/not-a-token/")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active


def test_sign_up_refuses_weak_or_mismatched_passwords(client: Client):
    # A taken address is answered like a free one: tests/security/test_sign_up_enumeration.py.
    response = client.post(
        "/en/accounts/signup/",
        {
            "display_name": "A",
            "email": "new@example.test",
            "password1": "123",
            "password2": "123",
            "preferred_language": "en",
        },
    )
    assert "too short" in response.content.decode()
    response = client.post(
        "/en/accounts/signup/",
        {
            "display_name": "A",
            "email": "new@example.test",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
            "preferred_language": "en",
        },
    )
    assert "differ" in response.content.decode()
    assert not User.objects.filter(email="new@example.test").exists()


def test_six_wrong_passwords_lock_the_account_even_against_the_right_one(client: Client):
    UserFactory(email="target@example.test", password=PASSWORD)
    for _attempt in range(6):
        response = client.post("/en/accounts/login/", {"username": "target@example.test", "password": "wrong"})
    assert response.status_code in (403, 429)
    response = client.post("/en/accounts/login/", {"username": "target@example.test", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_so_without_saying_which_part(client: Client):
    UserFactory(email="x@example.test", password=PASSWORD)
    response = client.post("/en/accounts/login/", {"username": "x@example.test", "password": "nope"})
    assert response.status_code == 200
    assert "e-mail address or password is wrong" in response.content.decode()


def test_password_reset_end_to_end_through_the_task(client: Client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reset@example.test", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/zh-hant/accounts/password/reset/", {"email": "reset@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Choose a new password for the BCM portal"
    link = link_in(mail.outbox[0])
    assert link.startswith("/en/accounts/password/reset/")
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The link works once.
    response = client.get(link, follow=True)
    assert "cannot be used" in response.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client: Client):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_profile_saves_the_name_phone_and_language_and_switches_the_site(client: Client):
    user = UserFactory(preferred_language="zh-hant")
    TraineeProfile.objects.create(user=user)
    client.force_login(user)
    assert client.get("/zh-hant/accounts/profile/").status_code == 200
    response = client.post(
        "/zh-hant/accounts/profile/", {"display_name": "王大明", "preferred_language": "en", "phone": "0912-345-678"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/profile/"
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.trainee_profile.phone) == ("王大明", "en", "0912 345 678")


def test_the_profile_needs_a_log_in(client: Client):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302 and "/en/accounts/login/" in response["Location"]


def test_sign_up_and_the_profile_refuse_invisible_control_characters_in_a_name(client: Client):
    response = sign_up(client, email="rlo@example.test", display_name="林美\u202e玲")
    assert response.status_code == 200 and "U+202E" in response.content.decode()
    assert not User.objects.filter(email="rlo@example.test").exists()
    user = UserFactory(display_name="王大明", preferred_language="en")
    TraineeProfile.objects.create(user=user, phone="0912")
    client.force_login(user)
    response = client.post("/en/accounts/profile/", {"display_name": "王\u200b大明", "preferred_language": "en",
                                                    "phone": "0912\x07"})  # fmt: skip
    assert response.status_code == 200 and "Remove the invisible control character U+200B." in response.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.trainee_profile.phone) == ("王大明", "0912")
