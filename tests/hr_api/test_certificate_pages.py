"""The certificate list's pages (issue 20): read by SQL composed once (hr_api.pagination.PreparedSyncRows),
written as JSON by CertificateSerializer.json_rows; the same answers as before, page by page.

The oracle is the list as it was: DRF's CursorPagination over the ORM's values, each row through
CertificateSerializer.to_representation, DRF's JSONRenderer. Walks forward and back over rows whose
change times tie, with every filter, in two time zones; the JSON of awkward values byte for byte; a
page in a fixed number of queries whatever the cursor; another employer's rows never in a page.
"""

from __future__ import annotations

import datetime
import json
import types
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from accounts.models import TraineeProfile
from certification.models import Certificate
from certification.selectors import certificates_of_employer
from core.prepared import _Plan
from hr_api.models import ApiClient
from hr_api.pagination import SyncCursorPagination, parse_updated_since
from hr_api.renderers import ApiContentNegotiation, ApiJSONRenderer, JsonRows
from hr_api.serializers.certificates import LIST_COLUMNS, ROW_COLUMNS, CertificateSerializer
from hr_api.views.certificates import CERTIFICATE_ROWS, OctetStreamRenderer, PdfRenderer
from tests.api.conftest import http
from tests.factories import CertificateFactory, TraineeProfileFactory, curriculum_of

pytestmark = pytest.mark.django_db

LIST = "/api/v1/certificates/"
T0 = datetime.datetime(2026, 3, 1, 1, 2, 3, 400500, tzinfo=datetime.UTC)


