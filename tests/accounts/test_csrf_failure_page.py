"""A form refused by the CSRF check (a log-in page open in two tabs, cookies cleared) answers the site's
page in the page's language, fit for a phone, with the way back to the page and to the log-in; not
Django's English 980px page."""

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
HEADING = "The form could not be sent"
WHY = (
    "For your security the portal only accepts a form from a page it gave you recently. This page was probably "
    "open for too long, or you logged in or out in another tab, or your browser blocks cookies for this site. "
    "Nothing was sent or changed."
)
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def words(msgid: str, lang: str) -> str:
    with translation.override(lang):
        return translation.gettext(msgid)


@pytest.mark.parametrize(("lang", "html_lang"), [("en", "en"), ("zh-hant", "zh-Hant")])
def test_a_log_in_without_its_token_gets_the_sites_page_with_the_way_back(lang: str, html_lang: str):
    UserFactory(email="tabs@example.test", password=PASSWORD)
    browser = Client(enforce_csrf_checks=True)
    login = f"/{lang}/accounts/login/"
    response = browser.post(
        login, {"username": "tabs@example.test", "password": PASSWORD}, HTTP_REFERER=f"http://testserver{login}"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert VIEWPORT in html and f'<html lang="{html_lang}"' in html
    assert words(HEADING, lang) in html and words(WHY, lang) in html
    assert f'href="{login}" id="back-link"' in html
    assert f'href="{login}" id="login-link"' in html
    assert "_auth_user_id" not in browser.session
    assert AuditEvent.objects.filter(action="access_refused").exists(), "still recorded as a refusal"


def test_the_way_back_is_the_form_s_page_and_the_log_in_returns_there(client: Client):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/en/accounts/signup/", {"email": "x@example.test"}, HTTP_REFERER="http://testserver/en/accounts/signup/"
    )
    html = response.content.decode()
    assert 'href="/en/accounts/signup/" id="back-link"' in html
    assert 'href="/en/accounts/login/?next=%2Fen%2Faccounts%2Fsignup%2F" id="login-link"' in html


@pytest.mark.parametrize("referer", [None, "https://evil.example/en/accounts/login/"])
def test_a_page_elsewhere_is_no_way_back(referer: str | None):
    browser = Client(enforce_csrf_checks=True)
    extra = {"HTTP_REFERER": referer} if referer else {}
    response = browser.post("/en/accounts/login/", {"username": "a@example.test", "password": "x"}, **extra)
    assert response.status_code == 403
    html = response.content.decode()
    assert HEADING in html and 'id="back-link"' not in html and "evil.example" not in html
    assert 'href="/en/accounts/login/" id="login-link"' in html
