"""A cursor is good for the list and the client it was given to, and nothing else: any other answers the
documented 404 (problem+json), never a 500 and never a page.

Before, a cursor was DRF's base64 of ``o=…&r=…&p=…``: one that decoded but held a position the list's
order could not compare (``p=x``, ``p=not-a-date``, or a time whose ``+`` the query string read as a
space) answered 500 on every list, and a made-up one (``o=99999999``) or another list's or another
client's was taken. The lists are found from the URL resolver, so a new one is checked the day it is added.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from rest_framework.pagination import Cursor
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from .conftest import assert_problem
from .test_every_method_needs_its_scope import SCOPED

pytestmark = pytest.mark.django_db

# Decodable by DRF's scheme, with a bad position: p=x, p=not-a-date, p=2000-01-01 00:00:00+00:00.
BAD_POSITIONS = ["cD14", "cD1ub3QtYS1kYXRl", "cD0yMDAwLTAxLTAxIDAwOjAwOjAwKzAwOjAw"]
# Decodable, with a position or an offset the API never gave: r=1&p=2100-01-01, o=99999999.
NEVER_GIVEN = ["cj0xJnA9MjEwMC0wMS0wMQ==", "bz05OTk5OTk5OQ==", "garbage", "a:b", "中文"]

# The API's lists: its URLs without an argument whose view has a GET (the catalog, employees, enrolments …).
LISTS = [p for p in SCOPED if not p.pattern.converters and hasattr(p.callback.cls, "get")]


def cursor_of(url: str | None) -> str:
    assert url, "no link"
    return parse_qs(urlsplit(url).query)["cursor"][0]


def issued(pattern, client, *, offset: int = 1) -> str:
    """The cursor the list's pagination gives ``client`` (an offset into the first rows: good for any list)."""
    path = reverse(f"api:{pattern.name}")
    request = Request(APIRequestFactory().get(path))
    request.user = client
    paginator = pattern.callback.cls.pagination_class()
    paginator.request, paginator.base_url = request, request.build_absolute_uri()
    return cursor_of(paginator.encode_cursor(Cursor(offset=offset, reverse=False, position=None)))


def assert_no_page(response) -> None:
    body = assert_problem(response, 404)
    assert body["type"].endswith("/not_found")
    assert body["detail"] in (
        "The cursor is not valid; start again from the first page.",
        "游標無效，請從第一頁重新開始。",
    )


def test_the_lists_are_found():
    names = {p.name for p in LISTS}
    assert {"tiers", "cohorts", "employees", "enrolments", "certificates", "managers", "webhooks"} <= names
    assert len(names) >= 12, names


@pytest.mark.parametrize("pattern", LISTS, ids=[p.name for p in LISTS])
def test_a_cursor_the_api_did_not_give_answers_404_on_every_list(cast, pattern):
    url = reverse(f"api:{pattern.name}")
    for cursor in BAD_POSITIONS + NEVER_GIVEN:
        assert_no_page(cast.api_a.get(url, {"cursor": cursor}, HTTP_ACCEPT_LANGUAGE="en"))


@pytest.mark.parametrize("pattern", LISTS, ids=[p.name for p in LISTS])
def test_a_cursor_is_good_for_its_list_and_client_only(cast, pattern):
    url = reverse(f"api:{pattern.name}")
    assert cast.api_a.get(url, {"cursor": issued(pattern, cast.hr_a)}).status_code == 200  # its own: a page
    assert_no_page(cast.api_a.get(url, {"cursor": issued(pattern, cast.hr_b)}))  # another client's
    other = next(p for p in LISTS if p.name != pattern.name)
    assert_no_page(cast.api_a.get(url, {"cursor": issued(other, cast.hr_a)}))  # another list's
    own = issued(pattern, cast.hr_a)
    assert_no_page(cast.api_a.get(url, {"cursor": own[:-1] + ("A" if own[-1] != "A" else "B")}))  # altered


def test_cursors_the_api_gives_walk_a_list_both_ways_and_only_for_their_client(cast):
    """Real cursors: the catalog's three tiers a page at a time, back again, and refused to bank B."""
    url = "/api/v1/catalog/tiers/"
    first = cast.api_a.get(url, {"page_size": 1}).json()
    second = cast.api_a.get(url, {"page_size": 1, "cursor": cursor_of(first["next"])}).json()
    third = cast.api_a.get(url, {"page_size": 1, "cursor": cursor_of(second["next"])}).json()
    assert third["next"] is None
    codes = [page["results"][0]["code"] for page in (first, second, third)]
    assert len(set(codes)) == 3
    back = cast.api_a.get(url, {"page_size": 1, "cursor": cursor_of(third["previous"])}).json()
    assert back["results"] == second["results"]
    assert_no_page(cast.api_b.get(url, {"page_size": 1, "cursor": cursor_of(first["next"])}))
    assert_no_page(cast.api_a.get("/api/v1/catalog/tracks/", {"cursor": cursor_of(first["next"])}))
