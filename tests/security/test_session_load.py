"""The session and its user are read in one query on every request (accounts.sessions), and a
session's signed text is verified once per process (then remembered): none of it may keep a
session alive that Django's own reads would end. Each case changes the database behind the
portal's back (no signal, no cache to clear) and the very next request must be anonymous."""

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts import sessions
from accounts.middleware import AuthenticationMiddleware
from accounts.models import User, UserSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
PROFILE = "/en/accounts/profile/"


@pytest.fixture
def logged_in():
    user = UserFactory(email="session-load@example.test", password=PASSWORD)
    client = Client()
    response = client.post("/en/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 200  # the session's text is now verified and remembered
    return user, client


def is_anonymous(client: Client) -> bool:
    response = client.get(PROFILE)
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_log_out_ends_the_session_even_for_a_copy_of_its_cookie(logged_in):
    _user, client = logged_in
    stolen = Client()
    stolen.cookies["sessionid"] = client.cookies["sessionid"].value
    assert stolen.get(PROFILE).status_code == 200
    client.post("/en/accounts/logout/")
    assert is_anonymous(stolen)


def test_a_password_changed_anywhere_ends_the_session(logged_in):
    user, client = logged_in
    user = User.objects.get(pk=user.pk)
    user.set_password("another-long-passphrase-2026")
    user.save(update_fields=["password"])
    assert is_anonymous(client)


def test_a_person_deactivated_without_any_signal_is_anonymous_at_once(logged_in):
    user, client = logged_in
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert is_anonymous(client)


def test_a_deleted_session_row_is_anonymous_at_once(logged_in):
    user, client = logged_in
    UserSession.objects.filter(user_id=user.pk).delete()
    assert is_anonymous(client)


def test_a_session_row_pointed_at_someone_else_does_not_log_in_as_them(logged_in):
    user, client = logged_in
    other = UserFactory(email="someone-else@example.test")
    UserSession.objects.filter(user_id=user.pk).update(user_id=other.pk)
    response = client.get(PROFILE)
    # The session's own data names the person; the row's user is only where the row is found.
    assert response.status_code == 200
    assert other.email not in response.content.decode()


def test_a_forged_session_text_is_refused_even_after_a_good_one_was_remembered(logged_in):
    user, client = logged_in
    row = UserSession.objects.get(user_id=user.pk)
    good = row.session_data
    assert good in sessions._verified
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")  # the signature no longer holds
    UserSession.objects.filter(pk=row.pk).update(session_data=forged)
    assert is_anonymous(client)
    assert forged not in sessions._verified


def test_a_session_hash_of_an_old_password_is_refused(logged_in):
    _user, client = logged_in
    session = client.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()
    assert is_anonymous(client)


def test_the_session_and_its_user_cost_one_query():
    user = UserFactory(email="one-query@example.test")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    request = RequestFactory().get("/en/")
    request.session = sessions.SessionStore(client.cookies["sessionid"].value)
    AuthenticationMiddleware(lambda request: None).process_request(request)
    with CaptureQueriesContext(connection) as queries:
        assert request.user.pk == user.pk and request.user.is_authenticated
    assert len(queries) == 1, [q["sql"] for q in queries]
    # The user as Django's backend reads it: every field, the row's own state.
    assert request.user.email == user.email and request.user._state.adding is False


def test_the_remembered_texts_are_bounded(monkeypatch):
    monkeypatch.setattr(sessions, "VERIFIED_LIMIT", 3)
    monkeypatch.setattr(sessions, "_verified", {})
    store = sessions.SessionStore()
    texts = [store.encode({"n": n}) for n in range(5)]
    assert [store.decode(text) for text in texts] == [{"n": n} for n in range(5)]
    assert list(sessions._verified) == texts[2:]