def drf_answer(client: ApiClient, url: str) -> dict:
    """What the list answered before issue 20 (its view's code, DRF's pagination, serializer and renderer)."""
    request = Request(APIRequestFactory().get(url))
    request.user = client  # a cursor is signed for its list and client (hr_api.pagination.cursor_signer)
    params = request.query_params
    own_profile = TraineeProfile.objects.filter(user_id=OuterRef("trainee_id"))
    employee = int(params["employee"]) if params.get("employee") else None
    rows = (
        certificates_of_employer(client.employer_id, employee_id=employee)
        .order_by()
        .annotate(
            employee=Subquery(own_profile.values("pk")[:1]),
            employee_number=Subquery(own_profile.values("employee_number")[:1]),
        )
        .values(*ROW_COLUMNS, "employee", "employee_number")
    )
    if tier := params.get("tier"):
        rows = rows.filter(tier__code=tier)
    if track := params.get("track"):
        rows = rows.filter(track__code=track)
    if state := params.get("status"):
        rows = rows.filter(status=state)
    if before := params.get("expiring_before"):
        rows = rows.filter(valid_until__lt=datetime.date.fromisoformat(before))
    if (since := parse_updated_since(request)) is not None:
        rows = rows.filter(updated_at__gte=since)
    paginator = SyncCursorPagination()
    page = paginator.paginate_queryset(rows, request)
    data = CertificateSerializer(page, many=True).data
    return json.loads(JSONRenderer().render(paginator.get_paginated_response(data).data))


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.fixture
def rows_of_two_banks(hr_client, other_hr_client):
    """13 certificates of bank A's employees whose change times tie in threes; 4 of bank B's."""
    made = []
    for n in range(13):
        profile = TraineeProfileFactory(employer=hr_client.employer, employee_number=f'A-"{n}"\u2028É')
        kind = ("standard", "retail") if n % 3 else ("assistant", None)
        made.append(
            CertificateFactory(
                trainee=profile.user,
                curriculum=curriculum_of(*kind),
                status="suspended" if n % 4 == 0 else "active",
                status_reason='調查中 "\\' if n % 4 == 0 else "",
                issued_on=datetime.date(2020 + n % 5, 1 + n % 12, 2),
                valid_until=datetime.date(2027 + n % 3, 5, 6),
            )
        )
        Certificate.objects.filter(pk=made[-1].pk).update(
            updated_at=T0 + datetime.timedelta(seconds=n // 3, microseconds=0 if n % 2 else 7)
        )
    for n in range(4):
        profile = TraineeProfileFactory(employer=other_hr_client.employer)
        certificate = CertificateFactory(trainee=profile.user)
        Certificate.objects.filter(pk=certificate.pk).update(updated_at=T0 + datetime.timedelta(seconds=n))
    return made


def walk(api: APIClient, client: ApiClient, first: str) -> list[str]:
    """Forward from ``first`` to the last page, then back to the first; each page as the oracle has it."""
    seen, url, pages = [], first, 0
    while url:
        answer = api.get(url)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert body == drf_answer(client, url), url
        seen += [row["number"] for row in body["results"]]
        last, url, pages = url, (path_of(body["next"]) if body["next"] else None), pages + 1
        assert pages < 30
    url = path_of(api.get(last).json()["previous"]) if api.get(last).json()["previous"] else None
    while url:
        body = api.get(url).json()
        assert body == drf_answer(client, url), url
        url = path_of(body["previous"]) if body["previous"] else None
    return seen


@pytest.mark.parametrize("zone", ["Asia/Taipei", "UTC"])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
def test_every_page_forward_and_back_is_the_one_drf_gave(hr_client, rows_of_two_banks, zone, size):
    api = http(hr_client)
    with timezone.override(zone):
        seen = walk(api, hr_client, f"{LIST}?page_size={size}")
    assert sorted(seen) == sorted(c.number for c in rows_of_two_banks)


@pytest.mark.parametrize(
    "query",
    [
        "status=active",
        "status=suspended&tier=assistant",
        "track=retail&expiring_before=2029-01-01",
        "updated_since=2026-03-01T09:02:04%2B08:00",
        "updated_since=2026-03-01T01:02:05Z&status=active",
        "tier=senior",
    ],
)
def test_the_filters_give_the_pages_drf_gave(hr_client, rows_of_two_banks, query):
    walk(http(hr_client), hr_client, f"{LIST}?page_size=2&{query}")


def test_the_employee_filter_gives_the_pages_drf_gave(hr_client, rows_of_two_banks):
    employee = rows_of_two_banks[4].trainee.trainee_profile.pk
    seen = walk(http(hr_client), hr_client, f"{LIST}?page_size=1&employee={employee}")
    assert seen == [rows_of_two_banks[4].number]


def test_a_page_of_one_bank_never_holds_the_others_rows(hr_client, other_hr_client, rows_of_two_banks):
    mine = {c.number for c in rows_of_two_banks}
    for _ in range(2):  # the second time by the SQL the first composed, on the same connection
        a = {row["number"] for row in http(hr_client).get(f"{LIST}?page_size=100").json()["results"]}
        b = {row["number"] for row in http(other_hr_client).get(f"{LIST}?page_size=100").json()["results"]}
        assert a == mine and len(b) == 4 and not a & b


def test_every_page_runs_three_queries_by_sql_composed_once(hr_client, rows_of_two_banks, django_assert_num_queries):
    api = http(hr_client)
    url, urls = f"{LIST}?page_size=2&updated_since=2026-01-01T00:00:00Z", []
    while url:
        urls.append(url)
        body = api.get(url).json()
        url = path_of(body["next"]) if body["next"] else None
    urls.append(path_of(api.get(urls[-1]).json()["previous"]))  # a cursor backwards
    assert api.get(urls[-1]).status_code == 200
    plans = len(CERTIFICATE_ROWS._reads)
    for url in urls:
        with django_assert_num_queries(3):  # token, client, page
            assert api.get(url).status_code == 200
    assert len(CERTIFICATE_ROWS._reads) == plans  # nothing composed anew
    keys = {
        read.key for (names, *_), read in CERTIFICATE_ROWS._reads.items() if names == ("employer_id", "updated_since")
    }
    composed = [plan for key, plan in connections["default"].__dict__["_core_prepared"].items() if key[0] in keys]
    assert composed and all(isinstance(plan, _Plan) for plan in composed)  # none left to the ORM


def test_an_indented_answer_is_drfs_too(hr_client, rows_of_two_banks):
    answer = http(hr_client).get(f"{LIST}?page_size=3", HTTP_ACCEPT="application/json; indent=2")
    assert answer.status_code == 200 and b'\n  "next"' in answer.content
    expected = drf_answer(hr_client, f"{LIST}?page_size=3")
    assert answer.content == JSONRenderer().render(expected, "application/json; indent=2")


# --- the JSON of a row, byte for byte ---------------------------------------------------------------


AWKWARD_TEXTS = ['quote " and \\ backslash', "line\nbreak\ttab\x01\x1f", "\u2028\u2029", "中文 é /slash", ""]


def awkward_rows() -> list[tuple]:
    rows = []
    for n, text in enumerate(AWKWARD_TEXTS):
        for updated in (
            datetime.datetime(2026, 7, 1, 12, 0, 0, tzinfo=datetime.UTC),
            datetime.datetime(2026, 1, 1, 23, 59, 59, 1, tzinfo=datetime.UTC),
            datetime.datetime(1890, 1, 1, 0, 0, 0, 123000, tzinfo=datetime.UTC),  # Taipei's +08:06 of then
            datetime.datetime(999, 12, 31, 12, 0, tzinfo=datetime.UTC),
            datetime.datetime(2026, 3, 8, 7, 0, 0, tzinfo=ZoneInfo("America/New_York")),
        ):
            row = dict.fromkeys(LIST_COLUMNS)
            row.update(
                number=f"BCM-{n}-{text}", status="active", status_reason=text, issued_on=datetime.date(2024, 2, 29),
                period_starts_on=datetime.date(999, 1, 2), valid_until=datetime.date(2027, 12, 31),
                updated_at=updated, tier__code=text or "standard", track__code=None if n % 2 else "retail",
                institution__code="inst-a", employee=None if n == 3 else 10**12 + n,
                employee_number=None if n == 2 else text,
            )  # fmt: skip
            rows.append(tuple(row[column] for column in LIST_COLUMNS))
    return rows


@pytest.mark.parametrize("zone", ["Asia/Taipei", "UTC", "America/New_York", "Asia/Kolkata"])
def test_the_rows_json_is_what_drfs_serializer_and_renderer_wrote(zone):
    rows = awkward_rows()
    with timezone.override(zone):
        fast = CertificateSerializer().json_rows(rows)
        generic = [CertificateSerializer().to_representation(dict(zip(LIST_COLUMNS, row, strict=True))) for row in rows]
        page = {"next": "http://testserver/x/?cursor=a%3D", "previous": None}
        assert ApiJSONRenderer().render({**page, "results": fast}) == JSONRenderer().render(
            {**page, "results": generic}
        )
    assert fast == generic and len(fast) == len(rows) and next(iter(fast)) == generic[0]
    assert JSONRenderer().render(fast) == JSONRenderer().render(generic)  # DRF's encoder reads it as the rows


def test_a_naive_change_time_is_refused_as_before():
    row = dict.fromkeys(LIST_COLUMNS, "x") | {
        "issued_on": datetime.date(2026, 1, 1), "period_starts_on": datetime.date(2026, 1, 1),
        "valid_until": datetime.date(2026, 1, 1), "updated_at": datetime.datetime(2026, 1, 1), "employee": 1,
    }  # fmt: skip
    with pytest.raises(ValueError):
        CertificateSerializer().to_representation(row)
    with pytest.raises(ValueError):
        CertificateSerializer().json_rows([tuple(row[column] for column in LIST_COLUMNS)])


def test_json_rows_are_read_as_their_rows():
    rows = JsonRows('[{"a":1},{"b":"\\u2028"}]')
    assert len(rows) == 2 and rows[1] == {"b": "\u2028"} and list(rows) == [{"a": 1}, {"b": "\u2028"}]
    assert ApiJSONRenderer().render({"results": rows}) == JSONRenderer().render({"results": rows.tolist()})
    assert ApiJSONRenderer().render({"results": rows, "after": 1}) == JSONRenderer().render(
        {"results": rows.tolist(), "after": 1}
    )


# --- content negotiation --------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "*/*", "", "application/json", "application/json; indent=4",
                                    "application/pdf", "text/html", "application/*", "*/*; q=0.5"])  # fmt: skip
@pytest.mark.parametrize("query", ["", "format=json", "format=pdf", "format="])
@pytest.mark.parametrize("renderers", [[ApiJSONRenderer], [PdfRenderer, OctetStreamRenderer, JSONRenderer]])
def test_the_renderer_chosen_is_drfs(accept, query, renderers):
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(f"{LIST}?{query}", **extra))
    instances = [renderer() for renderer in renderers]

    def choice(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, instances)
        except Exception as error:  # the very refusal is compared
            return type(error)
        return type(renderer), media_type

    assert choice(ApiContentNegotiation()) == choice(ByAcceptOnly())


class ByAcceptOnly(DefaultContentNegotiation):
    """DRF's negotiation without its ``?format=`` override, which the API turns off (``format`` is then an
    unknown parameter: hr_api.parameters)."""

    settings = types.SimpleNamespace(URL_FORMAT_OVERRIDE=None)
