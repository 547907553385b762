"""Two lock-out defects an outside probe found, fixed:

1. A try while the account is locked (the right password, a code, a passkey) counted as one more failure and
   started the 30 minutes again, so a person who kept trying was never let in; and the passkey step said "locked
   for 30 minutes" whatever the truth. Now a refused try counts nothing, the lock ends when it said it would,
   and the passkey step says the same words as the lock-out page (one helper, ``accounts.lockout``).
2. A completed password reset forgot every failure, so someone guessing a staff person's second factor got six
   more guesses per reset. Now a reset (it proves the mailbox, not the second factor) forgets only the password
   failures: wrong codes and refused passkeys keep counting until the second step is passed or they expire.
"""

from __future__ import annotations

import datetime
import json

import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from freezegun import freeze_time

from accounts import lockout
from accounts.models import AuditEvent
from accounts.second_factor import services as second_factor
from tests.conftest import PASSWORD, make_staff
from tests.factories import UserFactory
from tests.security.software_authenticator import SoftwareAuthenticator
from tests.security.test_lock_out_cleared import ask_for_reset, complete_reset
from tests.security.test_second_factor import SECRET, code_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_second_factor")]
EMAIL = "locked@example.test"
NEW = "another-long-passphrase-2027"
LOGIN = "/en/accounts/login/"
VERIFY = "/en/accounts/second-factor/"
AUTH_BEGIN = "/en/accounts/second-factor/passkeys/authentication/begin/"
AUTH_COMPLETE = "/en/accounts/second-factor/passkeys/authentication/complete/"
REGISTER_BEGIN = "/en/accounts/second-factor/passkeys/registration/begin/"
REGISTER_COMPLETE = "/en/accounts/second-factor/passkeys/registration/complete/"
LOCKED = (403, 429)
START = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def urls_loaded_before_the_clock_stops() -> None:
    """Django imports the URL modules (and so every view) at its first request. Imported under ``freeze_time``, a
    class that keeps ``time.time`` as an attribute (DRF's throttles) would keep the frozen clock for the whole run."""
    assert get_resolver().url_patterns


def at(minutes: float):
    return freeze_time(START + datetime.timedelta(minutes=minutes))


def log_in(email: str = EMAIL, password: str = PASSWORD, lang: str = "en") -> tuple[Client, object]:
    client = Client()
    return client, client.post(f"/{lang}/accounts/login/", {"username": email, "password": password})


