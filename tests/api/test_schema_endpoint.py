"""The schema's own endpoint, /api/v1/schema/, answers as the API's operations do: its refusals are problems in
JSON, not YAML, and it takes only the query parameters it lists (``format`` and ``lang``), once each.

Before (an attacker's probe): ``?format=xml`` was a YAML 404, ``?anything=1`` the schema as if not given, a
wrong ``Accept`` a YAML 406, and HTTP Basic with any password reached the portal's log-in checks (DRF's default
authentication): a wrong one ended in a 500.
"""

import base64
import json

import pytest
import yaml
from django.test import Client

from .conftest import assert_problem

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/schema/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_it_still_serves_yaml_and_json():
    client = Client()
    default = client.get(SCHEMA_URL)
    assert default.status_code == 200 and default["Content-Type"].startswith("application/vnd.oai.openapi")
    document = yaml.safe_load(default.content)
    assert "/api/v1/employees/" in document["paths"]
    assert yaml.safe_load(client.get(SCHEMA_URL, {"format": "yaml"}).content) == document
    as_json = client.get(SCHEMA_URL, {"format": "json"})  # the README's generated-client command
    assert as_json["Content-Type"] == "application/vnd.oai.openapi+json"
    assert json.loads(as_json.content) == document
    assert client.get(SCHEMA_URL, HTTP_ACCEPT="application/json").json() == document
    assert client.get(SCHEMA_URL, {"lang": "en"}).status_code == 200
    assert client.head(SCHEMA_URL).status_code == 200


@pytest.mark.parametrize("query", ["anything=1", "version=2", "updatedSince=2026-01-01T00:00:00Z"])
def test_it_refuses_a_parameter_it_does_not_list_naming_it(query):
    body = assert_problem(Client().get(f"{SCHEMA_URL}?{query}", **EN), 400)
    [error] = body["errors"]
    assert error["field"] == query.split("=")[0] and error["code"] == "unknown_parameter"
    assert "format" in error["message"] and "lang" in error["message"]  # what it takes


@pytest.mark.parametrize(("name", "value", "listed"), [("format", "xml", "json, yaml"), ("lang", "xx", "zh-hant, en")])
def test_it_refuses_a_value_it_does_not_take_listing_those_it_takes(name, value, listed):
    body = assert_problem(Client().get(SCHEMA_URL, {name: value}, **EN), 400)
    assert body["errors"] == [
        {"field": name, "code": "invalid_choice", "message": f"Unknown value; give one of: {listed}."}
    ]


def test_it_refuses_a_parameter_given_twice_and_a_nul():
    body = assert_problem(Client().get(f"{SCHEMA_URL}?format=json&format=yaml", **EN), 400)
    assert body["errors"][0]["code"] == "repeated_parameter"
    body = assert_problem(Client().get(f"{SCHEMA_URL}?a%00=1", **EN), 400)
    assert body["errors"][0]["code"] == "nul_character"


def test_its_406_and_405_are_problems_in_json():
    body = assert_problem(Client().get(SCHEMA_URL, HTTP_ACCEPT="text/html", **EN), 406)
    assert body["type"].endswith("/not_acceptable")
    body = assert_problem(Client().get(SCHEMA_URL, {"format": "json"}, HTTP_ACCEPT="application/yaml", **EN), 406)
    response = Client().post(SCHEMA_URL, **EN)
    assert assert_problem(response, 405)["type"].endswith("/method_not_allowed")


def test_a_get_with_a_body_is_refused_as_on_every_operation():
    response = Client().generic("GET", SCHEMA_URL, '{"format": "json"}', content_type="application/json", **EN)
    assert assert_problem(response, 400)["type"].endswith("/body_not_allowed")


def test_its_problems_are_in_the_request_language():
    body = assert_problem(Client().get(SCHEMA_URL, {"format": "xml"}, HTTP_ACCEPT_LANGUAGE="zh-Hant"), 400)
    assert body["title"] == "請求有誤"


@pytest.mark.parametrize("url", [SCHEMA_URL, "/api/v1/docs/"])
def test_http_basic_is_no_log_in_here(trainee, url):
    """The schema and its docs are public: a password, right or wrong, is not checked (it was, by DRF's default
    authentication: a way to try a portal account's password outside the log-in page; a wrong one was a 500)."""
    for password in ("wrong", "right-or-not"):
        credentials = base64.b64encode(f"{trainee.email}:{password}".encode()).decode()
        response = Client().get(url, HTTP_AUTHORIZATION=f"Basic {credentials}")
        assert response.status_code == 200, response.content[:300]
