"""Sessions: a new one at log-in, an end after two hours idle or twelve hours in all, and every
session of a person ended when an admin deactivates them. The HR API's deactivation ends the employment, not the
person's account: their sessions are theirs and go on."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from accounts.employees import do_deactivate_employee
from accounts.models import AuditEvent, User, UserSession
from tests.conftest import make_trainee
from tests.factories import UserFactory
from tests.isolation import build_world

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
PROFILE = "/en/accounts/profile/"


def log_in(client: Client, email: str) -> None:
    response = client.post("/en/accounts/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302, response.content


def test_log_in_starts_a_new_session_so_a_planted_session_id_is_useless():
    user = UserFactory(email="fixation@example.test", password=PASSWORD)
    client = Client()
    client.get("/en/accounts/login/")
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    log_in(client, user.email)
    assert client.session.session_key != planted
    assert not UserSession.objects.filter(session_key=planted).exists()
    assert UserSession.objects.get(session_key=client.session.session_key).user_id == user.pk


def test_two_hours_without_a_request_end_the_session(settings):
    assert settings.SESSION_IDLE_SECONDS == 120 * 60  # longer than an exam: reading is not idling
    UserFactory(email="idle@example.test", password=PASSWORD)
    client = Client()
    start = timezone.now()
    with freeze_time(start):
        log_in(client, "idle@example.test")
    with freeze_time(start + datetime.timedelta(minutes=119)):
        assert client.get(PROFILE).status_code == 200
    with freeze_time(start + datetime.timedelta(minutes=119 + 121)):
        response = client.get(PROFILE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_twelve_hours_after_log_in_the_session_ends_however_busy():
    UserFactory(email="busy@example.test", password=PASSWORD)
    client = Client()
    start = timezone.now()
    with freeze_time(start):
        log_in(client, "busy@example.test")
    for half_hours in range(1, 24):
        with freeze_time(start + datetime.timedelta(minutes=30 * half_hours)):
            assert client.get(PROFILE).status_code == 200, half_hours
    with freeze_time(start + datetime.timedelta(hours=12, minutes=1)):
        response = client.get(PROFILE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deactivation_through_the_hr_api_leaves_every_session_of_the_person(trainee):
    profile = trainee.trainee_profile
    person = profile.user
    person.set_password(PASSWORD)
    person.save()
    phone, laptop, other = Client(), Client(), Client()
    log_in(phone, person.email)
    log_in(laptop, person.email)
    UserFactory(email="colleague@example.test", password=PASSWORD)
    log_in(other, "colleague@example.test")
    assert UserSession.objects.filter(user=person).count() == 2

    row = do_deactivate_employee(profile=profile)

    # The employment ended: the bank's row is on an inactive placeholder with no session; the person's own account,
    # and every session of it, goes on.
    assert row.user != person and not row.user.is_active
    assert not UserSession.objects.filter(user=row.user).exists()
    assert UserSession.objects.filter(user=person).count() == 2
    assert phone.get(PROFILE).status_code == 200
    assert laptop.get(PROFILE).status_code == 200
    assert other.get(PROFILE).status_code == 200
    assert not AuditEvent.objects.filter(action="user_deactivated", object_id=str(person.pk)).exists()
    assert AuditEvent.objects.filter(action="api_write", detail__change="employment_ended").count() == 1


def test_deactivation_by_an_institution_admin_in_admin_ends_the_trainees_sessions():
    world = build_world()
    # A trainee inst-a registered and no employer holds: its own to deactivate (an employer's employee is the
    # employer's or the program office's call: tests/accounts/test_institution_deactivation.py).
    trainee = make_trainee(
        email="own.trainee@example.test", display_name="林自費", registered_by=world.inst_a, password=PASSWORD
    )
    browser = Client()
    log_in(browser, trainee.email)
    admin = Client()
    admin.force_login(world.admin_a)
    response = admin.post(
        f"/en/admin/accounts/user/{trainee.pk}/change/",
        {"display_name": trainee.display_name, "preferred_language": trainee.preferred_language},  # active unticked
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=trainee.pk).is_active is False
    assert not UserSession.objects.filter(user=trainee).exists()
    assert browser.get(PROFILE).status_code == 302
    event = AuditEvent.objects.get(action="user_deactivated", object_id=str(trainee.pk))
    assert event.actor_label == world.admin_a.email
    assert event.institution_id == world.inst_a.pk
