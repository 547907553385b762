"""A stand-in given a free address is welcomed as a new employee is.

Bank A registers an address another account owns: the employee is a stand-in (an account of its own under
``stand-in.invalid``, accounts.employees) and nobody is welcomed; the address's owner is asked to move instead.
When the HR system then changes that employee's address to one nobody owns, the stand-in's account takes it and
becomes the person's own: they are owed the welcome a newly created employee gets (accounts.OwedWelcome: their
employer registered them, a link to choose a first password). Until the person uses the account, each new address
is welcomed again (the link of a welcome is made for its address); once they have, a change asks them to confirm.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from accounts.employees import STAND_IN_DOMAIN
from accounts.models import OwedWelcome, TraineeProfile
from tests.api.conftest import http
from tests.conftest import make_trainee

pytestmark = pytest.mark.django_db

EMPLOYEES = "/api/v1/employees/"
WELCOME_SUBJECT = "Your account on the BCM portal"


@pytest.fixture
def api(hr_client):
    return http(hr_client)


@pytest.fixture
def stand_in(api, other_trainee, django_capture_on_commit_callbacks) -> TraineeProfile:
    """Bank A's employee A-1, registered with bank B's trainee's address: a stand-in, and nobody welcomed."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            EMPLOYEES,
            {
                "employee_number": "A-1",
                "email": other_trainee.email,
                "display_name": "周杰",
                "preferred_language": "en",
            },
            format="json",
        )
    assert answer.status_code == 201, answer.content
    profile = TraineeProfile.objects.select_related("user").get(pk=answer.json()["id"])
    assert profile.user.email.endswith(f"@{STAND_IN_DOMAIN}") and profile.listed_email == other_trainee.email
    assert not OwedWelcome.objects.filter(profile=profile).exists()
    assert [message.to for message in mail.outbox] == [[other_trainee.email]]  # the owner is asked, no welcome
    mail.outbox.clear()
    return profile


