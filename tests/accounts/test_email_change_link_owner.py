"""Only the owner, signed in, answers the links that change their log-in address (as the employer-move link).

Bank A asks to change the log-in of its employee 陳怡君 (trainee01, the owner) to a new address: she is
mailed a link at her current address to confirm, then one at the new address that makes it her log-in.
Holding either mail is not enough. Anyone signed out is sent to log in (and back to the link); someone
signed in as another account (吳佩珊, trainee07) is told the link is another account's, nothing changes,
and the link still works for the owner afterwards. The link at the new address proves that mailbox, not
who may change the account: bank A mistyped the address, and the mailbox is 吳佩珊's, who must not be able
to take 陳怡君's account by opening it, signed in as herself or not at all.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts import employees
from accounts.employment import WHY_LOG_IN
from accounts.models import TraineeProfile, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/zh-hant/accounts/login/"
NEW = "wu.peishan@mail.example"  # bank A meant 陳怡君's new mailbox; this one is 吳佩珊's


@pytest.fixture
def owner(trainee: User) -> User:
    """陳怡君, whose log-in bank A asks to change."""
    return trainee


@pytest.fixture
def intruder(other_trainee: User) -> User:
    """吳佩珊, signed in as herself, holding 陳怡君's forwarded mail, or the mail at the (mistyped) new address."""
    return other_trainee


