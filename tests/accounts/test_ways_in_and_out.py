"""Log-in keeps the page's language and lands on the dashboard; the language switch changes the pages'
language, not the profile's (only the profile page does); log-out from a typed address, and a word that
it happened; the verification mail sent again without telling who has an account."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
RESEND = "/{lang}/accounts/verify/resend/"


def log_in(client: Client, email: str, lang: str = "en", **extra) -> object:
    return client.post(f"/{lang}/accounts/login/", {"username": email, "password": PASSWORD, **extra})


# --- language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "profile"), [("en", "zh-hant"), ("zh-hant", "en")])
def test_log_in_keeps_the_language_the_person_was_browsing_in(client: Client, page, profile):
    user = UserFactory(email="browsing@example.test", preferred_language=profile, password=PASSWORD)
    response = log_in(client, user.email, lang=page)
    assert response.status_code == 302
    assert response["Location"] == f"/{page}/dashboard/"
    assert "django_language" not in response.cookies, "log-in does not switch the language"
    follow = client.get(response["Location"])
    assert follow.status_code == 200 and f'lang="{"zh-Hant" if page == "zh-hant" else "en"}"' in follow.content.decode()
    user.refresh_from_db()
    assert user.preferred_language == profile, "log-in is not how the profile's language changes"


def test_log_in_goes_to_a_next_on_this_site_and_ignores_one_elsewhere(client: Client):
    UserFactory(email="next@example.test", password=PASSWORD)
    assert log_in(client, "next@example.test", next="/en/cohorts/")["Location"] == "/en/cohorts/"
    client.post("/en/accounts/logout/")
    assert log_in(client, "next@example.test", next="https://evil.example/x")["Location"] == "/en/dashboard/"
    client.post("/en/accounts/logout/")
    assert log_in(client, "next@example.test", next="//evil.example/")["Location"] == "/en/dashboard/"


def test_the_language_switch_changes_the_pages_not_the_profile_s_language(client: Client):
    """The profile's language is the one mails use: reading a page in the other language does not change it."""
    user = UserFactory(preferred_language="zh-hant")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hant/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/en/dashboard/"
    assert response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert user.preferred_language == "zh-hant"


def test_only_the_profile_page_changes_the_profile_s_language(client: Client):
    user = UserFactory(preferred_language="zh-hant", display_name="王小明")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hant/accounts/profile/"})
    response = client.post("/en/accounts/profile/", {"display_name": "王小明", "preferred_language": "en", "phone": ""})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/en/accounts/profile/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"


@pytest.mark.parametrize(
    ("browser", "page", "chosen", "expected", "html_lang"),
    [
        ("en-US,en;q=0.9", "/zh-hant/cohorts/", "en", "/en/cohorts/", "en"),
        ("zh-TW,zh;q=0.9", "/en/catalog/", "zh-hant", "/zh-hant/catalog/", "zh-Hant"),
    ],
)
def test_the_language_switch_opens_the_page_in_the_chosen_language_whatever_the_browser_s(
    client: Client, browser: str, page: str, chosen: str, expected: str, html_lang: str
):
    """A page reached in the other language than the browser's (a QR code's link, a mail's) switches too."""
    response = client.post("/i18n/setlang/", {"language": chosen, "next": page}, HTTP_ACCEPT_LANGUAGE=browser)
    assert response.status_code == 302 and response["Location"] == expected
    opened = client.get(expected, HTTP_ACCEPT_LANGUAGE=browser)
    assert opened.status_code == 200 and f'<html lang="{html_lang}"' in opened.content.decode()


