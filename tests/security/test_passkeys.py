"""Passkeys as the second step for staff (issue 15, item 7), on django-otp-webauthn: set up instead
of an app (with recovery codes), added after the second step, used instead of a code; refused
passkeys in the same lock-out as wrong codes; one person's passkeys out of everyone else's reach;
removed by the program office's reset; audited. The ceremonies run end to end through py_webauthn's
checks with a software authenticator (tests/security/software_authenticator.py); the browser test
with Chromium's virtual authenticator is tests/browser/test_passkeys.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.staticfiles import finders
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import AuditEvent
from accounts.second_factor import services
from accounts.second_factor.passkeys import SCRIPT_MSGIDS
from tests.conftest import PASSWORD, make_program_office, make_staff
from tests.factories import InstitutionFactory
from tests.security.software_authenticator import SoftwareAuthenticator, b64url
from tests.security.test_second_factor import SECRET, code_for, log_in, wrong_code
from tests.test_settings import PRODUCTION, run_django


def institution_admin(email: str = "admin@inst.test"):
    """An institution admin who signs in with the cast's password, in English."""
    return make_staff(InstitutionFactory(), email=email, password=PASSWORD, preferred_language="en")


def program_office(email: str = "office@office.test"):
    return make_program_office(email=email, password=PASSWORD, preferred_language="en")


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_second_factor")]
VERIFY = "/en/accounts/second-factor/"
ENROL = "/en/accounts/second-factor/enrol/"
PASSKEYS = "/en/accounts/second-factor/passkeys/"
REGISTER_BEGIN = "/en/accounts/second-factor/passkeys/registration/begin/"
REGISTER_COMPLETE = "/en/accounts/second-factor/passkeys/registration/complete/"
AUTH_BEGIN = "/en/accounts/second-factor/passkeys/authentication/begin/"
AUTH_COMPLETE = "/en/accounts/second-factor/passkeys/authentication/complete/"
Action = AuditEvent.Action


def post_json(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def register(client: Client, authenticator: SoftwareAuthenticator, next_url: str = "/en/admin/"):
    options = post_json(client, REGISTER_BEGIN)
    assert options.status_code == 200, options.content
    return post_json(client, f"{REGISTER_COMPLETE}?next={next_url}", authenticator.register(options.json()))


def authenticate(client: Client, authenticator: SoftwareAuthenticator, next_url: str = "/en/admin/", **kwargs):
    options = post_json(client, AUTH_BEGIN)
    assert options.status_code == 200, options.content
    return post_json(client, f"{AUTH_COMPLETE}?next={next_url}", authenticator.authenticate(options.json(), **kwargs))


def verified_with_app(person) -> Client:
    """A password log-in and the app's code: a session that may add passkeys."""
    services.do_set_authenticator(user=person, secret=SECRET)
    client, _ = log_in(person.email)
    assert client.post(VERIFY, {"code": code_for(SECRET), "next": "/en/admin/"}).status_code == 302
    return client


def with_passkey(person) -> SoftwareAuthenticator:
    """``person`` has an app and a passkey (added in a verified session, then logged out)."""
    authenticator = SoftwareAuthenticator()
    client = verified_with_app(person)
    assert register(client, authenticator).status_code == 200
    client.post("/en/accounts/logout/")
    return authenticator


# --- setting up a passkey ---------------------------------------------------------------------


def test_the_first_staff_log_in_can_set_up_a_passkey_instead_of_an_app_with_recovery_codes():
    person = institution_admin()
    client, response = log_in(person.email)
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith(ENROL)
    assert 'id="passkey-registration-placeholder"' in page.content.decode()

    authenticator = SoftwareAuthenticator()
    done = register(client, authenticator)
    assert done.status_code == 200, done.content
    passkey = WebAuthnCredential.objects.get(user=person)
    # On to naming it, then the recovery codes, then where the person was going.
    name_url = done.json()["next_url"]
    assert name_url.startswith(f"/en/accounts/second-factor/passkeys/{passkey.pk}/name/?next=")
    assert client.get("/en/admin/").status_code == 200  # the set-up completed the log-in
    named = client.post(name_url, {"name": "  Work   laptop "})
    passkey.refresh_from_db()
    assert passkey.name == "Work laptop"
    assert named["Location"].startswith("/en/accounts/second-factor/recovery-codes/")
    shown = client.get("/en/accounts/second-factor/recovery-codes/?next=/en/admin/")
    assert len(re.findall(r'<li class="col">([a-z2-7]{8})</li>', shown.content.decode())) == 10
    assert StaticDevice.objects.get(user=person).token_set.count() == 10
    assert not TOTPDevice.objects.filter(user=person).exists()  # the unfinished app set-up is gone
    assert services.has_second_factor(person)
    assert AuditEvent.objects.filter(action=Action.PASSKEY_ADDED, object_id=str(person.pk)).count() == 1
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_ENROLLED, object_id=str(person.pk)).count() == 1

    # The next log-in asks for the second step, and the passkey passes it.
    client.post("/en/accounts/logout/")
    client, response = log_in(person.email)
    assert client.get("/en/admin/")["Location"].startswith(VERIFY)
    assert authenticate(client, authenticator).json()["redirect_url"] == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200


