"""Staff sign in with a second factor (issue 15, item 7): enrolment on the first staff log-in,
a code on every later one, recovery codes that work once, wrong codes in the same lock-out as wrong
passwords, a reset only the program office can do; every URL is behind it, trainees never see it."""

from __future__ import annotations

import base64
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from accounts.models import AuditEvent, StaffMembership, User, UserSession
from accounts.scoping import PROGRAM_OFFICE_GROUP, TRAINEE_GROUP
from accounts.second_factor import services
from accounts.second_factor.middleware import is_open
from tests.conftest import PASSWORD, in_english, make_program_office, make_staff
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_second_factor")]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LOGIN = "/en/accounts/login/"
VERIFY = "/en/accounts/second-factor/"
ENROL = "/en/accounts/second-factor/enrol/"


def code_for(secret: str, offset: int = 0) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time += offset * 30
    return f"{totp.token():06d}"


@pytest.fixture
def institution_admin(institution_admin):
    """The cast's admin of inst-a, in English: the log-ins below land on the English pages the tests name."""
    return in_english(institution_admin)


@pytest.fixture
def program_office(program_office):
    """The cast's program office, in English."""
    return in_english(program_office)


def log_in(email: str, password: str = PASSWORD, next_url: str = "/en/admin/") -> tuple[Client, object]:
    client = Client()
    response = client.post(LOGIN, {"username": email, "password": password, "next": next_url})
    return client, response


# --- every URL is behind the second step --------------------------------------------------


def _patterns(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            )
            yield from _patterns(entry, inner or "")
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def every_url() -> dict[str, str]:
    """One concrete path for every named URL pattern of the project (ids made up: the gate
    answers before any view looks them up)."""
    urls: dict[str, str] = {}
    with translation.override("en"):
        for name, pattern in _patterns(get_resolver()):
            params = list(pattern.pattern.regex.groupindex)
            for value in ("1", "abc", "accounts", "00000000-0000-0000-0000-000000000001", "x/y"):
                try:
                    urls[name] = reverse(name, kwargs=dict.fromkeys(params, value))
                    break
                except NoReverseMatch:
                    continue
            else:
                raise AssertionError(f"the walk cannot build a URL for {name}: teach it the parameter's form")
    urls["admin catch-all"] = "/en/admin/no-such-page/"
    return urls


def test_the_walk_reaches_admin_staff_pages_and_the_api():
    urls = every_url()
    assert {"admin:index", "admin:accounts_user_changelist", "admin:accounts_auditevent_changelist"} <= set(urls)
    assert any(name.startswith("api:") for name in urls) and len(urls) > 60


@pytest.mark.parametrize(
    "who", ["institution admin", "grader without staff status", "program office without staff status", "superuser"]
)
@pytest.mark.parametrize("enrolled", [False, True])
def test_every_url_sends_a_staff_person_without_the_second_step_to_it(who, enrolled, institution, request):
    if who == "institution admin":
        person = request.getfixturevalue("institution_admin")
    elif who == "grader without staff status":
        person = make_staff(institution, StaffMembership.Role.GRADER, is_staff=False)
    elif who == "program office without staff status":
        person = make_program_office(is_staff=False)
    else:
        person = UserFactory(is_staff=True, is_superuser=True)
    if enrolled:
        services.do_set_authenticator(user=person, secret=SECRET)
    client = Client()
    client.force_login(person)  # a password log-in: django's force_login (real_second_factor)
    step = re.compile(r"^/(en|zh-hant)/accounts/second-factor/" + ("" if enrolled else "enrol/") + r"\?next=")
    for name, url in every_url().items():
        if is_open(name, name.rpartition(":")[0]):
            continue
        response = client.get(url)
        assert response.status_code == 302 and step.match(response["Location"]), (
            f"{name} ({url}) answered {response.status_code} {response.get('Location', '')} to {who} "
            "without a second factor"
        )


def test_trainees_never_see_the_second_step(trainee):
    assert trainee.groups.filter(name=TRAINEE_GROUP).exists()
    client, response = log_in(trainee.email, next_url="/en/dashboard/")
    assert response.status_code == 302 and "second-factor" not in response["Location"]
    for name, url in every_url().items():
        if name.startswith("second_factor:"):
            continue
        location = client.get(url).get("Location", "")
        assert "second-factor" not in location, f"{name} sent a trainee to the second step"
    assert client.get(ENROL).status_code == 302  # nothing to set up: back to where they were
    assert not TOTPDevice.objects.filter(user=trainee).exists()


# --- enrolment on the first staff log-in ----------------------------------------------------


