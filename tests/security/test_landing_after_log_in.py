"""Where a log-in lands without a ``next`` (accounts.landing): staff on the admin's index, after the second step
whichever way they pass it (a code, a first set-up, a passkey); trainees on their dashboard. A safe ``next`` still
wins, and an unsafe one is ignored as if there were none. (An outside tester found the program office and the
institutions' admins landing on "My training – you have not enrolled in any cohort".)"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.second_factor import services
from tests.conftest import PASSWORD, make_program_office
from tests.security.software_authenticator import SoftwareAuthenticator
from tests.security.test_passkeys import AUTH_BEGIN, AUTH_COMPLETE, institution_admin, post_json, with_passkey
from tests.security.test_second_factor import ENROL, LOGIN, SECRET, VERIFY, code_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_second_factor")]
ADMIN = "/en/admin/"


def password_step(email: str, **extra: str) -> tuple[Client, str]:
    """The log-in page's form as a browser posts it: no ``next`` unless given."""
    client = Client()
    response = client.post(LOGIN, {"username": email, "password": PASSWORD, **extra})
    assert response.status_code == 302, response.content
    return client, response["Location"]


def hidden_next(html: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)"', html).group(1)


def test_staff_without_a_next_land_on_the_admin_index_after_their_code():
    person = institution_admin()
    services.do_set_authenticator(user=person, secret=SECRET)
    client, after_password = password_step(person.email)
    assert after_password == ADMIN
    # As a browser goes on: the gate asks for the code and carries the admin's address along.
    step = client.get(after_password)["Location"]
    assert step.startswith(VERIFY)
    page = client.get(step).content.decode()
    assert hidden_next(page) == ADMIN
    done = client.post(VERIFY, {"code": code_for(SECRET), "next": hidden_next(page)})
    assert done["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_the_code_page_without_any_next_also_leads_staff_to_the_admin_index():
    person = make_program_office(email="office@office.test", password=PASSWORD, preferred_language="en")
    services.do_set_authenticator(user=person, secret=SECRET)
    client, _ = password_step(person.email)
    assert hidden_next(client.get(VERIFY).content.decode()) == ADMIN
    assert client.post(VERIFY, {"code": code_for(SECRET)})["Location"] == ADMIN


def test_a_first_staff_log_in_sets_up_the_app_and_goes_on_to_the_admin_index():
    person = institution_admin()
    client, after_password = password_step(person.email)
    step = client.get(after_password)["Location"]
    assert step.startswith(ENROL)
    device = services.do_start_enrolment(user=person)
    done = client.post(ENROL, {"code": code_for(services.secret_of(device))})
    codes = done["Location"]
    assert codes == "/en/accounts/second-factor/recovery-codes/?next=%2Fen%2Fadmin%2F"
    shown = client.get(codes).content.decode()
    assert re.search(r'class="btn btn-primary" href="([^"]*)"', shown).group(1) == ADMIN  # on, once noted


def test_a_passkey_without_a_next_leads_staff_to_the_admin_index():
    person = institution_admin()
    authenticator: SoftwareAuthenticator = with_passkey(person)
    client, _ = password_step(person.email)
    options = post_json(client, AUTH_BEGIN).json()
    done = post_json(client, AUTH_COMPLETE, authenticator.authenticate(options))
    assert done.status_code == 200 and done.json()["redirect_url"] == ADMIN


def test_a_safe_next_still_wins_over_the_admin_index():
    person = institution_admin()
    services.do_set_authenticator(user=person, secret=SECRET)
    client, after_password = password_step(person.email, next="/en/cohorts/")
    assert after_password == "/en/cohorts/"
    page = client.get(client.get(after_password)["Location"]).content.decode()
    assert hidden_next(page) == "/en/cohorts/"
    assert client.post(VERIFY, {"code": code_for(SECRET), "next": "/en/cohorts/"})["Location"] == "/en/cohorts/"


@pytest.mark.parametrize("unsafe", ["https://evil.example/admin/", "//evil.example/"])
def test_an_unsafe_next_is_ignored_and_staff_land_on_the_admin_index(unsafe: str):
    person = institution_admin()
    services.do_set_authenticator(user=person, secret=SECRET)
    client, after_password = password_step(person.email, next=unsafe)
    assert after_password == ADMIN
    assert client.post(VERIFY, {"code": code_for(SECRET), "next": unsafe})["Location"] == ADMIN


def test_trainees_still_land_on_their_dashboard(trainee):
    _client, after_password = password_step(trainee.email)
    assert after_password == "/en/dashboard/"


def test_a_signed_in_staff_person_opening_the_log_in_page_is_sent_to_the_admin_index():
    person = institution_admin()
    services.do_set_authenticator(user=person, secret=SECRET)
    client, _ = password_step(person.email)
    client.post(VERIFY, {"code": code_for(SECRET)})
    assert client.get(LOGIN)["Location"] == ADMIN
