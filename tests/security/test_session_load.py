"""The session and its user are read in one query on every request (accounts.sessions), and a
session's signed text is verified once per process (then remembered): none of it may keep a
session alive that Django's own reads would end. Each case changes the database behind the
portal's back (no signal, no cache to clear) and the very next request must be anonymous."""

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sessions
from accounts.middleware import AuthenticationMiddleware
from accounts.models import Institution, StaffMembership, User, UserSession
from accounts.scoping import PROGRAM_OFFICE_GROUP, institution_of, is_program_office
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


def request_of(client: Client):
    """A request carrying ``client``'s session through the portal's authentication middleware."""
    request = RequestFactory().get("/en/")
    request.session = sessions.SessionStore(client.cookies["sessionid"].value)
    AuthenticationMiddleware(lambda request: None).process_request(request)
    return request


def logged_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_program_office_membership_is_read_with_the_session_and_ends_on_the_next_request():
    office_group = Group.objects.get_or_create(name=PROGRAM_OFFICE_GROUP)[0]
    user = UserFactory(email="office-member@example.test", is_staff=True)
    user.groups.add(office_group, Group.objects.get_or_create(name="some other group")[0])
    client = logged_in_client(user)
    request = request_of(client)
    with CaptureQueriesContext(connection) as queries:
        assert is_program_office(request.user)
    assert [q["sql"] for q in queries if "auth_group" in q["sql"]] == [queries[0]["sql"]]  # with the session
    # Removed behind the portal's back (no signal): the next request no longer sees every institution.
    user.groups.remove(office_group)
    assert not is_program_office(request_of(client).user)
    assert not is_program_office(request_of(logged_in_client(UserFactory(email="plain@example.test"))).user)


def device_session(user: User, device) -> Client:
    client = logged_in_client(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device if isinstance(device, str) else device.persistent_id
    session.save()
    return client


def test_the_device_that_verified_the_session_is_read_with_one_query_and_checked_on_every_request():
    user = UserFactory(email="verified@example.test", is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = device_session(user, device)
    request = request_of(client)
    with CaptureQueriesContext(connection) as queries:
        assert request.user.is_verified() and request.user.otp_device == device
    assert len(queries) == 2, [q["sql"] for q in queries]  # the session with its user, the device
    assert request.user.otp_device.name == "phone" and request.user.otp_device._state.adding is False

    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert not request_of(client).user.is_verified()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    assert request_of(client).user.is_verified()
    device.delete()
    assert not request_of(client).user.is_verified()


@pytest.mark.parametrize(
    "persistent_id",
    ["someone_elses", "accounts.user/{user}", "otp_totp.totpdevice/not-a-number", "no.such.model/1", "garbage"],
)
def test_a_session_naming_a_device_that_is_not_the_persons_own_is_not_verified(persistent_id):
    user = UserFactory(email="not-verified@example.test", is_staff=True)
    if persistent_id == "someone_elses":
        other = UserFactory(email="device-owner@example.test", is_staff=True)
        device = TOTPDevice.objects.create(user=other, name="theirs", confirmed=True)
        persistent_id = device.persistent_id
    client = device_session(user, persistent_id.format(user=user.pk))
    request = request_of(client)
    assert not request.user.is_verified()
    assert DEVICE_ID_SESSION_KEY not in request.session  # django-otp forgets a device that does not hold


def test_institution_staff_membership_is_read_with_the_session_and_moves_on_the_next_request(
    institution_admin, institution, other_institution
):
    client = logged_in_client(institution_admin)
    request = request_of(client)
    with CaptureQueriesContext(connection) as queries:
        assert institution_of(request.user) == institution
        assert institution_of(request.user).name_en == institution.name_en  # the whole row
        assert request.user.staff_membership.role == StaffMembership.Role.ADMIN
    assert [q["sql"] for q in queries if "staffmembership" in q["sql"]] == [queries[0]["sql"]]  # with the session
    # Moved, renamed or removed behind the portal's back: the next request reads it afresh.
    StaffMembership.objects.filter(user=institution_admin).update(institution=other_institution)
    Institution.objects.filter(pk=other_institution.pk).update(name_en="Renamed behind the portal's back")
    moved = institution_of(request_of(client).user)
    assert moved == other_institution and moved.name_en == "Renamed behind the portal's back"
    StaffMembership.objects.filter(user=institution_admin).delete()
    user = request_of(client).user
    with CaptureQueriesContext(connection) as queries:
        assert institution_of(user) is None
        with pytest.raises(StaffMembership.DoesNotExist):
            user.staff_membership  # noqa: B018  (Django's accessor, as without the session's read)
    assert [q["sql"] for q in queries if "staffmembership" in q["sql"]] == [queries[0]["sql"]]
    trainee = request_of(logged_in_client(UserFactory(email="no-membership@example.test"))).user
    assert institution_of(trainee) is None