def test_the_first_staff_log_in_enrols_an_authenticator_and_shows_ten_recovery_codes_once(institution_admin):
    person = institution_admin
    client, response = log_in(person.email)
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)
    page = response.content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert 'src="data:image/svg+xml' in page and "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    assert client.get("/en/admin/")["Location"].startswith(ENROL)

    refused = client.post(ENROL, {"code": "000000", "next": "/en/admin/"})
    assert refused.status_code == 200 and not services.has_second_factor(person)
    time.sleep(1.1)  # django-otp's throttle: a second try waits a second after a wrong code

    response = client.post(ENROL, {"code": code_for(secret), "next": "/en/admin/"})
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/second-factor/recovery-codes/")
    shown = client.get(response["Location"])
    codes = re.findall(r'<li class="col">([a-z2-7]{8})</li>', shown.content.decode())
    assert len(set(codes)) == 10
    assert sorted(codes) == sorted(StaticDevice.objects.get(user=person).token_set.values_list("token", flat=True))
    again = client.get("/en/accounts/second-factor/recovery-codes/?next=/en/admin/")
    assert again.status_code == 302 and not any(code in again.content.decode() for code in codes)
    assert client.get("/en/admin/").status_code == 200
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_ENROLLED, object_id=str(person.pk)).count()
        == 1
    )


def test_a_staff_log_in_asks_for_the_code_and_then_opens_admin(institution_admin):
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    client, response = log_in(person.email)
    assert client.get(response["Location"])["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": code_for(SECRET), "next": "/en/admin/"})
    assert response.status_code == 302 and response["Location"] == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200


def test_django_admins_own_log_in_page_is_no_way_around_the_second_step(institution_admin):
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    client = Client()
    response = client.post(
        "/en/admin/login/?next=/en/admin/", {"username": person.email, "password": PASSWORD, "next": "/en/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/en/admin/")["Location"].startswith(VERIFY)
    assert client.get("/en/admin/login/")["Location"].startswith(VERIFY)
    assert client.get("/en/admin/accounts/user/")["Location"].startswith(VERIFY)


# --- the lock-out covers the second factor --------------------------------------------------


def wait_out_the_throttle(person: User) -> None:
    """As if the person had waited out django-otp's wait after their last wrong code (1, 2, 4 … seconds): the
    authenticator's last failure is moved back by that wait, so the next code is read."""
    for device in TOTPDevice.objects.filter(user=person, throttling_failure_timestamp__isnull=False):
        wait = device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1)
        device.throttling_failure_timestamp = timezone.now() - timedelta(seconds=wait)
        device.save(update_fields=["throttling_failure_timestamp"])


def wrong_code(client: Client, person: User, code: str = "000000"):
    """A wrong code typed once django-otp's wait is over, so read and refused: what the lock-out counts (a code
    refused unread during the wait does not count). The answer: the code page saying so, or the lock-out."""
    wait_out_the_throttle(person)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 429 or "That code is not right." in response.content.decode(), response.content
    return response


def test_six_wrong_codes_lock_the_account_and_the_right_code_then_fails(institution_admin):
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    client, _ = log_in(person.email)
    for _attempt in range(5):
        response = wrong_code(client, person)
        assert response.status_code == 200
    locked = wrong_code(client, person)
    assert locked.status_code == 429
    # Logged out, and neither the password nor the right code gets through.
    assert client.get("/en/admin/")["Location"].startswith("/en/admin/login/")
    _again, response = log_in(person.email)
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).exists()


def test_a_new_password_log_in_gives_no_new_guesses_at_the_code(institution_admin):
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    for _round in range(2):
        client, response = log_in(person.email)
        assert response.status_code == 302
        for _attempt in range(3):
            last = wrong_code(client, person)
    assert last.status_code == 429  # 3 + 3: the second password log-in reset nothing


def test_wrong_passwords_and_wrong_codes_add_up(institution_admin):
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    for _attempt in range(3):
        assert log_in(person.email, password="wrong")[1].status_code == 200
    client, _ = log_in(person.email)
    for _attempt in range(2):
        assert wrong_code(client, person, "123456").status_code == 200
    assert wrong_code(client, person, "123456").status_code == 429


def test_the_right_code_forgets_the_failures(institution_admin):
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    client, _ = log_in(person.email)
    for _attempt in range(5):
        wrong_code(client, person)
    wait_out_the_throttle(person)
    assert client.post(VERIFY, {"code": code_for(SECRET), "next": "/en/admin/"})["Location"] == "/en/admin/"
    client.post("/en/accounts/logout/")
    client, _ = log_in(person.email)
    for _attempt in range(5):  # 5 + 5 would have locked the account at the sixth
        assert wrong_code(client, person).status_code == 200


def test_codes_refused_unread_during_the_wait_do_not_count_toward_the_lock_out(institution_admin):
    """A code django-otp would not read yet (the wait after a wrong one: 1, 2, 4 … seconds) guessed nothing: a person
    retyping quickly does not lock their account sooner; only the codes read and refused count."""
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    client, _ = log_in(person.email)
    wrong_code(client, person)
    with freeze_time(timezone.now()):  # retyped at once: each within the wait
        for _retyped in range(10):  # more than the lock-out allows
            refused = client.post(VERIFY, {"code": code_for(SECRET)})
            assert refused.status_code == 200 and "Wait 1 second, then try again" in refused.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).exists()
    for _attempt in range(4):  # the one before and these: five wrong codes read, one short of the lock-out
        assert wrong_code(client, person).status_code == 200
    wait_out_the_throttle(person)
    assert client.post(VERIFY, {"code": code_for(SECRET), "next": "/en/admin/"})["Location"] == "/en/admin/"


