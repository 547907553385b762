"""An answer whose form token is missing or out of date (the trainee logged in anew in another tab, which renews it)
is refused in the exam page's JSON shape (403, ``csrf_failed``, words the page shows, in the page's language), as
the endpoint's other refusals are; it used to be the site's HTML page, which the exam page read as no answer at all
(an outside probe). A page or a form still gets the page (tests/accounts/test_csrf_failure_page.py); the HR API never
meets the check (its views are exempt: tokens, no cookies). How the exam page treats the refusal:
tests/browser/test_exam_answer_csrf.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import translation

from accounts.models import AuditEvent
from config import api_urls
from exams.models import Attempt
from exams.services import attempts
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Not sent: this page is out of date (it was open too long, or you logged in or out in another tab). "
    "Reload the page: your answers stay on this device and are sent again."
)


def words(msgid: str, lang: str) -> str:
    with translation.override(lang):
        return translation.gettext(msgid)


def exam_page(world, lang: str = "en") -> tuple[Client, str, str, Attempt]:
    """Alice's browser on her exam page: the client, the answer endpoint and the page's form token."""
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    with translation.override(lang):
        page, url = reverse("exams:attempt", args=[attempt.pk]), reverse("exams:answer", args=[attempt.pk])
    html = browser.get(page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, "the exam page carries its form token"
    return browser, url, token.group(1), attempt


def nothing_saved(attempt) -> bool:
    return not attempt.items.filter(answered_at__isnull=False).exists()


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_an_answer_without_its_token_is_refused_in_json_in_the_pages_language(world, lang):
    browser, url, _token, attempt = exam_page(world, lang)
    response = browser.post(url, {"question": 1, "choices": [0]}, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"ok": False, "code": "csrf_failed", "error": words(REFUSAL, lang)}
    assert nothing_saved(attempt)
    assert AuditEvent.objects.filter(action="access_refused", summary=f"POST {url}").exists(), "still recorded"


def test_a_token_out_of_date_after_a_log_in_in_another_tab_is_refused_and_a_reloaded_page_saves(world):
    browser, url, token, attempt = exam_page(world)
    answer = {"question": 1, "choices": [0]}
    assert browser.post(url, answer, content_type="application/json", HTTP_X_CSRFTOKEN=token).status_code == 200
    # Another tab: log out, then in again (which renews the token the cookie holds).
    assert browser.post("/en/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    login = browser.get("/en/accounts/login/").content.decode()
    login_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    logged_in = browser.post("/en/accounts/login/", {"username": world.alice.email, "password": PASSWORD,
                                                     "csrfmiddlewaretoken": login_token})  # fmt: skip
    assert logged_in.status_code == 302 and "_auth_user_id" in browser.session

    stale = browser.post(url, {"question": 1, "choices": [1]}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert stale.status_code == 403 and stale.json()["code"] == "csrf_failed"
    item = attempt.items.get(position=1)
    assert item.answer == [item.option_order[0]], "the refused answer changed nothing"

    page = browser.get(f"/en/exams/attempts/{attempt.pk}/")  # reloaded: its token is the renewed cookie's
    fresh = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    saved = browser.post(url, {"question": 1, "choices": [1]}, content_type="application/json", HTTP_X_CSRFTOKEN=fresh)
    assert saved.status_code == 200 and saved.json()["ok"] is True


@pytest.mark.parametrize(
    ("content_type", "accept"),
    [("application/json", "*/*"), ("application/json; charset=utf-8", ""), ("application/merge-patch+json", ""),
     ("application/x-www-form-urlencoded", "application/json"),
     ("application/x-www-form-urlencoded", "application/json, text/plain, */*")],
)  # fmt: skip
def test_a_scripts_request_gets_json(world, content_type, accept):
    browser, url, _token, _attempt = exam_page(world)
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    response = browser.post(url, "question=1", content_type=content_type, **extra)
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")


@pytest.mark.parametrize(
    "accept",
    ["", "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     "text/html, application/json;q=0.9"],
)  # fmt: skip
def test_a_form_gets_the_page(world, accept):
    browser, url, _token, _attempt = exam_page(world)
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    response = browser.post(url, {"question": "1"}, **extra)
    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")
    assert "The form could not be sent" in response.content.decode()


def api_paths() -> list[str]:
    """An address of every route of the HR API (config.api_urls), its parameters filled in."""
    paths = []
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern) or "no-such-resource/"  # the catch-all re_path(r"")
        paths.append("/api/v1/" + re.sub(r"<(\w+):\w+>", lambda m: "1" if m.group(1) == "id" else "x", route))
    return [*paths, "/api/", "/api/v2/employees/"]


@pytest.mark.parametrize("path", api_paths())
def test_the_hr_api_never_meets_the_check(hr_staff, path):
    """A session cookie without a token (a browser logged in to the portal) is no way into the API, nor a CSRF
    refusal: every address answers the API's own problem JSON (a 400, 401, 404 or 405)."""
    for logged_in in (False, True):
        browser = Client(enforce_csrf_checks=True)
        if logged_in:
            browser.force_login(hr_staff)
        for body, content_type in (("{}", "application/json"), ("a=1", "application/x-www-form-urlencoded")):
            response = browser.post(path, body, content_type=content_type)
            assert response.status_code != 403, (path, response.content[:200])
            assert response["Content-Type"].startswith(("application/problem+json", "application/json"))
            assert b"csrf" not in response.content.lower()