def path_in(message) -> str:
    link = re.search(r"https?://[^\s\"<]+", message.body).group(0).split("testserver", 1)[1]
    assert link.startswith("/zh-hant/accounts/employment/")
    return link


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def signed_in(user: User) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def change_link(owner: User, django_capture_on_commit_callbacks) -> str:
    """Bank A asks: the link mailed to 陳怡君's current address."""
    profile = TraineeProfile.objects.get(user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        employees.do_change_employee_email(profile=profile, email=NEW, site_url="http://testserver")
    (message,) = mail.outbox
    assert message.to == [owner.email]
    return path_in(message)


def confirm_as_owner(owner: User, change_link: str, capture) -> str:
    """陳怡君 confirms, signed in: the link mailed to the new address."""
    with capture(execute=True):
        assert signed_in(owner).post(change_link).status_code == 200
    message = mail.outbox[-1]
    assert message.to == [NEW]
    return path_in(message)


def assert_unchanged(owner: User) -> None:
    owner.refresh_from_db()
    assert owner.email == "trainee01@demo.test" and owner.check_password(PASSWORD) and owner.is_active
    assert TraineeProfile.objects.get(user=owner).pending_email == NEW  # the request still waits
    assert not User.objects.filter(email=NEW).exists()


def assert_refused_to(client: Client, link: str, intruder: User, owner: User) -> None:
    with translation.override("zh-hant"):  # the page's language (its translation is the .po file's)
        heading = gettext("This link is for another account")
    for answer in (client.get(link), client.post(link)):
        assert answer.status_code == 403
        html = answer.content.decode()
        assert heading in html and intruder.email in html
        assert owner.email not in html and NEW not in html and "示範商業銀行" not in html  # nothing about the owner


def assert_sent_to_log_in(link: str, why: str) -> None:
    client = Client()
    for answer in (client.get(link), client.post(link, HTTP_REFERER=f"http://testserver{link}")):
        assert answer.status_code == 302
        where = urlsplit(answer["Location"])
        assert where.path == LOGIN and parse_qs(where.query)["next"] == [link]
    with translation.override("zh-hant"):
        assert gettext(why) in Client().get(link, follow=True).content.decode()


# --- the link at the current address: "may your log-in change?" ----------------------------------


def test_the_owner_signed_in_confirms_and_then_verifies_the_new_address(
    owner, change_link, django_capture_on_commit_callbacks
):
    client = signed_in(owner)
    page = client.get(change_link)
    assert page.status_code == 200 and NEW in page.content.decode()
    verify_link = confirm_as_owner(owner, change_link, django_capture_on_commit_callbacks)
    owner.refresh_from_db()
    assert owner.email == "trainee01@demo.test"  # not before the second link
    assert client.get(verify_link).status_code == 200
    assert client.post(verify_link).status_code == 200
    owner.refresh_from_db()
    assert owner.email == NEW and owner.email_verified_at is not None and owner.check_password(PASSWORD)
    assert client.get("/zh-hant/accounts/profile/").status_code == 200  # still signed in
    assert client.post(verify_link).status_code == 400  # once


def test_another_account_signed_in_cannot_confirm_the_change(
    owner, intruder, change_link, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert_refused_to(signed_in(intruder), change_link, intruder, owner)
    assert [m.to for m in mail.outbox] == [[owner.email]]  # no link went to the new address
    assert_unchanged(owner)
    # The owner can still use it.
    confirm_as_owner(owner, change_link, django_capture_on_commit_callbacks)


def test_a_visitor_is_sent_to_log_in_and_back_to_the_change_link(
    owner, change_link, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert_sent_to_log_in(change_link, WHY_LOG_IN["change"])
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert_unchanged(owner)
    client = Client()
    back = client.post(
        f"{LOGIN}?next={change_link}", {"username": owner.email, "password": PASSWORD, "next": change_link}
    )
    assert back.status_code == 302 and back["Location"] == change_link
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_link).status_code == 200
    assert mail.outbox[-1].to == [NEW]


# --- the link at the new address: "make this address your log-in" ------------------------------


def test_the_holder_of_the_new_mailbox_signed_in_as_another_account_changes_nothing(
    owner, intruder, change_link, django_capture_on_commit_callbacks
):
    verify_link = confirm_as_owner(owner, change_link, django_capture_on_commit_callbacks)
    assert_refused_to(signed_in(intruder), verify_link, intruder, owner)
    assert_unchanged(owner)
    intruder.refresh_from_db()
    assert intruder.email == "trainee07@demo.test"
    # The owner, signed in, still can.
    assert signed_in(owner).post(verify_link).status_code == 200
    owner.refresh_from_db()
    assert owner.email == NEW


def test_the_holder_of_the_new_mailbox_signed_out_is_sent_to_log_in_with_the_current_address(
    owner, change_link, django_capture_on_commit_callbacks
):
    verify_link = confirm_as_owner(owner, change_link, django_capture_on_commit_callbacks)
    assert_sent_to_log_in(verify_link, WHY_LOG_IN["verify"])
    assert_unchanged(owner)
    with translation.override("en"):
        assert "Log in with the address you log in with now (not this new one)" in str(WHY_LOG_IN["verify"])
    # Nor can the new address log in, or be reset to take the account meanwhile: it is nobody's log-in yet.
    assert Client().post(LOGIN, {"username": NEW, "password": PASSWORD}).status_code == 200
    client = Client()
    back = client.post(
        f"{LOGIN}?next={verify_link}", {"username": owner.email, "password": PASSWORD, "next": verify_link}
    )
    assert back.status_code == 302 and back["Location"] == verify_link
    assert client.post(verify_link).status_code == 200
    owner.refresh_from_db()
    assert owner.email == NEW


# --- the services check it too --------------------------------------------------------------------


def test_the_services_refuse_anyone_but_the_owner(owner, intruder, change_link, django_capture_on_commit_callbacks):
    with pytest.raises(employees.AccountError) as refused:
        employees.do_confirm_email_change(token=token_of(change_link), person=intruder, site_url="http://testserver")
    assert refused.value.code == "link_not_yours"
    verify_link = confirm_as_owner(owner, change_link, django_capture_on_commit_callbacks)
    with pytest.raises(employees.AccountError) as refused:
        employees.do_verify_new_email(token=token_of(verify_link), person=intruder)
    assert refused.value.code == "link_not_yours"
    assert_unchanged(owner)
    assert employees.do_verify_new_email(token=token_of(verify_link), person=owner).email == NEW
