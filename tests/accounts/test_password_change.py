"""A signed-in person changes their password on its own page (accounts.password_change), not through the mailed
reset: the current password, the new one twice under its rules; they stay logged in there, every other session of
the account ends, the account's address is told, the trail records it. Without a usable password (an imported
trainee) the page offers the mailed link that sets one."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import AuditEvent, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/zh-hant/accounts/login/"
PROFILE = "/zh-hant/accounts/profile/"
PAGE = "/zh-hant/accounts/profile/password/"
NEW_PASSWORD = "a-new-long-passphrase-2027"


def signed_in(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": user.email, "password": password}).status_code == 302
    return client


def change(client: Client, capture, old: str = PASSWORD, new: str = NEW_PASSWORD, again: str | None = None,
           page: str = PAGE):  # fmt: skip
    with capture(execute=True):
        return client.post(page, {"old_password": old, "new_password1": new, "new_password2": again or new})


def test_the_profile_links_to_the_password_change_not_to_the_reset(trainee):
    html = signed_in(trainee).get(PROFILE).content.decode()
    assert f'href="{PAGE}"' in html and 'href="/zh-hant/accounts/password/reset/"' not in html


def test_the_page_shows_the_rules_up_front_in_either_language(trainee):
    client = signed_in(trainee)
    english = client.get("/en/accounts/profile/password/").content.decode()
    assert "Current password" in english and "New password" in english
    assert "at least 8 characters" in english  # Django's validators' help, before any error
    chinese = client.get(PAGE).content.decode()
    assert "至少" in chinese and "新密碼" in chinese  # the rules and Django's labels, translated
    assert Client().get(PAGE).status_code == 302  # a visitor is sent to log in


def test_changing_keeps_this_session_ends_the_others_mails_and_records(trainee, django_capture_on_commit_callbacks):
    here, elsewhere = signed_in(trainee), signed_in(trainee)
    answer = change(here, django_capture_on_commit_callbacks)
    assert answer.status_code == 302 and answer["Location"] == PROFILE
    assert here.get(PROFILE).status_code == 200  # still logged in here, with a new session key
    assert elsewhere.get(PROFILE).status_code == 302  # logged out there
    trainee.refresh_from_db()
    assert trainee.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.actor_id == trainee.pk and event.object_id == str(trainee.pk)
    assert event.detail == {"sessions_ended": 1}
    (notice,) = mail.outbox
    assert notice.to == [trainee.email] and notice.alternatives[0][1] == "text/html"
    assert re.search(r"http://testserver/zh-hant/accounts/password/reset/", notice.body)  # in her language
    assert NEW_PASSWORD not in notice.body
    # The new password logs in; the old one no longer does.
    signed_in(trainee, NEW_PASSWORD)
    assert Client().post(LOGIN, {"username": trainee.email, "password": PASSWORD}).status_code == 200


def test_the_notice_is_in_english_for_an_english_reader(trainee, django_capture_on_commit_callbacks):
    trainee.preferred_language = "en"
    trainee.save(update_fields=["preferred_language"])
    change(signed_in(trainee), django_capture_on_commit_callbacks)
    (notice,) = mail.outbox
    assert notice.subject == "Your BCM portal password was changed"
    assert "/en/accounts/password/reset/" in notice.body


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing_and_says_the_fields_were_emptied(
    trainee, django_capture_on_commit_callbacks
):
    client = signed_in(trainee)
    page = "/en/accounts/profile/password/"
    wrong = change(client, django_capture_on_commit_callbacks, old="not-it", page=page)
    html = wrong.content.decode()
    assert wrong.status_code == 200 and "That is not your current password." in html
    assert "the password fields were emptied" in html
    weak = change(client, django_capture_on_commit_callbacks, new="123", page=page).content.decode()
    assert "too short" in weak
    differ = change(client, django_capture_on_commit_callbacks, again=NEW_PASSWORD + "x", page=page)
    assert differ.status_code == 200
    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD) and mail.outbox == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 1  # the wrong one only


def test_wrong_current_passwords_lock_the_account_and_end_the_session(trainee, django_capture_on_commit_callbacks):
    client = signed_in(trainee)
    for _ in range(5):
        assert change(client, django_capture_on_commit_callbacks, old="not-it").status_code == 200
    locked = change(client, django_capture_on_commit_callbacks, old="not-it")
    assert locked.status_code == 429
    assert client.get(PROFILE).status_code == 302
    # Nothing changed meanwhile.
    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD)


def test_an_account_without_a_password_is_offered_the_link_that_sets_one(trainee, django_capture_on_commit_callbacks):
    trainee.set_unusable_password()
    trainee.save(update_fields=["password"])
    client = Client()
    client.force_login(trainee)
    page = client.get("/en/accounts/profile/password/")
    html = page.content.decode()
    assert page.status_code == 200 and "has no password yet" in html
    assert 'action="/en/accounts/password/reset/"' in html and f'value="{trainee.email}"' in html
    assert "Current password" not in html
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/en/accounts/password/reset/", {"email": trainee.email})
    assert sent.status_code == 302
    (link_mail,) = mail.outbox
    assert link_mail.to == [trainee.email] and "/accounts/password/reset/" in link_mail.body
