"""While the database is unreachable, visitors get a friendly 503 in their language, never a traceback."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from config import outage


@pytest.mark.django_db  # the staff gate (accounts.second_factor) asks whether this person is staff
def test_a_view_that_loses_the_database_answers_503_json_the_exam_page_retries(settings):
    settings.DEBUG = True  # even with DEBUG on: no technical page with a traceback
    client = Client(raise_request_exception=False)
    lost = OperationalError("server closed the connection")
    with mock.patch("exams.views.attempts.do_save_answer", side_effect=lost), \
            mock.patch("accounts.middleware.get_user", return_value=_someone()):  # fmt: skip
        response = client.post("/en/exams/attempts/1/answer/", "{}", content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable" and "Nothing you saved is lost" in response.json()["error"]
    assert b"Traceback" not in response.content


def _someone():
    from accounts.models import User

    return User(pk=1, email="someone@example.test", is_active=True)


@pytest.mark.parametrize("path, accept, language, expected", [
    ("/zh-hant/exams/", "text/html", "zh-hant", "您已儲存的資料不會遺失"),
    ("/en/exams/", "text/html", "en", "Nothing you saved is lost"),
    ("/en/exams/attempts/1/answer/", "application/json", "en", '"code": "unavailable"'),
    ("/api/v1/employees/", "application/json", "en", '"status": 503'),
])  # fmt: skip
def test_the_500_handler_turns_a_database_outage_anywhere_into_a_503(path, accept, language, expected):
    from django.utils import translation

    request = RequestFactory().get(path, HTTP_ACCEPT=accept)
    with translation.override(language):
        try:
            raise OperationalError("could not connect to server")
        except OperationalError:
            response = outage.server_error(request)
    assert response.status_code == 503
    assert expected in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_other_errors_keep_the_plain_500_page():
    request = RequestFactory().get("/en/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = outage.server_error(request)
    assert response.status_code == 500