# --- recovery codes -----------------------------------------------------------------------


def test_a_recovery_code_works_once_and_is_audited(institution_admin):
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    codes = services._new_recovery_codes(person)
    client, _ = log_in(person.email)
    response = client.post(VERIFY, {"code": codes[3].upper()[:4] + "-" + codes[3][4:], "next": "/en/admin/"})
    assert response["Location"] == "/en/admin/" and client.get("/en/admin/").status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.RECOVERY_CODE_USED)
    assert event.object_id == str(person.pk) and event.detail == {"recovery_codes_left": 9}
    client.post("/en/accounts/logout/")
    client, _ = log_in(person.email)
    assert client.post(VERIFY, {"code": codes[3]}).status_code == 200  # spent: refused
    assert client.get("/en/admin/")["Location"].startswith(VERIFY)


# --- reset: the program office, audited -------------------------------------------------------


def test_the_program_office_resets_a_second_factor_which_ends_sessions_and_forces_re_enrolment(
    institution_admin, program_office
):
    person = institution_admin
    services.do_set_authenticator(user=person, secret=SECRET)
    services._new_recovery_codes(person)
    theirs, _ = log_in(person.email)
    theirs.post(VERIFY, {"code": code_for(SECRET)})
    assert theirs.get("/en/admin/").status_code == 200

    office = program_office
    services.do_set_authenticator(user=office, secret=SECRET)
    client = Client()
    client.force_login(office)
    session = client.session
    session["otp_device_id"] = services.authenticator_of(office).persistent_id
    session.save()
    response = client.post(
        "/en/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [person.pk]}
    )
    assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=person).exists() and not StaticDevice.objects.filter(user=person).exists()
    assert not UserSession.objects.filter(user_id=person.pk).exists()
    assert theirs.get("/en/admin/")["Location"].startswith("/en/admin/login/")
    event = AuditEvent.objects.get(action=AuditEvent.Action.SECOND_FACTOR_RESET)
    assert event.actor_id == office.pk and event.object_id == str(person.pk)
    again, response = log_in(person.email)
    assert again.get(response["Location"])["Location"].startswith(ENROL)


def test_an_institution_admin_cannot_reset_a_second_factor(institution_admin, institution_grader):
    admin_a, grader = institution_admin, institution_grader
    services.do_set_authenticator(user=grader, secret=SECRET)
    client = Client()
    client.force_login(admin_a)
    session = client.session
    services.do_set_authenticator(user=admin_a, secret=SECRET)
    session["otp_device_id"] = services.authenticator_of(admin_a).persistent_id
    session.save()
    changelist = client.get("/en/admin/accounts/user/")
    assert changelist.status_code == 200 and b"reset_second_factor" not in changelist.content
    client.post("/en/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [grader.pk]})
    assert TOTPDevice.objects.filter(user=grader).exists()
    with pytest.raises(services.SecondFactorError):
        services.do_reset_second_factor(actor=admin_a, user=grader)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_RESET).exists()


def test_a_staff_role_granted_later_ends_the_persons_sessions(trainee):
    _client, _ = log_in(trainee.email, next_url="/en/dashboard/")
    assert UserSession.objects.filter(user_id=trainee.pk).exists()
    trainee.groups.add(Group.objects.get(name=PROGRAM_OFFICE_GROUP))
    assert not UserSession.objects.filter(user_id=trainee.pk).exists()


# --- demo: documented secrets, a command prints the code ---------------------------------------


def test_demo_staff_have_the_documented_secret_and_demo_totp_prints_a_code_that_logs_in(settings):
    from django.conf import settings as django_settings

    import accounts.demo

    accounts.demo.load()
    accounts.demo.load()  # idempotent: still one authenticator each
    readme = (django_settings.BASE_DIR / "README.md").read_text()
    for email, secret in accounts.demo.DEMO_TOTP_SECRETS.items():
        assert secret in readme, f"README does not document {email}'s demo secret"
        device = TOTPDevice.objects.get(user__email=email)
        assert services.secret_of(device) == secret
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_totp", "Admin@inst-a.demo.test", stdout=out)
    code = out.getvalue().strip()
    secret = accounts.demo.DEMO_TOTP_SECRETS["admin@inst-a.demo.test"]
    assert code in {code_for(secret), code_for(secret, -1)}  # the 30-second step may turn in between
    client, _ = log_in("admin@inst-a.demo.test", password=accounts.demo.DEMO_PASSWORD)
    assert client.post(VERIFY, {"code": code, "next": "/en/admin/"})["Location"] == "/en/admin/"
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert all(secret in out.getvalue() for secret in accounts.demo.DEMO_TOTP_SECRETS.values())