def post_json(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def wrong_code(client: Client):
    return client.post(VERIFY, {"code": "000000"})


def wrong_codes(client: Client, times: int, *, from_minute: float = 0):
    """``times`` wrong codes a minute apart (past django-otp's short wait after one, when a code is not read);
    returns the last answer."""
    answer = None
    for minute in range(times):
        with at(from_minute + minute):
            answer = wrong_code(client)
    return answer


def staff(institution, email: str = "staff@inst.test"):
    person = make_staff(institution, email=email, password=PASSWORD, preferred_language="en")
    second_factor.do_set_authenticator(user=person, secret=SECRET)
    return person


def with_passkey(person) -> SoftwareAuthenticator:
    """``person`` (with an app) adds a passkey in a verified session, then logs out."""
    authenticator = SoftwareAuthenticator()
    client, _ = log_in(person.email)
    assert client.post(VERIFY, {"code": code_for(SECRET)}).status_code == 302
    options = post_json(client, REGISTER_BEGIN).json()
    assert post_json(client, f"{REGISTER_COMPLETE}?next=/en/admin/", authenticator.register(options)).status_code == 200
    client.post("/en/accounts/logout/")
    return authenticator


def ends_words(minutes_left: int, ends_at_minute: float) -> str:
    """The sentence that says when the lock ends, as the person reads it (the current language)."""
    ends = timezone.localtime(START + datetime.timedelta(minutes=ends_at_minute))
    return ngettext(
        "It unlocks by itself at %(time)s, in %(minutes)s minute. Trying again before then does not make the wait "
        "any longer.",
        "It unlocks by itself at %(time)s, in %(minutes)s minutes. Trying again before then does not make the wait "
        "any longer.",
        minutes_left,
    ) % {"time": ends.strftime("%H:%M"), "minutes": minutes_left}


# --- 1. a try while locked does not restart the wait ------------------------------------------------------------


def test_the_right_password_while_locked_does_not_restart_the_wait():
    UserFactory(email=EMAIL, password=PASSWORD)
    with at(0):
        for _attempt in range(6):
            log_in(password="wrong")
    with at(20):
        assert log_in()[1].status_code in LOCKED  # refused unchecked ...
    with at(29):
        assert log_in()[1].status_code in LOCKED
    with at(30.5):
        assert log_in()[1].status_code == 302  # ... and the lock ended 30 minutes after the last real failure
    assert not AccessAttempt.objects.filter(username=EMAIL).exists()  # the complete log-in forgot them


def test_a_refused_try_is_not_counted_but_is_still_in_the_trail():
    UserFactory(email=EMAIL, password=PASSWORD)
    with at(0):
        for _attempt in range(6):
            log_in(password="wrong")
    with at(10):
        for _attempt in range(3):
            assert log_in()[1].status_code in LOCKED
    attempt = AccessAttempt.objects.get(username=EMAIL)
    assert attempt.failures_since_start == 6 and attempt.attempt_time == START
    assert AuditEvent.objects.filter(action="login_failed", actor_label=EMAIL).count() == 9


def test_the_lock_out_page_says_when_the_lock_really_ends(settings):
    UserFactory(email=EMAIL, password=PASSWORD)
    with at(0):
        for _attempt in range(6):
            log_in(password="wrong")
    with at(20), translation.override("en"):
        html = log_in()[1].content.decode()
        assert ends_words(10, 30) in html
        assert "starts the wait again" not in html
    with at(25), translation.override("zh-hant"):
        html = log_in(lang="zh-hant")[1].content.decode()
        assert ends_words(5, 30) in html
    settings.AXES_COOLOFF_TIME = 45 / 60
    with at(26), translation.override("en"):
        assert ends_words(19, 45) in log_in()[1].content.decode()


def test_a_code_or_passkey_session_waiting_while_locked_does_not_restart_the_wait(institution):
    person = staff(institution)
    authenticator = with_passkey(person)
    with at(-6):
        waiting, _ = log_in(person.email)  # past the password before the lock
        guessing, _ = log_in(person.email)
    assert wrong_codes(guessing, 6, from_minute=-5).status_code == 429  # the last one at minute 0
    with at(20):
        assert post_json(waiting, AUTH_BEGIN).status_code == 429
        assert log_in(person.email)[1].status_code in LOCKED
    with at(31):
        client, answer = log_in(person.email)
        assert answer.status_code == 302
        options = post_json(client, AUTH_BEGIN)
        assert options.status_code == 200, options.content
        done = post_json(client, f"{AUTH_COMPLETE}?next=/en/admin/", authenticator.authenticate(options.json()))
        assert done.status_code == 200, done.content


def test_the_passkey_step_says_the_same_true_words_as_the_lock_out_page(institution):
    person = staff(institution)
    authenticator = with_passkey(person)
    forger = ec.generate_private_key(ec.SECP256R1())
    with at(0):
        waiting, _ = log_in(person.email)  # a session past the password before the lock
        client, _ = log_in(person.email)
        for _attempt in range(6):
            options = post_json(client, AUTH_BEGIN).json()
            refused = post_json(client, AUTH_COMPLETE, authenticator.authenticate(options, signing_key=forger))
    assert refused.status_code == 429 and refused.json()["code"] == "locked_out"
    assert "locked for 30 minutes" not in refused.json()["detail"]
    with translation.override("en"):
        assert ends_words(30, 30) in refused.json()["detail"]
    with at(12):
        later = post_json(waiting, AUTH_BEGIN)
        page = log_in(person.email)[1].content.decode()
    assert later.status_code == 429 and later.json()["code"] == "locked_out"
    with translation.override("en"):
        assert ends_words(18, 30) in later.json()["detail"]
        assert ends_words(18, 30) in page
        assert gettext(lockout.SECOND_FACTOR_WAY_OUT) in later.json()["detail"]


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_the_passkey_refusal_while_locked_is_in_the_pages_language(institution, lang):
    person = staff(institution)
    with_passkey(person)
    with at(-5):
        waiting, _ = log_in(person.email)
        guessing, _ = log_in(person.email)
    assert wrong_codes(guessing, 6, from_minute=-5).status_code == 429  # the last one at minute 0
    with at(7):
        refused = post_json(waiting, AUTH_BEGIN.replace("/en/", f"/{lang}/"))
        page = log_in(person.email, lang=lang)[1].content.decode()
    assert refused.status_code == 429 and refused.json()["code"] == "locked_out"
    detail = refused.json()["detail"]
    with translation.override(lang):
        assert ends_words(23, 30) in detail
        assert (
            gettext(
                "This account is locked after repeated failed log-ins (wrong passwords, sign-in codes or passkeys)."
            )
            in detail
        )
        # Locked by wrong codes: a new password would not open it, and both say so.
        assert gettext(lockout.SECOND_FACTOR_WAY_OUT) in detail
        assert gettext(lockout.SECOND_FACTOR_WAY_OUT) in page


# --- 2. a password reset does not forget wrong second-factor codes ---------------------------------------------


def test_wrong_codes_keep_counting_across_a_password_reset(institution, django_capture_on_commit_callbacks):
    person = staff(institution)
    with at(0):
        client, _ = log_in(person.email)
    for minute in range(5):  # a minute apart: past django-otp's own short wait after a wrong code
        with at(1 + minute):
            assert wrong_code(client).status_code == 200
    with at(7):
        complete_reset(ask_for_reset(django_capture_on_commit_callbacks, person.email))
        client, answer = log_in(person.email, NEW)
        assert answer.status_code == 302  # five wrong codes do not lock: the password works
    with at(8):
        assert wrong_code(client).status_code == 429  # the sixth wrong code locks, reset or not
        assert log_in(person.email, NEW)[1].status_code in LOCKED


def test_a_reset_forgets_the_wrong_passwords_but_not_the_wrong_codes(institution, django_capture_on_commit_callbacks):
    person = staff(institution)
    with at(0):
        for _attempt in range(3):
            log_in(person.email, "wrong")
        client, _ = log_in(person.email)
    for minute in range(3):
        with at(1 + minute):
            assert wrong_code(client).status_code == (429 if minute == 2 else 200)
    with at(5):
        assert log_in(person.email)[1].status_code in LOCKED  # three wrong passwords and three wrong codes
        complete_reset(ask_for_reset(django_capture_on_commit_callbacks, person.email))
        client, answer = log_in(person.email, NEW)
        assert answer.status_code == 302  # the three wrong passwords are forgotten ...
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED, summary__contains="forgotten")
    assert event.detail == {"failed_log_ins": 3, "second_factor_failures_kept": 3}
    for minute in range(3):  # ... the three wrong codes are not: three more lock it
        with at(6 + minute):
            assert wrong_code(client).status_code == (429 if minute == 2 else 200)