def change_address(api, profile: TraineeProfile, email: str, capture) -> None:
    with capture(execute=True):
        answer = api.patch(f"{EMPLOYEES}{profile.pk}/", {"email": email}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["email"] == email


def link_in(body: str) -> str:
    [link] = re.findall(r"https?://\S+/accounts/password/reset/\S+", body)
    return urlsplit(link).path


def welcomes() -> list[list[str]]:
    return [message.to for message in mail.outbox if message.subject == WELCOME_SUBJECT]


def test_a_stand_in_moved_to_a_free_address_gets_the_welcome_of_a_new_employee(
    api, stand_in, employer, django_capture_on_commit_callbacks
):
    change_address(api, stand_in, "zhou@bank.example", django_capture_on_commit_callbacks)
    stand_in.refresh_from_db()
    assert stand_in.user.email == "zhou@bank.example" and stand_in.listed_email == ""
    [message] = mail.outbox
    assert message.to == ["zhou@bank.example"] and message.subject == WELCOME_SUBJECT
    with translation.override("en"):
        bank = employer.name
    assert f"{bank}, your employer, has registered you" in " ".join(message.body.split())
    assert "/en/accounts/password/reset/" in message.body
    assert not OwedWelcome.objects.filter(profile=stand_in).exists()  # mailed: owed no more


def test_each_new_address_of_an_unused_account_is_welcomed_the_old_link_is_dead(
    api, stand_in, django_capture_on_commit_callbacks
):
    change_address(api, stand_in, "zhuo@bank.example", django_capture_on_commit_callbacks)
    first_link = link_in(mail.outbox[-1].body)
    change_address(api, stand_in, "zhou@bank.example", django_capture_on_commit_callbacks)  # HR corrects a typo
    assert welcomes() == [["zhuo@bank.example"], ["zhou@bank.example"]]
    assert not OwedWelcome.objects.exists()
    # The first welcome's link was made for the address it went to: useless now, so the second one is needed.
    assert "new_password1" not in Client().get(first_link, follow=True).content.decode()
    assert "new_password1" in Client().get(link_in(mail.outbox[-1].body), follow=True).content.decode()


def test_an_employee_who_has_logged_in_is_asked_to_confirm_a_new_address_not_welcomed(
    api, stand_in, django_capture_on_commit_callbacks
):
    change_address(api, stand_in, "zhou@bank.example", django_capture_on_commit_callbacks)
    user = stand_in.user
    user.refresh_from_db()
    user.set_password("Correct-horse-battery-9")
    user.last_login = timezone.now()
    user.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.patch(f"{EMPLOYEES}{stand_in.pk}/", {"email": "jay.zhou@bank.example"}, format="json")
    assert answer.status_code == 200, answer.content
    assert welcomes() == [] and len(mail.outbox) == 1  # the request to confirm the new address
    user.refresh_from_db()
    stand_in.refresh_from_db()
    assert user.email == "zhou@bank.example" and stand_in.pending_email == "jay.zhou@bank.example"


def test_a_change_before_the_welcome_went_out_keeps_one_welcome_for_the_new_address(
    api, stand_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # the worker has not run yet
        answer = api.patch(f"{EMPLOYEES}{stand_in.pk}/", {"email": "zhou@bank.example"}, format="json")
    assert answer.status_code == 200, answer.content
    assert OwedWelcome.objects.filter(profile=stand_in).exists()
    change_address(api, stand_in, "jay.zhou@bank.example", django_capture_on_commit_callbacks)
    # One row owed, mailed to the address the person has when the worker reads it; the first message then
    # finds nothing owed.
    assert welcomes() == [["jay.zhou@bank.example"]] and not OwedWelcome.objects.exists()
    for callback in callbacks:  # the first change's message reaches the worker late
        callback()
    assert welcomes() == [["jay.zhou@bank.example"]]


def test_a_new_employee_moved_through_a_stand_in_before_the_welcome_went_out_is_welcomed_once(
    api, other_trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # owed, the worker has not run yet
        answer = api.post(
            EMPLOYEES,
            {"employee_number": "A-2", "email": "mei@bank.example", "display_name": "Mei", "preferred_language": "en"},
            format="json",
        )
    profile = TraineeProfile.objects.get(pk=answer.json()["id"])
    change_address(api, profile, other_trainee.email, django_capture_on_commit_callbacks)  # a stand-in now
    assert OwedWelcome.objects.filter(profile=profile).exists()
    change_address(api, profile, "mei.lin@bank.example", django_capture_on_commit_callbacks)
    assert welcomes() == [["mei.lin@bank.example"]]
    assert not OwedWelcome.objects.exists()


def test_a_stand_in_moved_to_another_owned_address_is_still_not_welcomed(
    api, stand_in, django_capture_on_commit_callbacks
):
    owner = make_trainee(email="self.funded@example.test", display_name="Owner")
    change_address(api, stand_in, owner.email, django_capture_on_commit_callbacks)
    stand_in.refresh_from_db()
    assert stand_in.user.email.endswith(f"@{STAND_IN_DOMAIN}") and stand_in.listed_email == owner.email
    assert welcomes() == [] and [message.to for message in mail.outbox] == [[owner.email]]  # the owner is asked
    assert not OwedWelcome.objects.exists()


def test_a_stand_in_moved_to_a_placeholder_address_is_not_welcomed(api, stand_in, django_capture_on_commit_callbacks):
    change_address(api, stand_in, "nobody@placeholder.invalid", django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not OwedWelcome.objects.exists()


def test_the_bulk_upsert_welcomes_a_stand_in_it_gives_a_free_address(api, stand_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            f"{EMPLOYEES}bulk/",
            {"employees": [{"employee_number": "A-1", "email": "zhou@bank.example"}]},
            format="json",
        )
    assert answer.status_code == 200, answer.content
    assert welcomes() == [["zhou@bank.example"]]
