"""A person changes their own log-in address from the profile page (accounts.address_change).

陳怡君 (trainee01, bank-a's employee, reads Chinese) moves to a new mailbox. On the profile page she follows
"Change e-mail address", gives the new address and her password; the new address is mailed a link, her current
address a notice. Her log-in changes only when she opens the link, signed in as herself: then her other
sessions end, this one stays, and the trail records it. The link expires after three days and works once.
An address another account logs in with (吳佩珊's, trainee07) gets the same answer on the page; 吳佩珊's mailbox
is told it is in use, as sign-up does.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from freezegun import freeze_time

from accounts import address_change
from accounts.models import AuditEvent, TraineeProfile, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/zh-hant/accounts/login/"
PROFILE = "/zh-hant/accounts/profile/"
CHANGE = "/zh-hant/accounts/profile/email/"
NEW = "chen.yijun@newmail.example"


def signed_in(user: User, email: str | None = None) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": email or user.email, "password": PASSWORD}).status_code == 302
    return client


def links_in(message) -> list[str]:
    return [link.split("testserver", 1)[1] for link in re.findall(r"https?://[^\s\"<]+", message.body)]


def html_of(message) -> str:
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    return html


def ask(client: Client, capture, email: str = NEW, password: str = PASSWORD, page: str = CHANGE):
    with capture(execute=True):
        return client.post(page, {"email": email, "password": password})


@pytest.fixture
def owner(trainee: User) -> User:
    """陳怡君, who moves to a new mailbox."""
    return trainee


@pytest.fixture
def link(owner: User, django_capture_on_commit_callbacks) -> str:
    """陳怡君 asks, signed in: the path of the link mailed to her new address."""
    answer = ask(signed_in(owner), django_capture_on_commit_callbacks)
    assert answer.status_code == 200
    (to_new,) = [m for m in mail.outbox if m.to == [NEW]]
    (path,) = [p for p in links_in(to_new) if p.startswith("/zh-hant/accounts/email/")]
    return path


def test_the_profile_page_links_to_the_change_of_address(owner):
    client = signed_in(owner)
    html = client.get(PROFILE).content.decode()
    assert 'href="/zh-hant/accounts/profile/email/"' in html
    assert 'href="/zh-hant/accounts/profile/password/"' in html  # not the e-mail reset any more
    english = client.get("/en/accounts/profile/").content.decode()
    assert "Change e-mail address" in english and 'href="/en/accounts/profile/email/"' in english


def test_the_form_asks_the_new_address_and_the_password_in_either_language(owner):
    client = signed_in(owner)
    page = client.get("/en/accounts/profile/email/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "New e-mail address" in html and "Current password" in html and owner.email in html
    assert 'autocomplete="current-password"' in html and "within three days" in html
    zh = client.get(CHANGE)
    assert zh.status_code == 200 and 'lang="zh-hant"' in zh.content.decode().lower()
    assert Client().get(CHANGE).status_code == 302  # a visitor is sent to log in


def test_asking_mails_the_link_to_the_new_address_and_a_notice_to_the_current_one(
    owner, django_capture_on_commit_callbacks
):
    answer = ask(signed_in(owner), django_capture_on_commit_callbacks, page="/en/accounts/profile/email/")
    html = answer.content.decode()
    assert answer.status_code == 200 and NEW in html and "within three days" in html
    owner.refresh_from_db()
    assert owner.email == "trainee01@demo.test"  # nothing changes before the link is opened
    to_new, to_old = sorted(mail.outbox, key=lambda m: m.to != [NEW])
    assert to_new.to == [NEW] and to_old.to == ["trainee01@demo.test"]
    # In her language (the link's path carries it), text and HTML alike.
    (path,) = links_in(to_new)
    assert path.startswith("/zh-hant/accounts/email/")
    assert f"http://testserver{path}" in html_of(to_new)
    assert NEW in to_old.body and NEW in html_of(to_old)
    assert "/zh-hant/accounts/password/reset/" in to_old.body  # what to do if it was not her
    assert not any(p.startswith("/zh-hant/accounts/email/") for p in links_in(to_old))


def test_the_owner_signed_in_confirms_and_only_this_session_stays(owner, link):
    here, elsewhere = signed_in(owner), signed_in(owner)
    confirm = here.get(link)
    assert confirm.status_code == 200 and NEW in confirm.content.decode()
    owner.refresh_from_db()
    assert owner.email == "trainee01@demo.test"  # a GET (a mail scanner) changes nothing
    done = here.post(link)
    assert done.status_code == 200 and NEW in done.content.decode()
    owner.refresh_from_db()
    assert owner.email == NEW and owner.email_verified_at is not None
    assert here.get(PROFILE).status_code == 200  # still signed in here
    assert elsewhere.get(PROFILE).status_code == 302  # logged out everywhere else
    event = AuditEvent.objects.get(action=AuditEvent.Action.EMAIL_CHANGED)
    assert event.actor_id == owner.pk and event.object_id == str(owner.pk)
    assert (
        event.summary == f"trainee01@demo.test -> {NEW}" and event.detail["sessions_ended"] == 2
    )  # the asking one, and "elsewhere"
    assert event.employer_id == TraineeProfile.objects.get(user=owner).employer_id
    # The new address logs in; the old one no longer does.
    signed_in(owner, NEW)
    assert Client().post(LOGIN, {"username": "trainee01@demo.test", "password": PASSWORD}).status_code == 200


def test_the_link_works_once_and_then_says_it_was_used(owner, link):
    client = signed_in(owner)
    assert client.post(link).status_code == 200
    again = client.get(link.replace("/zh-hant/", "/en/"))
    html = again.content.decode()
    assert again.status_code == 400 and "used already" in html and "Nothing was changed" not in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_CHANGED).count() == 1


def test_the_link_expires_after_three_days(owner):
    with freeze_time("2026-03-02 09:00"):
        token = address_change.change_token(owner, NEW)
    with freeze_time("2026-03-05 09:00:05"):
        answer = signed_in(owner).get(f"/en/accounts/email/{token}/")
    assert answer.status_code == 400 and "expired" in answer.content.decode()
    owner.refresh_from_db()
    assert owner.email == "trainee01@demo.test"


def test_someone_else_holding_the_link_changes_nothing(owner, other_trainee, link):
    """The new mailbox is someone else's (a typo), or the mail was forwarded: the link answers only its owner."""
    visitor = Client().get(link)
    where = urlsplit(visitor["Location"])
    assert visitor.status_code == 302 and where.path == LOGIN and parse_qs(where.query)["next"] == [link]
    intruder = signed_in(other_trainee)
    assert intruder.get(link).status_code == 403 and intruder.post(link).status_code == 403
    with pytest.raises(address_change.AccountError) as refused:
        address_change.do_confirm_address_change(token=link.rstrip("/").rsplit("/", 1)[1], person=other_trainee,
                                                 keep_session=None)  # fmt: skip
    assert refused.value.code == "link_not_yours"
    owner.refresh_from_db()
    assert owner.email == "trainee01@demo.test"
    assert signed_in(owner).post(link).status_code == 200  # still the owner's to use