def test_the_code_step_passed_forgets_everything(institution, django_capture_on_commit_callbacks):
    person = staff(institution)
    with at(0):
        client, _ = log_in(person.email)
    for minute in range(5):
        with at(1 + minute):
            wrong_code(client)
    with at(7):
        assert client.post(VERIFY, {"code": code_for(SECRET)}).status_code == 302
    assert not AccessAttempt.objects.filter(username=person.email).exists()


def test_a_staff_account_locked_by_wrong_codes_stays_locked_after_a_reset_and_the_page_says_so(
    institution, django_capture_on_commit_callbacks
):
    person = staff(institution)
    with at(0):
        client, _ = log_in(person.email)
    for minute in range(6):
        with at(1 + minute):
            last = wrong_code(client)
    assert last.status_code == 429
    with at(8), translation.override("en"):
        complete_reset(ask_for_reset(django_capture_on_commit_callbacks, person.email))
        page = log_in(person.email, NEW)[1]
        assert page.status_code in LOCKED
        html = page.content.decode()
        assert gettext(lockout.SECOND_FACTOR_WAY_OUT) in html
        assert ends_words(28, 36) in html
        assert "once you choose a new one through the link we e-mail you" not in html
        assert 'href="/en/accounts/password/reset/"' not in html
    with at(36.5):
        assert log_in(person.email, NEW)[1].status_code == 302


def test_a_trainee_locked_by_wrong_passwords_is_still_opened_by_a_reset(django_capture_on_commit_callbacks):
    UserFactory(email=EMAIL, password=PASSWORD, preferred_language="en")
    with at(0):
        for _attempt in range(6):
            log_in(password="wrong")
        html = log_in()[1].content.decode()
        assert "once you choose a new one through the link we e-mail you, the account is unlocked" in html
        assert 'href="/en/accounts/password/reset/"' in html
        complete_reset(ask_for_reset(django_capture_on_commit_callbacks))
        assert log_in(password=NEW)[1].status_code == 302
