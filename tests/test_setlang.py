"""The language switch opens the page in the chosen language whichever page it goes back to: ``next``, the
Referer when ``next`` is missing, empty or another site's, or the home page when neither is this site's."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
# (the page's language, the chosen one, the browser's): each direction, the browser in the chosen language (a reader
# who came to a page in the other one by a link) or saying nothing (the site's default, Chinese).
DIRECTIONS = [("en", "zh-hant", "zh-TW,zh;q=0.9"), ("en", "zh-hant", ""), ("zh-hant", "en", "en-US,en;q=0.9")]
HTML_LANG = {"en": "en", "zh-hant": "zh-Hant"}


def switch(client: Client, language: str, browser: str, *, referer: str | None, **next_: str):
    headers = {"HTTP_ACCEPT_LANGUAGE": browser} if browser else {}
    if referer is not None:
        headers["HTTP_REFERER"] = referer
    return client.post("/i18n/setlang/", {"language": language, **next_}, **headers)


def assert_opens(client: Client, response, path: str, language: str, browser: str) -> None:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.netloc in ("", "testserver") and location.path == path
    page = client.get(path, **({"HTTP_ACCEPT_LANGUAGE": browser} if browser else {}))
    assert page.status_code == 200 and f'<html lang="{HTML_LANG[language]}"' in page.content.decode()


@pytest.mark.parametrize(("page", "chosen", "browser"), DIRECTIONS)
@pytest.mark.parametrize("next_", [{"next": "//evil.com"}, {"next": "https://evil.com/x"}, {"next": ""}, {}])
def test_it_opens_the_referring_page_in_the_chosen_language_when_next_is_not_this_sites(
    client: Client, page: str, chosen: str, browser: str, next_: dict
):
    response = switch(client, chosen, browser, referer=f"{SITE}/{page}/cohorts/", **next_)
    assert "evil.com" not in response["Location"]
    assert_opens(client, response, f"/{chosen}/cohorts/", chosen, browser)


@pytest.mark.parametrize(("page", "chosen", "browser"), DIRECTIONS)
@pytest.mark.parametrize("referer", [None, "https://evil.com/en/cohorts/"])
def test_it_opens_the_home_page_in_the_chosen_language_with_no_page_of_this_site_to_go_back_to(
    client: Client, page: str, chosen: str, browser: str, referer: str | None
):
    response = switch(client, chosen, browser, referer=referer, next="//evil.com")
    assert_opens(client, response, f"/{chosen}/", chosen, browser)


@pytest.mark.parametrize(("page", "chosen", "browser"), DIRECTIONS)
def test_a_next_of_this_site_still_wins_over_the_referer(client: Client, page: str, chosen: str, browser: str):
    response = switch(client, chosen, browser, referer=f"{SITE}/{page}/cohorts/", next=f"/{page}/catalog/")
    assert_opens(client, response, f"/{chosen}/catalog/", chosen, browser)


def test_an_unknown_language_changes_nothing_and_goes_back(client: Client):
    response = switch(client, "fr", "en-US,en;q=0.9", referer=f"{SITE}/en/cohorts/", next="//evil.com")
    assert response.status_code == 302 and urlsplit(response["Location"]).path == "/en/cohorts/"
    assert "django_language" not in response.cookies