def test_a_verified_staff_person_adds_a_passkey_without_new_recovery_codes():
    person = institution_admin()
    client = verified_with_app(person)
    codes_before = list(StaticDevice.objects.filter(user=person).values_list("token_set__token", flat=True))
    page = client.get(PASSKEYS)
    assert page.status_code == 200 and "You have no passkeys yet." in page.content.decode()
    done = register(client, SoftwareAuthenticator(), next_url=PASSKEYS)
    passkey = WebAuthnCredential.objects.get(user=person)
    assert done.json()["next_url"] == f"{PASSKEYS}{passkey.pk}/name/?next={quote(PASSKEYS, safe='')}"
    assert passkey.name == "Passkey 1"
    assert list(StaticDevice.objects.filter(user=person).values_list("token_set__token", flat=True)) == codes_before
    assert not AuditEvent.objects.filter(action=Action.SECOND_FACTOR_ENROLLED).exists()
    assert AuditEvent.objects.get(action=Action.PASSKEY_ADDED).detail == {"passkey": passkey.pk, "first_factor": False}
    assert "Passkey 1" in client.get(PASSKEYS).content.decode()


def test_a_password_alone_cannot_add_a_passkey_to_a_person_with_a_second_factor():
    person = institution_admin()
    services.do_set_authenticator(user=person, secret=SECRET)
    client, _ = log_in(person.email)
    refused = post_json(client, REGISTER_BEGIN)
    assert refused.status_code == 403 and refused.json()["code"] == "user_not_verified"
    assert "Pass the second step first" in refused.json()["detail"]
    assert (
        post_json(
            client,
            REGISTER_COMPLETE,
            SoftwareAuthenticator().register({"challenge": "AAAA", "rp": {"id": "localhost"}, "user": {"id": "AAAA"}}),
        ).status_code
        == 403
    )
    assert not WebAuthnCredential.objects.exists()


def test_trainees_and_visitors_take_no_part_in_a_ceremony():
    from tests.factories import TraineeProfileFactory

    trainee = TraineeProfileFactory(user__email="trainee@example.test", user__password="a-long-passphrase-2026").user
    client = Client()
    client.force_login(trainee)
    for url in (REGISTER_BEGIN, AUTH_BEGIN, AUTH_COMPLETE):
        assert post_json(client, url).json()["code"] == "not_staff"
        assert post_json(Client(), url).json()["code"] == "not_authenticated"
    assert client.get(PASSKEYS).status_code == 404


def test_the_ceremonies_need_the_csrf_token():
    person = institution_admin()
    services.do_set_authenticator(user=person, secret=SECRET)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    for url in (REGISTER_BEGIN, REGISTER_COMPLETE, AUTH_BEGIN, AUTH_COMPLETE):
        assert post_json(client, url).status_code == 403


# --- passing the second step with a passkey ----------------------------------------------------


