"""An ``updated_since`` whose ``+`` offset was sent unencoded arrives with a space in its place: the refusal says
to write the ``+`` as ``%2B`` (in the request's language) rather than giving as its example the very form the
client sent, on every list that takes the filter. The same instant encoded is taken."""

import pytest
from django.utils import translation

from hr_api.pagination import PLUS_READ_AS_SPACE

from .conftest import assert_problem

# Every list whose operation takes ``updated_since`` (the schema's, checked below).
LISTS = [
    "/api/v1/employees/",
    "/api/v1/enrollments/",
    "/api/v1/catalog/cohorts/",
    "/api/v1/exam-results/",
    "/api/v1/certificates/",
    "/api/v1/evaluations/",
    "/api/v1/managers/",
    "/api/v1/webhooks/",
]


def the_error(response) -> dict:
    [error] = assert_problem(response, 400)["errors"]
    assert error["field"] == "updated_since"
    return error


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_plus_sent_as_a_space_is_refused_saying_to_write_it_as_percent_2b(cast, url, language):
    # The query string as a client writes it by hand: the + unencoded.
    response = cast.api_a.get(f"{url}?updated_since=2026-01-01T00:00:00+08:00", HTTP_ACCEPT_LANGUAGE=language)
    message = the_error(response)["message"]
    with translation.override(language):
        assert message == str(PLUS_READ_AS_SPACE)  # in the request's language, from the catalog
    assert "%2B" in message and "2026-01-31T08:00:00+08:00" not in message  # not the form that failed


@pytest.mark.parametrize(
    "since",
    ["2026-01-01T00:00:00 08:00", "2026-01-01 00:00:00 08:00", "2026-01-01T00:00 0800", "2026-01-01T00:00:00.5 08"],
)
def test_every_form_of_a_spaced_offset_gets_the_hint(cast, since):
    message = the_error(cast.api_a.get("/api/v1/employees/", {"updated_since": since}, HTTP_ACCEPT_LANGUAGE="en"))[
        "message"
    ]
    assert "a + reads as a space" in message and "%2B" in message


@pytest.mark.parametrize("since", ["2026-01-01 08:00", "yesterday", "2026-01-01T00:00:00 Z", "2026-01-01 "])
def test_other_bad_values_keep_their_own_refusal(cast, since):
    error = the_error(cast.api_a.get("/api/v1/employees/", {"updated_since": since}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "%2B" not in error["message"]


@pytest.mark.parametrize("url", LISTS)
def test_the_same_instant_encoded_is_taken(cast, url):
    assert cast.api_a.get(f"{url}?updated_since=2026-01-01T00:00:00%2B08:00").status_code == 200


def test_the_lists_above_are_every_list_with_updated_since(cast):
    schema = cast.api_a.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    with_filter = {
        f"/api/v1{path.removeprefix('/api/v1')}"
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if isinstance(operation, dict)
        and any(p.get("name") == "updated_since" for p in operation.get("parameters", []))
    }
    assert with_filter == set(LISTS)
    descriptions = {
        p["description"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for p in operation.get("parameters", [])
        if p.get("name") == "updated_since"
    }
    assert descriptions and all("%2B" in d for d in descriptions)
