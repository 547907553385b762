"""Every error page's <title> reads "<what happened> · <the site's name>" in the page's language, as every other
page's does (a browser tab, a bookmark, a screen reader's first words): the plain 400 and 503 pages too, which
render without the site's layout. The 500 page, drawn without the template language, names both in both
languages."""

import html
import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import translation

from tests.conftest import logged_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LANGUAGES = ["zh-hant", "en"]
SITE = "Bank Customer Manager Certification"


def words(msgid: str, lang: str) -> str:
    with translation.override(lang):
        return translation.gettext(msgid)


def title_of(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no <title>"
    return html.unescape(" ".join(match.group(1).split()))


def assert_titled(response, status: int, page: str, lang: str) -> None:
    assert response.status_code == status
    assert title_of(response) == f"{words(page, lang)} · {words(SITE, lang)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_400_page_names_the_site(lang):
    assert_titled(Client().get(f"/{lang}/cohorts/X%00/"), 400, "Bad request", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_403_page_names_the_site(lang):
    assert_titled(logged_in(UserFactory()).get(f"/{lang}/supervision/"), 403, "Access denied", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_csrf_failure_page_names_the_site(lang):
    response = Client(enforce_csrf_checks=True).post(f"/{lang}/accounts/login/", {"username": "x@example.test"})
    assert_titled(response, 403, "The form could not be sent", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_404_page_names_the_site(lang):
    assert_titled(Client().get(f"/{lang}/no-such-page/"), 404, "Page not found", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_405_page_names_the_site(lang):
    response = logged_in(UserFactory()).get(f"/{lang}/continuing-education/1/enrol/")  # a form's address
    assert_titled(response, 405, "This address only receives a form", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_503_page_names_the_site(lang):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    with mock.patch("accounts.middleware.get_user", side_effect=OperationalError("server closed the connection")):
        response = client.get(f"/{lang}/certificates/")
    assert_titled(response, 503, "Service unavailable", lang)
    assert f'<html lang="{"zh-Hant" if lang == "zh-hant" else "en"}">' in response.content.decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_500_page_names_the_site_in_both_languages(lang):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    with mock.patch("accounts.middleware.get_user", side_effect=ValueError("a bug")):
        response = client.get(f"/{lang}/certificates/")
    assert response.status_code == 500
    title = title_of(response)
    assert words(SITE, "zh-hant") in title and SITE in title, title
    assert title.startswith("伺服器錯誤 · ") and "Server error" in title, title