def test_a_passkey_passes_the_second_step_is_audited_and_the_gate_accepts_it():
    person = institution_admin()
    authenticator = with_passkey(person)
    client, _response = log_in(person.email)
    assert client.get("/en/admin/")["Location"].startswith(VERIFY)
    page = client.get(f"{VERIFY}?next=/en/admin/").content.decode()
    assert 'id="passkey-verification-placeholder"' in page and "otp_webauthn_auth.js" in page

    options = post_json(client, AUTH_BEGIN).json()
    passkey = WebAuthnCredential.objects.get(user=person)
    assert [entry["id"] for entry in options["allowCredentials"]] == [b64url(authenticator.credential_id)]
    assert options["userVerification"] == "discouraged"  # the password was the first factor
    done = post_json(client, f"{AUTH_COMPLETE}?next=/en/admin/", authenticator.authenticate(options))
    assert done.status_code == 200 and done.json() == {"id": passkey.pk, "redirect_url": "/en/admin/"}
    assert client.session["otp_device_id"] == passkey.persistent_id
    assert client.get("/en/admin/").status_code == 200
    assert client.get("/en/admin/accounts/auditevent/").status_code in (200, 403)  # past the gate, whatever the role
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None and passkey.sign_count == 1
    event = AuditEvent.objects.get(action=Action.PASSKEY_USED)
    assert event.actor_id == person.pk and event.object_id == str(person.pk) and event.detail == {"passkey": passkey.pk}


def test_a_verify_page_without_passkeys_loads_no_passkey_script():
    person = institution_admin()
    services.do_set_authenticator(user=person, secret=SECRET)
    client, _ = log_in(person.email)
    page = client.get(VERIFY).content.decode()
    assert "passkey" not in page.lower()


def test_another_persons_passkey_does_not_pass_my_second_step():
    mine, theirs = institution_admin("mine@inst.test"), institution_admin("theirs@inst.test")
    with_passkey(mine)
    their_authenticator = with_passkey(theirs)
    client, _ = log_in(mine.email)
    refused = authenticate(client, their_authenticator)
    assert refused.status_code == 403 and refused.json()["code"] == "credential_user_mismatch"
    assert client.get("/en/admin/")["Location"].startswith(VERIFY)
    assert not AuditEvent.objects.filter(action=Action.PASSKEY_USED).exists()


def test_refused_passkeys_count_toward_the_lock_out_which_then_refuses_the_right_one():
    person = institution_admin()
    authenticator = with_passkey(person)
    forger = ec.generate_private_key(ec.SECP256R1())
    client, _ = log_in(person.email)
    for _attempt in range(5):
        refused = authenticate(client, authenticator, signing_key=forger)
        assert refused.status_code == 422, refused.content
        assert refused.json()["detail"] == "The passkey could not be checked. Try again, or enter a code."
    locked = authenticate(client, authenticator, signing_key=forger)
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    assert client.get("/en/admin/")["Location"].startswith("/en/admin/login/")  # logged out
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 6
    assert log_in(person.email)[1].status_code == 429  # the password is refused too


def test_a_locked_account_cannot_pass_with_the_right_passkey():
    person = institution_admin()
    authenticator = with_passkey(person)
    waiting, _ = log_in(person.email)  # a session past the password, before the account is locked
    guessing, _ = log_in(person.email)
    for _attempt in range(6):
        last = wrong_code(guessing, person)
    assert last.status_code == 429
    refused = post_json(waiting, AUTH_BEGIN)
    assert refused.status_code == 429 and refused.json()["code"] == "locked_out"
    assert "It unlocks by itself at" in refused.json()["detail"]  # the lock-out page's words (accounts.lockout)
    assert waiting.get("/en/admin/")["Location"].startswith("/en/admin/login/")  # logged out
    assert (
        post_json(
            waiting, AUTH_COMPLETE, authenticator.authenticate({"challenge": "AAAA", "rpId": "localhost"})
        ).json()["code"]
        == "not_authenticated"
    )
    assert not AuditEvent.objects.filter(action=Action.PASSKEY_USED).exists()


def test_the_right_passkey_forgets_the_failures():
    person = institution_admin()
    authenticator = with_passkey(person)
    client, _ = log_in(person.email)
    for _attempt in range(5):
        assert wrong_code(client, person).status_code == 200
    assert authenticate(client, authenticator).status_code == 200
    client.post("/en/accounts/logout/")
    client, _ = log_in(person.email)
    for _attempt in range(5):  # 5 + 5 would have locked the account at the sixth
        assert wrong_code(client, person).status_code == 200


