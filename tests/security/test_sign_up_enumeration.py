"""Sign-up tells nobody whether an address has an account (issue 15, item 5): a taken address is
answered byte for byte like a free one, gets no second account, and its owner is mailed instead."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import TraineeProfile, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
OWNER_PASSWORD = "the-owners-own-passphrase-2026"
ADDRESS = "mei@example.test"


def sign_up(email: str = ADDRESS, *, name: str = "林美玲", language: str = "en") -> bytes:
    """Sign up from a fresh browser; the page's bytes with every CSRF token blanked."""
    response = Client().post(f"/{language}/accounts/signup/", {
        "display_name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD,
        "preferred_language": language,
    })  # fmt: skip
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/signup_done.html"
    return re.sub(
        rb'name="csrfmiddlewaretoken" value="[^"]+"', b'name="csrfmiddlewaretoken" value=""', response.content
    )


def make_owner(**extra) -> User:
    """Alice: a verified, active trainee who owns ADDRESS and reads her mail in zh-Hant."""
    values = {"email": ADDRESS, "display_name": "Alice", "password": OWNER_PASSWORD, "preferred_language": "zh-hant",
              "is_active": True, "email_verified_at": timezone.now(), **extra}  # fmt: skip
    return UserFactory(**values)


def test_a_taken_address_is_answered_byte_for_byte_like_a_free_one(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        free = sign_up()
    User.objects.filter(email=ADDRESS).delete()
    make_owner()
    with django_capture_on_commit_callbacks(execute=True):
        taken = sign_up()
    assert taken == free


@pytest.mark.parametrize("typed", [ADDRESS, "Mei@Example.TEST", "  MEI@example.test "])
def test_the_owner_is_mailed_in_her_language_and_nothing_is_created_or_changed(
    typed, django_capture_on_commit_callbacks
):
    owner = make_owner()
    before = (owner.password, owner.display_name, owner.is_active)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(typed, name="Mallory")
    assert User.objects.count() == 1 and not TraineeProfile.objects.exists()
    owner.refresh_from_db()
    assert (owner.password, owner.display_name, owner.is_active) == before
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [ADDRESS]
    # Alice's language, not the sign-up page's (English): her links lead to the zh-Hant pages.
    assert "/zh-hant/accounts/login/" in notice.body and "/zh-hant/accounts/password/reset/" in notice.body
    assert notice.alternatives[0][1] == "text/html" and "/zh-hant/accounts/login/" in notice.alternatives[0][0]
    assert "Mallory" not in notice.body  # the sign-up's name is not trusted into her mailbox


def test_an_unverified_sign_up_that_lost_its_mail_gets_a_fresh_link_and_the_same_answer(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up()
    with django_capture_on_commit_callbacks(execute=True):
        again = sign_up()
    assert again == first
    assert User.objects.filter(email=ADDRESS).count() == 1
    assert len(mail.outbox) == 2 and all("/en/accounts/verify/" in m.body for m in mail.outbox)


def test_a_sign_up_that_loses_the_race_for_an_address_is_answered_the_same(
    monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        free = sign_up()
    User.objects.filter(email=ADDRESS).delete()
    make_owner()
    # The race: the check sees no account, and by the INSERT a concurrent sign-up has one.
    real_filter = User.objects.filter
    calls: list[object] = []

    def first_look_misses(*args, **kwargs):
        calls.append(kwargs)
        return User.objects.none() if len(calls) == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(User.objects, "filter", first_look_misses)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        taken = sign_up()
    monkeypatch.undo()
    assert taken == free
    assert User.objects.filter(email=ADDRESS).count() == 1 and not TraineeProfile.objects.exists()
    assert [m.to for m in mail.outbox] == [[ADDRESS]] and "/zh-hant/accounts/login/" in mail.outbox[0].body


def test_the_owner_gets_at_most_one_notice_an_hour_however_often_the_form_is_posted(
    django_capture_on_commit_callbacks,
):
    make_owner()
    with django_capture_on_commit_callbacks(execute=True):
        answers = {sign_up() for _ in range(5)}
    assert len(answers) == 1 and len(mail.outbox) == 1