def test_an_address_another_account_uses_gets_the_same_answer_and_its_owner_is_told(
    owner, other_trainee, django_capture_on_commit_callbacks
):
    free = ask(signed_in(owner), django_capture_on_commit_callbacks, email="someone.free@mail.example")
    mail.outbox.clear()
    taken = ask(signed_in(owner), django_capture_on_commit_callbacks, email=other_trainee.email.upper())
    assert taken.status_code == free.status_code == 200

    def page(answer, address: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", answer.content.decode()).replace(address, "X")

    assert page(taken, other_trainee.email) == page(free, "someone.free@mail.example")
    to_holder, to_old = sorted(mail.outbox, key=lambda m: m.to != [other_trainee.email])
    assert to_holder.to == ["trainee07@demo.test"] and to_old.to == ["trainee01@demo.test"]
    # No link that changes anything: the log-in and the reset, as sign-up's notice.
    assert sorted(links_in(to_holder)) == ["/zh-hant/accounts/login/", "/zh-hant/accounts/password/reset/"]
    assert "已經是某個帳號的登入地址" in to_holder.body and owner.display_name not in to_holder.body
    owner.refresh_from_db()
    other_trainee.refresh_from_db()
    assert (owner.email, other_trainee.email) == ("trainee01@demo.test", "trainee07@demo.test")
    # A second ask within the hour mails the holder nothing more.
    mail.outbox.clear()
    ask(signed_in(owner), django_capture_on_commit_callbacks, email=other_trainee.email)
    assert [m.to for m in mail.outbox] == [["trainee01@demo.test"]]


def test_an_address_taken_after_the_link_was_mailed_is_refused_at_the_link(owner, link):
    User.objects.create_user(email=NEW, password=PASSWORD, display_name="Someone")
    answer = signed_in(owner).post(link.replace("/zh-hant/", "/en/"))
    assert answer.status_code == 400 and "already the log-in of another account" in answer.content.decode()
    owner.refresh_from_db()
    assert owner.email == "trainee01@demo.test"


def test_a_wrong_password_or_address_is_refused_and_sends_nothing(owner, django_capture_on_commit_callbacks):
    client = signed_in(owner)
    page = "/en/accounts/profile/email/"
    wrong = ask(client, django_capture_on_commit_callbacks, password="not-it", page=page)
    html = wrong.content.decode()
    assert wrong.status_code == 400 and "That is not your current password." in html
    assert "the password field was emptied" in html  # said, not left to guess
    same = ask(client, django_capture_on_commit_callbacks, email="Trainee01@Demo.test", page=page)
    assert "already your log-in address" in same.content.decode()
    mixed = ask(client, django_capture_on_commit_callbacks, email="chen@pаypal.example", page=page)  # Cyrillic а
    assert mixed.status_code == 400
    assert mail.outbox == []
    # A wrong password counts as a failed log-in (the trail, and the lock-out).
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_label=owner.email).count() == 1