def test_a_ceremony_state_is_used_once():
    person = institution_admin()
    authenticator = with_passkey(person)
    client, _ = log_in(person.email)
    answer = authenticator.authenticate(post_json(client, AUTH_BEGIN).json())
    assert post_json(client, AUTH_COMPLETE, answer).status_code == 200
    replay = post_json(client, AUTH_COMPLETE, answer)
    assert replay.status_code == 400 and replay.json()["code"] == "invalid_state"


# --- one's own passkeys: list, name, remove --------------------------------------------------------


def test_a_staff_person_names_and_removes_their_own_passkeys_audited():
    person = institution_admin()
    client = verified_with_app(person)
    for _n in range(2):
        register(client, SoftwareAuthenticator(), next_url=PASSKEYS)
    first, second = WebAuthnCredential.objects.filter(user=person).order_by("pk")
    assert (first.name, second.name) == ("Passkey 1", "Passkey 2")
    assert client.post(f"{PASSKEYS}{first.pk}/name/", {"name": "x" * 65}).status_code == 200
    assert client.post(f"{PASSKEYS}{first.pk}/name/", {"name": "YubiKey"})["Location"] == PASSKEYS
    page = client.get(PASSKEYS).content.decode()
    assert "YubiKey" in page and "Passkey 2" in page
    assert client.get(f"{PASSKEYS}{first.pk}/remove/").status_code == 200
    assert client.post(f"{PASSKEYS}{first.pk}/remove/")["Location"] == PASSKEYS
    assert list(WebAuthnCredential.objects.filter(user=person)) == [second]
    event = AuditEvent.objects.get(action=Action.PASSKEY_REMOVED)
    assert event.summary == f"{person.email}: YubiKey" and event.actor_id == person.pk


def test_the_last_second_factor_cannot_be_removed():
    person = institution_admin()
    client, _ = log_in(person.email)
    register(client, SoftwareAuthenticator())  # set up with a passkey: no app
    passkey = WebAuthnCredential.objects.get(user=person)
    response = client.post(f"{PASSKEYS}{passkey.pk}/remove/", follow=True)
    assert "your only second factor" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert not AuditEvent.objects.filter(action=Action.PASSKEY_REMOVED).exists()


