"""A NUL character (U+0000) in a request's path, query string or form fields is a 400, never a 500.

PostgreSQL stores no NUL in text: ``GET /en/verify/ab%00cd/`` (anonymous), ``/en/cohorts/X%00/``,
``/en/catalog/courses/X%00/``, ``/en/exchange/X%00/``, ``POST /en/cohorts/X%00/enrol/`` and the admin's
autocomplete with ``term=%00`` reached the database and answered 500. ``core.middleware.RefuseNulMiddleware``
answers 400, with the plain page of ``templates/400.html`` in the address's language, before any view.
The sweep walks every URL pattern of the site (tests/security/test_out_of_range_ids.routes), so a new
page is asked too; CI runs it on SQLite and on PostgreSQL. The HR API (``/api/``) refuses a NUL itself,
in its own error shape (tests/api/test_errors.py), and JSON bodies are left to their endpoints.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from accounts.models import User
from core.middleware import carries_nul
from tests.isolation import build_world
from tests.security.test_out_of_range_ids import PARAMETER, routes

MESSAGE = "The request contains a NUL character."


@pytest.fixture
def world(db):
    from django.core.cache import cache

    cache.clear()
    return build_world()


@pytest.fixture
def clients(world):
    # A server error is an answer to count, not an exception that stops the sweep.
    anonymous, trainee, office = (Client(raise_request_exception=False) for _ in range(3))
    trainee.force_login(world.trainee_a)
    office.force_login(User.objects.create_superuser(email="root@nul.test", password="x"))
    return {"anonymous": anonymous, "trainee": trainee, "office": office}


def assert_refused(response, what: str) -> None:
    assert response.status_code == 400, f"{what}: {response.status_code}"
    page = response.content.decode()
    assert 'id="bad-request-message"' in page and MESSAGE in page, f"{what}: not the 400 page"


# --- the pages of the issue ----------------------------------------------------------------------


def test_the_pages_of_the_issue_answer_400(clients):
    anonymous, trainee, office = clients["anonymous"], clients["trainee"], clients["office"]
    for url in ("/en/verify/ab%00cd/", "/en/cohorts/X%00/", "/en/catalog/courses/X%00/", "/en/verify/?number=%00"):
        assert_refused(anonymous.get(url), url)
    assert_refused(trainee.get("/en/exchange/X%00/"), "exchange")
    assert_refused(trainee.post("/en/cohorts/X%00/enrol/"), "enrol")
    autocomplete = "/en/admin/autocomplete/?app_label=accounts&model_name=traineeprofile&field_name=user&term=%00"
    assert_refused(office.get(autocomplete), "autocomplete")


def test_a_nul_in_a_form_field_is_refused_before_the_view(clients, world):
    anonymous = clients["anonymous"]
    assert_refused(anonymous.post("/en/accounts/login/", {"username": "a\x00@b.test", "password": "x"}), "log-in")
    assert_refused(anonymous.post("/en/accounts/login/", {"user\x00name": "a@b.test"}), "a field's name")
    upload = SimpleUploadedFile("rows.csv", b"email\n", content_type="text/csv")
    data = {"import_file": upload, "format": "a\x00b"}
    assert_refused(clients["office"].post("/en/admin/accounts/traineeprofile/import/", data), "a multipart form")


def test_the_page_is_in_the_addresses_language():  # no database: the answer comes before any
    response = Client().get("/zh-hant/cohorts/X%00/")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="zh-Hant">' in page and "請求有誤" in page and "請求含有 NUL 字元。" in page


def test_json_bodies_and_the_api_are_left_to_their_endpoints():
    factory = RequestFactory()
    body = json.dumps({"text": "a\x00b"})
    assert not carries_nul(factory.post("/en/exams/attempts/1/answer/", body, content_type="application/json"))
    assert carries_nul(factory.post("/en/accounts/login/", {"username": "a\x00b"}))
    assert not carries_nul(factory.get("/en/cohorts/", {"q": "%00"}))  # a "%00" typed, sent as %2500


@pytest.mark.django_db
def test_djangos_own_400_uses_the_plain_page_too(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = Client().get("/en/cohorts/", {f"f{n}": "1" for n in range(10)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="bad-request-message"' in page and "could not read this request" in page


# --- the sweep -----------------------------------------------------------------------------------

# A value for each kind of path parameter that the pattern matches, for the query and form sweeps.
PLAIN = {"id": "1", "int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _url(route: str, nul: bool) -> str:
    def value(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return PLAIN.get(converter, "x") + ("%00" if nul else "")

    return "/" + PARAMETER.sub(value, route)


def test_every_url_pattern_answers_400_to_a_nul_in_its_path_query_or_form(clients):
    failures, asked = [], 0
    logging.disable(logging.ERROR)
    try:
        for key, route, _entry in routes():
            if "(?P" in route:
                continue  # a regex catch-all: no URL to make from it
            api = route.startswith("api/")
            client = clients["office" if route.startswith(("en/admin/", "en/supervision/")) else "trainee"]
            asks = [
                ("GET", _url(route, nul=False) + "?q=a%00b", None),
                ("GET", _url(route, nul=False) + "?a%00b=1", None),
                ("POST", _url(route, nul=False), {"field": "a\x00b"}),
            ]
            if PARAMETER.search(route):
                asks += [("GET", _url(route, nul=True), None), ("POST", _url(route, nul=True), {})]
            for method, url, data in asks:
                response = client.get(url) if method == "GET" else client.post(url, data)
                asked += 1
                if api:  # the API's own rules: anything but a server error
                    trouble = response.status_code >= 500
                else:
                    page = response.content.decode(errors="replace")
                    trouble = response.status_code != 400 or 'id="bad-request-message"' not in page
                if trouble:
                    failures.append(f"{key} {method} {url}: {response.status_code}")
    finally:
        logging.disable(logging.NOTSET)
    assert asked > 600, f"only {asked} requests: did the walk lose the admin?"
    assert not failures, f"{len(failures)} of {asked}:\n" + "\n".join(failures)


@pytest.mark.parametrize("key", ["abcdefgh\\000ijklmnop", "x" * 41, "ABCDEFGH-not-a-key"])
def test_a_session_cookie_that_is_no_session_key_is_no_session(db, key):
    """Checked before the database: a NUL in the cookie answered 500 on PostgreSQL (found by the NUL sweep)."""
    from django.conf import settings

    response = Client().get("/en/", HTTP_COOKIE=f'{settings.SESSION_COOKIE_NAME}="{key}"')
    assert response.status_code == 200 and "Log in" in response.content.decode()
