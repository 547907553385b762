"""A form sent after the session ended: the log-in page says it was not sent and leads back to the page
the form was on (not to the form's POST-only address, whose GET was a blank 405); and a GET of a POST-only
address is a page with the way back, in both languages."""

import time

import pytest
from django.test import Client
from django.utils import translation

from accounts.middleware import SEEN_AT
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
ENDED = "Your session had ended, so the form was not sent. Log in, then send the form again."
ONLY_A_FORM = "This address only receives a form"
# The POST-only addresses of trainees' forms: the self-study form, a cohort's and a CE course's enrol button.
POST_ONLY = [
    "/{lang}/dashboard/self-study/",
    "/{lang}/cohorts/C-2026-01/enrol/",
    "/{lang}/continuing-education/1/enrol/",
]
# A GET of a cohort's enrol address is its confirmation page (tests/courses/test_enrol_confirmation.py).
GET_IS_REFUSED = [target for target in POST_ONLY if "/cohorts/" not in target]


def words(msgid: str, lang: str) -> str:
    """``msgid`` as the page in ``lang`` says it (our catalogue's wording)."""
    with translation.override(lang):
        return translation.gettext(msgid)


def session_ended(user: User) -> Client:
    """A browser that was logged in as ``user`` and then idle past the session's limit."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[SEEN_AT] = time.time() - 10 * 24 * 3600
    session.save()
    return client


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
@pytest.mark.parametrize("target", POST_ONLY)
def test_a_form_sent_after_the_session_ended_goes_back_to_its_page_after_log_in(lang: str, target: str):
    user = UserFactory(email="idle@example.test", password=PASSWORD)
    client = session_ended(user)
    page = f"/{lang}/dashboard/"
    response = client.post(target.format(lang=lang), {"hours": "2"}, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/accounts/login/?next={page}"
    login_page = client.get(response["Location"])
    assert words(ENDED, lang) in login_page.content.decode()
    logged_in = client.post(response["Location"], {"username": user.email, "password": PASSWORD, "next": page})
    assert logged_in.status_code == 302 and logged_in["Location"] == page
    assert client.get(page).status_code == 200


@pytest.mark.parametrize(
    "referer",
    [None, "https://evil.example/en/dashboard/", "//evil.example/x", "http://testserver/en/accounts/login/?next=/x/"],
)
def test_without_a_page_of_this_site_to_go_back_to_the_log_in_opens_the_dashboard(referer: str | None):
    user = UserFactory(email="idle@example.test", password=PASSWORD)
    client = session_ended(user)
    extra = {"HTTP_REFERER": referer} if referer else {}
    response = client.post("/en/dashboard/self-study/", {"hours": "2"}, **extra)
    assert response.status_code == 302 and response["Location"] == "/en/accounts/login/"
    assert ENDED in client.get(response["Location"]).content.decode()
    logged_in = client.post(response["Location"], {"username": user.email, "password": PASSWORD})
    assert logged_in["Location"] == "/en/dashboard/"


def test_a_get_that_needs_a_log_in_keeps_its_own_address_and_gets_no_message(client: Client):
    response = client.get("/en/dashboard/", HTTP_REFERER="http://testserver/en/catalog/")
    assert response["Location"] == "/en/accounts/login/?next=/en/dashboard/"
    assert ENDED not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("lang", "html_lang"), [("en", "en"), ("zh-hant", "zh-Hant")])
@pytest.mark.parametrize("target", GET_IS_REFUSED)
def test_a_get_of_a_post_only_address_is_a_page_with_the_way_back(lang: str, html_lang: str, target: str):
    client = Client()
    client.force_login(UserFactory())
    response = client.get(target.format(lang=lang), HTTP_REFERER=f"http://testserver/{lang}/catalog/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    html = response.content.decode()
    assert words(ONLY_A_FORM, lang) in html and f'<html lang="{html_lang}"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert f'id="back-link" href="/{lang}/catalog/"' in html or f'href="/{lang}/catalog/" id="back-link"' in html
    assert f'href="/{lang}/dashboard/"' in html


def test_an_old_log_in_link_to_a_post_only_address_lands_on_a_page_not_a_blank_405(client: Client):
    """A log-in page opened before the fix (its ``next`` the form's address) still ends on words."""
    user = UserFactory(email="old@example.test", password=PASSWORD)
    response = client.post(
        "/en/accounts/login/?next=/en/dashboard/self-study/",
        {"username": user.email, "password": PASSWORD, "next": "/en/dashboard/self-study/"},
    )
    assert response["Location"] == "/en/dashboard/self-study/"
    page = client.get(response["Location"], HTTP_REFERER="http://testserver/en/accounts/login/")
    assert page.status_code == 405 and ONLY_A_FORM in page.content.decode()
    assert 'id="back-link"' not in page.content.decode(), "not back to the log-in page, which would come here again"


def test_the_api_keeps_its_own_answer_to_a_wrong_method(client: Client):
    response = client.get("/api/v1/oauth/token/")
    assert response.status_code == 405
    assert ONLY_A_FORM not in response.content.decode()
