"""Only the link's owner, signed in, moves their record to a new employer (F6).

Bank A registers an address that bank B's employee 吳佩珊 (trainee07, the owner) logs in with; she is
mailed a link. A forwarded mail is not enough: anonymous visitors are sent to log in (and back to the
link), someone signed in as another trainee (陳怡君, trainee01) is told the link is another account's
and nothing changes, and the link still works for the owner afterwards.
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
from accounts.models import TraineeProfile, User, UserSession
from courses import services as training
from courses.models import Enrolment
from tests.conftest import PASSWORD
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
LOGIN = "/zh-hant/accounts/login/"


@pytest.fixture
def owner(other_trainee: User) -> User:
    """吳佩珊, bank B's employee, with an enrolment of her own."""
    training.do_enrol(trainee=other_trainee, cohort=CohortFactory())
    return other_trainee


@pytest.fixture
def intruder(trainee: User) -> User:
    """陳怡君, bank A's employee, holding 吳佩珊's forwarded mail."""
    return trainee


@pytest.fixture
def request_to_move(owner: User, employer, django_capture_on_commit_callbacks) -> tuple[TraineeProfile, str]:
    """Bank A registers 吳佩珊's address as its employee A-0099: the stand-in, and the link mailed to her."""
    with django_capture_on_commit_callbacks(execute=True):
        stand_in = employees.do_create_employee(
            employer=employer,
            values={"employee_number": "A-0099", "email": owner.email, "display_name": "吳佩珊"},
            site_url="http://testserver",
        )
    (message,) = mail.outbox
    assert message.to == [owner.email]
    link = re.search(r"https?://[^\s\"<]+", message.body).group(0).split("testserver", 1)[1]
    assert link.startswith("/zh-hant/accounts/employment/")
    return stand_in, link


def signed_in(user: User) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def assert_nothing_moved(owner: User, intruder: User, stand_in: TraineeProfile, employer, other_employer) -> None:
    stand_in.refresh_from_db()
    assert stand_in.user != owner and stand_in.listed_email == owner.email and stand_in.user.is_active
    assert TraineeProfile.objects.get(user=owner).employer == other_employer
    assert TraineeProfile.objects.get(user=intruder).employer == employer
    assert TraineeProfile.objects.get(user=intruder).employee_number == "BANK-A-0001"
    assert Enrolment.objects.filter(trainee=owner).count() == 1
    assert not Enrolment.objects.filter(trainee=stand_in.user).exists()
    owner.refresh_from_db()
    assert owner.is_active


def test_the_owner_signed_in_moves_her_record(owner, request_to_move, employer, other_employer):
    stand_in, link = request_to_move
    client = signed_in(owner)
    page = client.get(link)
    assert page.status_code == 200 and "要將您的紀錄移轉至" in page.content.decode()
    assert client.post(link).status_code == 200
    moved = TraineeProfile.objects.get(pk=stand_in.pk)
    assert moved.user == owner and moved.employer == employer and moved.listed_email == ""
    assert Enrolment.objects.filter(trainee=owner).count() == 1
    # Bank B keeps its row, on a deactivated stand-in of its own.
    left = TraineeProfile.objects.get(employer=other_employer, employee_number="BANK-B-0007")
    assert left.user != owner and not left.user.is_active and left.listed_email == owner.email
    assert client.post(link).status_code == 400  # single use


def test_another_trainee_signed_in_is_told_the_link_is_not_theirs_and_nothing_changes(
    owner, intruder, request_to_move, employer, other_employer
):
    stand_in, link = request_to_move
    client = signed_in(intruder)
    with translation.override("zh-hant"):  # the page's language (its translation is the .po file's)
        heading = gettext("This link is for another account")
    for answer in (client.get(link), client.post(link)):
        assert answer.status_code == 403
        html = answer.content.decode()
        assert heading in html and intruder.email in html and "要將您的紀錄移轉至" not in html
        assert owner.email not in html and "範例儲蓄銀行" not in html  # nothing about the owner
    assert_nothing_moved(owner, intruder, stand_in, employer, other_employer)
    # Still signed in, as themselves.
    assert UserSession.objects.filter(user_id=intruder.pk).exists()
    assert client.get("/zh-hant/accounts/profile/").status_code == 200

    # The page says so in English too, with the way out: log out and come back to the link.
    english = client.get(link.replace("/zh-hant/", "/en/", 1))
    assert english.status_code == 403
    page = english.content.decode()
    assert "This link is for another account" in page
    assert f"You are logged in as {intruder.email}, but this link was sent to another account." in page
    logged_out = client.post("/en/accounts/logout/", {"next": link})
    assert logged_out.status_code == 302 and logged_out["Location"] == link

    # The owner can still use it.
    owners = signed_in(owner)
    assert owners.post(link).status_code == 200
    assert TraineeProfile.objects.get(pk=stand_in.pk).user == owner


def test_an_anonymous_visitor_is_sent_to_log_in_and_back_to_the_link(
    owner, intruder, request_to_move, employer, other_employer
):
    stand_in, link = request_to_move
    client = Client()
    # A GET, and the confirmation posted from the page (a session that ended meanwhile).
    for answer in (client.get(link), client.post(link, HTTP_REFERER=f"http://testserver{link}")):
        assert answer.status_code == 302
        where = urlsplit(answer["Location"])
        assert where.path == LOGIN and parse_qs(where.query)["next"] == [link]
    assert_nothing_moved(owner, intruder, stand_in, employer, other_employer)
    with translation.override("zh-hant"):
        why = gettext(
            "Log in with the account this e-mail was sent to, to answer the request. "
            "If you have never set a password, choose “Forgot your password?”."
        )
    assert why in Client().get(link, follow=True).content.decode()

    # The owner logs in from there and lands on the link, which still works.
    back = client.post(f"{LOGIN}?next={link}", {"username": owner.email, "password": PASSWORD, "next": link})
    assert back.status_code == 302 and back["Location"] == link
    assert "要將您的紀錄移轉至" in client.get(link).content.decode()
    assert client.post(link).status_code == 200
    assert TraineeProfile.objects.get(pk=stand_in.pk).user == owner


def test_the_service_refuses_anyone_but_the_owner(owner, intruder, request_to_move, employer, other_employer):
    stand_in, link = request_to_move
    token = link.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(employees.AccountError) as refused:
        employees.do_accept_employment(token=token, person=intruder)
    assert refused.value.code == "link_not_yours"
    assert_nothing_moved(owner, intruder, stand_in, employer, other_employer)
    assert employees.do_accept_employment(token=token, person=owner).user == owner
