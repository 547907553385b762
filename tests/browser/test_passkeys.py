"""A staff person adds a passkey in a real Chromium (its virtual authenticator, through the DevTools
protocol, stands in for a fingerprint reader), logs out, and passes the next log-in's second step
with it into Django admin — django-otp-webauthn's own scripts, from our static files, under our
Content-Security-Policy (the ``page`` fixture fails on a blocked script)."""

import re

from django.contrib.auth.models import Group
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import AuditEvent
from accounts.scoping import PROGRAM_OFFICE_GROUP
from tests.browser.support import BROWSER, PASSWORD, admin_log_in, assert_accessible, expect
from tests.factories import UserFactory

pytestmark = BROWSER

NAME = {"zh-hant": "辦公室筆電", "en": "Office laptop"}


def add_virtual_authenticator(page) -> None:
    """A platform authenticator that says yes at once, as a person touching the sensor would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True,
    }})  # fmt: skip


def test_staff_add_a_passkey_and_pass_the_next_log_in_with_it(*, page, site, lang, viewport, shot, settings):
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [site.url]  # the live server's http://localhost:<port>
    office = UserFactory(email=f"passkey-{lang}-{viewport}@demo.test", is_staff=True)
    office.groups.add(Group.objects.get(name=PROGRAM_OFFICE_GROUP))
    admin_log_in(page, site, lang, office.email)  # first log-in: an authenticator app, set up on the page
    add_virtual_authenticator(page)

    # From the profile to the person's passkeys; add one on this device and name it.
    page.goto(f"{site.url}/{lang}/accounts/profile/")
    page.locator("#passkeys-link").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/second-factor/passkeys/$"))
    expect(page.locator("#passkey-list-empty")).to_be_visible()
    assert_accessible(page)
    page.locator("#passkey-register-button").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/second-factor/passkeys/\d+/name/\?next="))
    page.locator("#id_name").fill(NAME[lang])
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/second-factor/passkeys/$"))
    expect(page.locator("#passkey-list tbody tr")).to_have_count(1)
    expect(page.locator("#passkey-list")).to_contain_text(NAME[lang])
    shot(page, "passkeys")
    assert WebAuthnCredential.objects.get(user=office).name == NAME[lang]

    # Log out, and in again: the password, then the passkey instead of a code.
    page.goto(f"{site.url}/{lang}/admin/")
    page.locator("#logout-form [type=submit]").click()
    page.goto(f"{site.url}/{lang}/admin/login/?next=/{lang}/admin/")
    page.locator("#id_username").fill(office.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/second-factor/\?next="))
    button = page.locator("#passkey-verification-button")
    expect(button).to_be_visible()
    assert_accessible(page)
    shot(page, "verify-with-passkey")
    button.click()
    expect(page.locator("#user-tools")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/{lang}/admin/$"))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSKEY_USED, actor=office).count() == 1
    assert WebAuthnCredential.objects.get(user=office).last_used_at is not None


def test_the_first_staff_log_in_sets_up_a_passkey_instead_of_an_app(*, page, site, lang, viewport, shot, settings):
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [site.url]
    office = UserFactory(email=f"passkey-first-{lang}-{viewport}@demo.test", is_staff=True)
    office.groups.add(Group.objects.get(name=PROGRAM_OFFICE_GROUP))
    add_virtual_authenticator(page)
    page.goto(f"{site.url}/{lang}/admin/login/?next=/{lang}/admin/")
    page.locator("#id_username").fill(office.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/second-factor/enrol/\?next="))
    assert_accessible(page)
    shot(page, "set-up")
    page.locator("#passkey-register-button").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/accounts/second-factor/passkeys/\d+/name/\?next="))
    page.locator("#id_name").fill(NAME[lang])
    page.locator("main form [type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.locator("main a.btn-primary").click()
    expect(page.locator("#user-tools")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/{lang}/admin/$"))
    assert WebAuthnCredential.objects.get(user=office).name == NAME[lang]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_ENROLLED, actor=office).count() == 1
