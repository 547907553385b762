"""/api/v1/schema/ is generated once a process (in its language, English) and written once per format (it was
generated and written again for every request: up to a tenth of a second each, for anyone, without a log-in), and an
address asking for it too often is throttled."""

import pytest
import yaml
from django.test import Client, RequestFactory
from drf_spectacular.views import SpectacularAPIView

from hr_api.auth import AddressRateThrottle
from hr_api.views.schema import generated_schema, rendered_schema

from .conftest import assert_problem

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/schema/"


@pytest.fixture(autouse=True)
def schema_not_generated_yet():
    generated_schema.cache_clear()
    rendered_schema.cache_clear()
    yield
    generated_schema.cache_clear()
    rendered_schema.cache_clear()


def test_a_second_request_is_served_without_generating_the_schema_again(generations):
    client = Client()
    first = client.get(SCHEMA_URL)
    assert first.status_code == 200 and generations == ["en"]  # the schema's language (hr_api.schema)
    again = client.get(SCHEMA_URL)
    assert again.content == first.content and generations == ["en"]
    assert client.get(SCHEMA_URL, {"format": "json"}).status_code == 200  # the same schema, written as JSON
    assert client.head(SCHEMA_URL).status_code == 200
    assert generations == ["en"]


def certificate_number_title(response) -> str:
    return yaml.safe_load(response.content)["components"]["schemas"]["Certificate"]["properties"]["number"]["title"]


def test_every_language_is_served_the_one_schema_generated_once(generations):
    """The schema is written in English whatever the request's language (hr_api.schema.SCHEMA_LANGUAGE)."""
    client = Client()
    assert certificate_number_title(client.get(SCHEMA_URL, {"lang": "en"})) == "Certificate number"
    assert certificate_number_title(client.get(SCHEMA_URL)) == "Certificate number"
    assert certificate_number_title(client.get(SCHEMA_URL, HTTP_ACCEPT_LANGUAGE="en")) == "Certificate number"
    assert certificate_number_title(client.get(SCHEMA_URL, {"lang": "zh-hant"})) == "Certificate number"
    assert generations == ["en"]


@pytest.mark.parametrize("language", ["zh-hant", "en"])
@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ({}, "*/*"),
        ({"format": "json"}, "*/*"),
        ({}, "application/yaml"),
        ({}, "application/json"),
        ({}, "application/json; indent=2"),
    ],
)
def test_the_answer_is_the_one_drf_spectacular_writes_to_the_byte(language, query, accept):
    """What the view served before it kept the schema: drf-spectacular's own view, generating it for the request
    in the schema's language (English, whatever ``?lang=`` asks: hr_api.schema.SCHEMA_LANGUAGE)."""
    served = [Client().get(SCHEMA_URL, {**query, "lang": language}, HTTP_ACCEPT=accept) for _ in range(2)]
    fresh = SpectacularAPIView.as_view(authentication_classes=[])(
        RequestFactory().get(SCHEMA_URL, {**query, "lang": "en"}, HTTP_ACCEPT=accept)
    ).render()
    for response in served:
        assert response.content == fresh.content
        for header in ("Content-Type", "Content-Disposition"):
            assert response[header] == fresh[header]


def test_an_address_that_asks_too_often_is_throttled_and_another_is_not(monkeypatch):
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"api_public": "3/min"})
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert client.get(SCHEMA_URL).status_code == 200
    refused = client.get(SCHEMA_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert assert_problem(refused, 429)["type"].endswith("/throttled")
    assert int(refused["Retry-After"]) >= 1
    # A header of the caller's own naming another address gains nothing (no proxy of ours sent it).
    assert client.get(SCHEMA_URL, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.8").get(SCHEMA_URL).status_code == 200