def test_wrong_passwords_lock_the_account_and_end_the_session(owner, django_capture_on_commit_callbacks):
    client = signed_in(owner)
    for _ in range(5):
        assert ask(client, django_capture_on_commit_callbacks, password="not-it").status_code == 400
    locked = ask(client, django_capture_on_commit_callbacks, password="not-it")
    assert locked.status_code == 429
    assert client.get(PROFILE).status_code == 302  # logged out
    assert mail.outbox == []


def test_too_many_asks_in_an_hour_are_refused(owner, django_capture_on_commit_callbacks):
    client = signed_in(owner)
    for n in range(address_change.ASKS_PER_HOUR):
        assert ask(client, django_capture_on_commit_callbacks, email=f"new{n}@mail.example").status_code == 200
    sent = len(mail.outbox)
    refused = ask(
        client, django_capture_on_commit_callbacks, email="one.more@mail.example", page="/en/accounts/profile/email/"
    )
    assert refused.status_code == 400 and "too many address changes" in refused.content.decode()
    assert len(mail.outbox) == sent


def test_an_employer_s_waiting_request_is_withdrawn_and_its_sync_sees_the_change(owner, link):
    """The HR API shows the log-in as the employee's address: updated_at moves; a request for another address
    (whose links named the old one, so no longer hold) is withdrawn."""
    profile = TraineeProfile.objects.get(user=owner)
    TraineeProfile.objects.filter(pk=profile.pk).update(pending_email="bank.asked@bank-a.example")
    before = TraineeProfile.objects.get(pk=profile.pk).updated_at
    assert signed_in(owner).post(link).status_code == 200
    profile.refresh_from_db()
    assert profile.pending_email == "" and profile.updated_at > before
    assert profile.employer is not None and profile.listed_email == ""  # still bank-a's, by her log-in


def test_an_account_without_a_password_is_offered_the_link_that_sets_one(owner):
    client = Client()
    client.force_login(owner)
    owner.set_unusable_password()
    owner.save(update_fields=["password"])
    client.force_login(owner)
    page = client.get("/en/accounts/profile/email/")
    html = page.content.decode()
    assert page.status_code == 200 and 'action="/en/accounts/password/reset/"' in html
    assert f'value="{owner.email}"' in html


def test_control_characters_in_either_field_are_refused_not_a_server_error(owner, django_capture_on_commit_callbacks):
    client = signed_in(owner)
    for email, password in (("new\x00@mail.example", PASSWORD), (NEW, "pass\x00word"), ("\u202enew@mail.example", "x")):
        assert ask(client, django_capture_on_commit_callbacks, email=email, password=password).status_code == 400
    assert mail.outbox == []


def test_a_password_changed_since_the_ask_voids_the_link(owner, link):
    """The notice to the old address says: not you? change your password. Doing so must void the link asked before
    (a session on a shared computer, say), not leave it to be confirmed later."""
    owner.set_password("another-long-passphrase-9")
    owner.save(update_fields=["password"])
    client = Client()
    client.force_login(owner)
    answer = client.post(link)
    assert answer.status_code == 400
    owner.refresh_from_db()
    assert owner.email != NEW
