"""A locked account opens when its owner completes a password reset (the mailed link proves the mailbox) or the
program office sets a new password in the admin; asking for a reset alone changes nothing. The clearing is in the
trail, and the lock-out page says what is true: when the wait ends (a try while locked does not lengthen it), and
that a new password through the mailed link opens the account. (A reset forgets wrong passwords only, not wrong
second-factor codes: tests/accounts/test_lockout_followups.py.) (An outside tester reset their password from the
lock-out page and was still shown it with the new password.)"""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import AuditEvent
from accounts.second_factor import services as second_factor
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.security.test_second_factor import SECRET

pytestmark = pytest.mark.django_db
OLD, NEW = "a-long-passphrase-2026", "another-long-passphrase-2027"
EMAIL = "locked@example.test"
LOCKED = (403, 429)


def log_in(password: str, email: str = EMAIL, lang: str = "en") -> int:
    return Client().post(f"/{lang}/accounts/login/", {"username": email, "password": password}).status_code


def lock(email: str = EMAIL) -> None:
    for _attempt in range(6):
        log_in("wrong", email)
    assert log_in(OLD, email) in LOCKED


def ask_for_reset(capture, email: str = EMAIL) -> str:
    with capture(execute=True):
        Client().post("/en/accounts/password/reset/", {"email": email})
    return re.search(r"https?://testserver(\S+)", mail.outbox[-1].body).group(1)


def complete_reset(link: str, password: str = NEW) -> None:
    client = Client()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert done.status_code == 302 and done["Location"].endswith("/accounts/password/reset/done/"), done.content


def test_a_completed_reset_unlocks_the_account_and_the_new_password_works(django_capture_on_commit_callbacks):
    user = UserFactory(email=EMAIL, password=OLD, preferred_language="en")
    lock()
    link = ask_for_reset(django_capture_on_commit_callbacks)
    # Asking proves nothing: still locked, and the trail has no clearing yet.
    assert log_in(OLD) in LOCKED
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED).exists()
    complete_reset(link)
    assert not AccessAttempt.objects.filter(username=EMAIL).exists()
    assert log_in(NEW) == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.actor == user and event.object_id == str(user.pk)
    assert event.detail["failed_log_ins"] >= 6 and "lock-out cleared" in event.summary


def test_the_old_password_is_still_refused_after_the_reset(django_capture_on_commit_callbacks):
    UserFactory(email=EMAIL, password=OLD)
    lock()
    complete_reset(ask_for_reset(django_capture_on_commit_callbacks))
    assert log_in(OLD) == 200  # wrong now: the form again, not the lock-out page


def test_a_reset_without_failures_records_no_clearing(django_capture_on_commit_callbacks):
    UserFactory(email=EMAIL, password=OLD)
    complete_reset(ask_for_reset(django_capture_on_commit_callbacks))
    assert log_in(NEW) == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED).exists()


def test_a_reset_clears_only_its_own_account(django_capture_on_commit_callbacks):
    UserFactory(email=EMAIL, password=OLD)
    UserFactory(email="other@example.test", password=OLD)
    lock()
    lock("other@example.test")
    complete_reset(ask_for_reset(django_capture_on_commit_callbacks))
    assert log_in(NEW) == 302
    assert log_in(OLD, "other@example.test") in LOCKED


def test_a_staff_account_locked_by_wrong_passwords_reaches_the_code_step_again_after_a_reset(
    institution, real_second_factor, django_capture_on_commit_callbacks
):
    person = make_staff(institution, email="staff@inst.test", password=OLD, preferred_language="en")
    second_factor.do_set_authenticator(user=person, secret=SECRET)
    lock(person.email)
    complete_reset(ask_for_reset(django_capture_on_commit_callbacks, person.email))
    client = Client()
    answer = client.post("/en/accounts/login/", {"username": person.email, "password": NEW})
    assert answer.status_code == 302
    assert client.get("/en/admin/")["Location"].startswith("/en/accounts/second-factor/")
    assert client.get("/en/accounts/second-factor/").status_code == 200  # the code page, not the lock-out


def test_a_new_password_the_program_office_sets_in_the_admin_unlocks_the_account(office, program_office):
    user = UserFactory(email=EMAIL, password=OLD)
    lock()
    page = f"/en/admin/accounts/user/{user.pk}/password/"
    answer = office.post(page, {"usable_password": "true", "password1": NEW, "password2": NEW})
    assert answer.status_code == 302, answer.content
    assert log_in(NEW) == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.actor == program_office and event.object_id == str(user.pk)
    assert "program office" in event.summary


def test_the_lock_out_page_says_when_the_wait_ends_and_that_a_reset_opens_it(settings):
    UserFactory(email=EMAIL, password=OLD)
    lock()
    html = Client().post("/en/accounts/login/", {"username": EMAIL, "password": OLD}).content.decode()
    assert "It unlocks by itself at" in html and "in 30 minutes" in html
    assert "Trying again before then does not make the wait any longer" in html
    assert "once you choose a new one through the link we e-mail you, the account is unlocked" in html
    assert 'href="/en/accounts/password/reset/"' in html
    assert "Try again later, or reset your password" not in html  # the old words, which promised nothing true
    settings.AXES_COOLOFF_TIME = 45 / 60  # AXES_COOLOFF_MINUTES=45: the page follows the setting
    html = Client().post("/en/accounts/login/", {"username": EMAIL, "password": OLD}).content.decode()
    assert "in 45 minutes" in html


def test_the_lock_out_page_is_in_the_pages_language():
    UserFactory(email=EMAIL, password=OLD)
    lock()
    html = Client().post("/zh-hant/accounts/login/", {"username": EMAIL, "password": OLD}).content.decode()
    with translation.override("zh-hant"):
        for msgid in (
            "This account is locked after repeated failed log-ins (wrong passwords, sign-in codes or passkeys).",
            "To get in sooner, reset your password: once you choose a new one through the link we e-mail you, "
            "the account is unlocked.",
            "Reset your password",
        ):
            assert gettext(msgid) in html
    assert 'href="/zh-hant/accounts/password/reset/"' in html