def test_one_staff_member_cannot_list_name_or_remove_anothers_passkeys():
    mine, theirs = institution_admin("mine@inst.test"), institution_admin("theirs@inst.test")
    with_passkey(theirs)
    their_passkey = WebAuthnCredential.objects.get(user=theirs)
    services.do_rename_passkey(user=theirs, passkey_id=their_passkey.pk, name="Their secret key")
    client = verified_with_app(mine)
    assert "Their secret key" not in client.get(PASSKEYS).content.decode()
    for url in (f"{PASSKEYS}{their_passkey.pk}/name/", f"{PASSKEYS}{their_passkey.pk}/remove/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "mine now"}).status_code == 404
    their_passkey.refresh_from_db()
    assert their_passkey.name == "Their secret key"
    # The services are scoped by owner too.
    with pytest.raises(services.SecondFactorError):
        services.do_remove_passkey(user=mine, passkey_id=their_passkey.pk)
    assert not AuditEvent.objects.filter(action=Action.PASSKEY_REMOVED).exists()


def test_the_passkey_pages_need_the_second_step():
    person = institution_admin()
    with_passkey(person)
    passkey = WebAuthnCredential.objects.get(user=person)
    client, _ = log_in(person.email)
    for url in (PASSKEYS, f"{PASSKEYS}{passkey.pk}/name/", f"{PASSKEYS}{passkey.pk}/remove/"):
        assert client.get(url)["Location"].startswith(f"{VERIFY}?next=")
        assert client.post(url)["Location"].startswith(f"{VERIFY}?next=")
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


# --- the program office's reset --------------------------------------------------------------------


def test_the_program_office_reset_removes_passkeys_too():
    person = institution_admin()
    with_passkey(person)
    office = program_office()
    client = verified_with_app(office)
    action = {"action": "reset_second_factor", "_selected_action": [person.pk]}
    response = client.post("/en/admin/accounts/user/", action)
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(user=person).exists()
    assert not services.has_second_factor(person)
    event = AuditEvent.objects.get(action=Action.SECOND_FACTOR_RESET)
    assert event.detail["devices_deleted"] == 2  # the app and the passkey (not its attestation)
    again, response = log_in(person.email)
    assert again.get(response["Location"])["Location"].startswith(ENROL)


# --- the package's scripts, our static files, our messages, our settings ---------------------------

PACKAGE_SCRIPTS = ("django_otp_webauthn/otp_webauthn_register.js", "django_otp_webauthn/otp_webauthn_auth.js")


def test_every_text_of_the_package_scripts_is_one_of_ours_to_translate():
    found = set()
    for script in PACKAGE_SCRIPTS:
        path = finders.find(script)
        assert path, f"{script} is not among our static files"
        found |= set(re.findall(r'gettext\("((?:[^"\\]|\\.)*)"\)', Path(path).read_text(encoding="utf-8")))
    assert found and found == set(SCRIPT_MSGIDS), (
        "django-otp-webauthn's scripts changed their texts: update SCRIPT_MSGIDS (accounts/second_factor/passkeys.py) "
        f"and the translations. New: {sorted(found - set(SCRIPT_MSGIDS))}; gone: {sorted(set(SCRIPT_MSGIDS) - found)}"
    )


def test_the_passkey_page_has_no_inline_script_and_loads_the_package_from_our_static_files():
    person = institution_admin()
    client = verified_with_app(person)
    page = client.get(PASSKEYS).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    for attributes, body in scripts:
        if 'type="application/json"' in attributes:
            continue  # data, never run
        assert "src=" in attributes and not body.strip(), f"an inline script: {attributes} {body[:80]}"
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _body in scripts if "src=" in attrs]
    assert "/static/django_otp_webauthn/otp_webauthn_register.js" in sources
    assert "/static/accounts/second_factor/passkeys.js" in sources
    assert all(source.startswith("/static/") for source in sources)
    configuration = json.loads(re.search(r'id="otp_webauthn_config"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert configuration["beginRegistrationUrl"] == REGISTER_BEGIN
    assert configuration["completeRegistrationUrl"].startswith(REGISTER_COMPLETE + "?next=")


def test_the_scripts_texts_come_in_the_persons_language():
    person = institution_admin()
    person.preferred_language = "zh-hant"
    person.save()
    client = verified_with_app(person)
    page = client.get("/zh-hant/accounts/second-factor/passkeys/").content.decode()
    messages = json.loads(re.search(r'id="passkey-messages"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert set(messages) == set(SCRIPT_MSGIDS)


def test_the_relying_party_comes_from_the_environment_with_production_defaults_from_the_allowed_hosts():
    show = (
        "from django.conf import settings as s; "
        "print(s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_RP_NAME, s.OTP_WEBAUTHN_ALLOWED_ORIGINS, "
        "s.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN)"
    )
    production = run_django(show, **PRODUCTION)
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip() == "bcm.example.org BCM Portal ['https://bcm.example.org'] False"
    configured = run_django(
        show,
        **PRODUCTION,
        OTP_WEBAUTHN_RP_ID="example.org",
        OTP_WEBAUTHN_RP_NAME="BCM",
        OTP_WEBAUTHN_ALLOWED_ORIGINS="https://bcm.example.org,https://www.example.org",
    )
    assert configured.stdout.strip() == ("example.org BCM ['https://bcm.example.org', 'https://www.example.org'] False")
    development = run_django(show, DJANGO_DEBUG="true")
    assert development.stdout.strip() == "localhost BCM Portal ['http://localhost:8000'] False"


def test_a_next_that_is_no_address_leads_on_not_to_an_error():
    person = institution_admin()
    client = verified_with_app(person)
    # redirect() would take "admin" for a URL name, fail to find it and answer 500.
    assert client.get(f"{VERIFY}?next=admin")["Location"] == "/en/admin/"  # where staff land without a next
    authenticator = SoftwareAuthenticator()
    register(client, authenticator, next_url=PASSKEYS)
    passkey = WebAuthnCredential.objects.get(user=person)
    assert client.post(f"{PASSKEYS}{passkey.pk}/name/?next=admin", {"name": "Key"})["Location"] == PASSKEYS
    # Without a next, the script is sent to an address (staff: the admin's index), not to a URL name.
    client.post("/en/accounts/logout/")
    client, _ = log_in(person.email)
    done = post_json(client, AUTH_COMPLETE, authenticator.authenticate(post_json(client, AUTH_BEGIN).json()))
    assert done.json()["redirect_url"] == "/en/admin/"
