"""Reset links: an expired one shows a clear page and changes nothing; the mail is in the person's
language whatever the language of the page that asked for it."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"


def reset_link(client: Client, email: str, page_language: str, capture) -> str:
    with capture(execute=True):
        client.post(f"/{page_language}/accounts/password/reset/", {"email": email})
    return re.search(r"https?://testserver(\S+)", mail.outbox[-1].body).group(1)


def test_an_expired_reset_link_shows_a_clear_page_and_changes_nothing(
    client: Client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="late@example.test", preferred_language="en")
    start = timezone.now()
    with freeze_time(start):
        link = reset_link(client, "late@example.test", "en", django_capture_on_commit_callbacks)
    with freeze_time(start + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)):
        response = client.get(link, follow=True)
        assert "cannot be used" in response.content.decode()
        response = client.post(
            response.redirect_chain[-1][0] if response.redirect_chain else link,
            {"new_password1": PASSWORD, "new_password2": PASSWORD},
        )
    user.refresh_from_db()
    assert not user.check_password(PASSWORD)


def test_the_reset_mail_is_in_the_persons_language_with_text_and_html(
    client: Client, django_capture_on_commit_callbacks
):
    UserFactory(email="zh@example.test", preferred_language="zh-hant", display_name="林小華")
    link = reset_link(client, "zh@example.test", "en", django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.subject == "設定銀行客戶經理認證入口網站的新密碼"
    assert "林小華 您好" in message.body
    assert link.startswith("/zh-hant/accounts/password/reset/")
    html, mime = message.alternatives[0]
    assert mime == "text/html" and link in html


def test_a_used_reset_link_cannot_set_the_password_again(client: Client, django_capture_on_commit_callbacks):
    user = UserFactory(email="once@example.test", preferred_language="en")
    link = reset_link(client, "once@example.test", "en", django_capture_on_commit_callbacks)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    response = client.post(form_url, {"new_password1": PASSWORD + "2", "new_password2": PASSWORD + "2"})
    assert "cannot be used" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_the_password_rules_errors_stand_under_the_new_password_not_its_confirmation(
    client: Client, django_capture_on_commit_callbacks, lang: str
):
    user = UserFactory(email="rules@example.test", preferred_language=lang)
    link = reset_link(client, "rules@example.test", lang, django_capture_on_commit_callbacks)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {error.code for error in errors.as_data()["new_password1"]} == {
        "password_too_common",
        "password_entirely_numeric",
    }
    assert "new_password2" not in errors
    html = response.content.decode()
    assert 'id="error_1_id_new_password1"' in html and 'id="error_1_id_new_password2"' not in html
    # Two different passwords: the rules under the first, the difference under the confirmation.
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "87654321"})
    errors = response.context["form"].errors.as_data()
    assert "password_entirely_numeric" in {error.code for error in errors["new_password1"]}
    assert [error.code for error in errors["new_password2"]] == ["password_mismatch"]
    user.refresh_from_db()
    assert not user.check_password("12345678")
