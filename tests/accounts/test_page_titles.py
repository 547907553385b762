"""Every account page's <title> reads "<page> · <the site's name>", as every other page's does (a browser tab,
a bookmark, a screen reader's first words), in both languages: the account layouts compose it once from the
page's own part (block page_title)."""

import html
import re

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LANGUAGES = ["zh-hant", "en"]
SITE = "Bank Customer Manager Certification"

# Open to anyone (a bad token shows the page that says the link cannot be used).
ANONYMOUS_PAGES = [
    "accounts/signup/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/password/reset/",
    "accounts/password/reset/sent/",
    "accounts/password/reset/MQ/bad-token/",
    "accounts/password/reset/done/",
    "accounts/verify/resend/",
    "accounts/verify/bad-token/",
    "accounts/employment/bad-token/",
]
SIGNED_IN_PAGES = [
    "accounts/profile/",
    "accounts/profile/password/",
    "accounts/profile/email/",
    "accounts/email/bad-token/",
    "accounts/logout/",
]


def title_of(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no <title>"
    return html.unescape(" ".join(match.group(1).split()))


def assert_titled(response, lang: str, where: str) -> None:
    assert response.status_code in (200, 400, 403, 405), f"{where}: {response.status_code}"
    with translation.override(lang):
        site = translation.gettext(SITE)
    title = title_of(response)
    assert title.endswith(f" · {site}"), f"{where}: {title!r} does not end with the site's name"
    assert title.removesuffix(f" · {site}").strip(" ·"), f"{where}: {title!r} names no page"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_an_account_page_for_anyone_is_titled_page_then_site(client: Client, lang: str, path: str):
    assert_titled(client.get(f"/{lang}/{path}"), lang, path)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_an_account_page_of_a_signed_in_trainee_is_titled_page_then_site(client: Client, lang: str, path: str):
    client.force_login(UserFactory(email=f"titles-{lang}@example.test"))
    assert_titled(client.get(f"/{lang}/{path}"), lang, path)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sign_up_done_page_is_titled_page_then_site(client: Client, lang: str):
    response = client.post(
        f"/{lang}/accounts/signup/",
        {
            "display_name": "林美玲",
            "email": f"new-{lang}@example.test",
            "password1": "a-long-passphrase-2026",
            "password2": "a-long-passphrase-2026",
            "preferred_language": lang,
        },
    )
    assert "id_password1" not in response.content.decode(), "the sign-up was refused"
    assert_titled(response, lang, "sign-up done")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_refused_form_and_post_only_pages_are_titled_page_then_site(lang: str):
    refused = Client(enforce_csrf_checks=True).post(f"/{lang}/accounts/login/", {"username": "a", "password": "b"})
    assert refused.status_code == 403
    assert_titled(refused, lang, "CSRF failure page")
    trainee = Client()
    trainee.force_login(UserFactory(email=f"post-only-{lang}@example.test"))
    assert_titled(trainee.get(f"/{lang}/dashboard/self-study/"), lang, "POST-only address")