def test_the_language_switch_refuses_an_unknown_language_and_changes_nothing(client: Client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/en/dashboard/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_a_visitors_language_switch_touches_no_profile(client: Client):
    UserFactory(email="other@example.test", preferred_language="zh-hant")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hant/catalog/"})
    assert response["Location"] == "/en/catalog/"
    assert User.objects.get(email="other@example.test").preferred_language == "zh-hant"
    # A GET changes nothing (Django's rule): only the redirect.
    user = UserFactory(preferred_language="zh-hant")
    client.force_login(user)
    client.get("/i18n/setlang/", {"language": "en", "next": "/zh-hant/catalog/"})
    user.refresh_from_db()
    assert user.preferred_language == "zh-hant"


def test_after_switching_the_next_log_in_keeps_the_profile_s_language(client: Client):
    user = UserFactory(email="switcher@example.test", preferred_language="zh-hant", password=PASSWORD)
    log_in(client, user.email, lang="zh-hant")
    client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hant/dashboard/"})
    client.post("/en/accounts/logout/")
    fresh = Client()  # another browser: no language cookie
    response = log_in(fresh, user.email, lang="zh-hant")
    assert response["Location"] == "/zh-hant/dashboard/"
    user.refresh_from_db()
    assert user.preferred_language == "zh-hant"


# --- log-in and log-out pages --------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "words"), [("en", "Log out"), ("zh-hant", "登出")])
def test_a_get_to_log_out_shows_a_page_with_a_post_button(client: Client, lang, words):
    user = UserFactory()
    client.force_login(user)
    response = client.get(f"/{lang}/accounts/logout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="logout-form"' in html and 'method="post"' in html and words in html
    assert client.get(f"/{lang}/accounts/profile/").status_code == 200, "a GET does not log out"
    assert client.post(f"/{lang}/accounts/logout/").status_code == 302
    assert client.get(f"/{lang}/accounts/profile/").status_code == 302


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_logging_out_says_so_on_the_page_that_follows(client: Client, lang: str):
    client.force_login(UserFactory())
    response = client.post(f"/{lang}/accounts/logout/", follow=True)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    with translation.override(lang):
        said = translation.gettext("You have logged out.")
    assert said in response.content.decode()
    # A visitor who was not logged in is told nothing of the kind.
    again = client.post(f"/{lang}/accounts/logout/", follow=True)
    assert said not in again.content.decode()


@pytest.mark.parametrize("page", ["/en/accounts/login/", "/zh-hant/accounts/signup/"])
def test_the_text_links_under_the_log_in_and_sign_up_forms_are_big_enough_to_touch(client: Client, page: str):
    """WCAG 2.5.8: at least 24px high. Each link below the form is in .page-links, which the site's css
    makes an inline block with padding (a line of 24px and 2 × 4px), not a 19px run of text."""
    html = client.get(page).content.decode()
    below = html[html.index('<div class="page-links">') : html.index("</main>")]
    assert below.count("<a ") >= 1 and html.count("<a ", html.index("</form>"), html.index("</main>")) == below.count(
        "<a "
    )
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    rule = re.search(r"\.page-links a:not\(\.btn\) \{([^}]*)\}", css)
    assert rule and "display: inline-block" in rule.group(1) and "padding-top: .25rem" in rule.group(1)


def test_the_log_out_page_tells_a_visitor_they_are_not_logged_in(client: Client):
    response = client.get("/en/accounts/logout/")
    assert response.status_code == 200
    assert "You are not logged in." in response.content.decode()
    assert 'id="logout-form"' not in response.content.decode()


def test_the_log_in_page_offers_to_send_the_verification_mail_again(client: Client):
    html = client.get("/en/accounts/login/").content.decode()
    assert 'id="resend-verification"' in html
    assert 'href="/en/accounts/verify/resend/"' in html
    assert client.get("/en/accounts/verify/resend/").status_code == 200


# --- sending the verification mail again ---------------------------------------------------------


def unverified(email: str = "late@example.test", language: str = "en") -> User:
    return UserFactory(
        email=email, is_active=False, email_verified_at=None, preferred_language=language, password=PASSWORD
    )


def main_of(response) -> str:
    """The page's own content (the frame carries a fresh CSRF token on every answer)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def resend(client: Client, email: str, lang: str = "en", ip: str = "203.0.113.7"):
    return client.post(RESEND.format(lang=lang), {"email": email}, REMOTE_ADDR=ip)


def test_an_unverified_sign_up_gets_a_fresh_link_that_works(client: Client, django_capture_on_commit_callbacks):
    user = unverified(language="zh-hant")
    with django_capture_on_commit_callbacks(execute=True):
        response = resend(client, " LATE@example.test ", lang="en")
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    link = next(word for word in mail.outbox[0].body.split() if "/accounts/verify/" in word)
    assert "/zh-hant/accounts/verify/" in link, "the link is in the person's language"
    assert client.post(link.split("testserver", 1)[1]).status_code == 200  # the button on the link's page
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None


def test_the_answer_is_the_same_for_unknown_verified_and_unverified_addresses(
    client: Client, django_capture_on_commit_callbacks
):
    unverified("pending@example.test")
    UserFactory(email="verified@example.test")
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("pending@example.test", "verified@example.test", "nobody@example.test"):
            response = resend(client, address)
            assert response.status_code == 200
            answers.append(main_of(response).replace(address, "ADDRESS"))
    assert answers[0] == answers[1] == answers[2]
    assert [m.to for m in mail.outbox] == [["pending@example.test"]]


def test_a_second_ask_within_ten_minutes_sends_nothing_more(client: Client, django_capture_on_commit_callbacks):
    unverified()
    with django_capture_on_commit_callbacks(execute=True):
        first = resend(client, "late@example.test")
        second = resend(client, "late@example.test", ip="198.51.100.9")
    assert main_of(first) == main_of(second)
    assert len(mail.outbox) == 1


def test_one_client_cannot_ask_for_many_addresses(client: Client, django_capture_on_commit_callbacks):
    people = [unverified(f"late{n}@example.test") for n in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            assert resend(client, person.email).status_code == 200
    assert len(mail.outbox) == 10


def test_a_malformed_address_gets_a_translated_error(client: Client):
    response = resend(client, "not-an-address", lang="zh-hant")
    assert response.status_code == 400
    assert "有效" in response.content.decode()
    assert not mail.outbox
