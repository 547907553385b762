"""An id no row can have — beyond the column's range, zero, negative — is a 404 (a 400 in a query
string or a JSON body), never a 500, on SQLite and PostgreSQL (issue 15).

``POST /en/exams/attempts/99999999999999999999/answer/`` overflowed the database's integer. Every
URL id is now an ``<id:…>`` (accounts.converters: 1 … 2**63 - 1, else no match). The tests walk
the resolver, so a new pattern with a bare ``<int:…>`` fails ``test_no_url_pattern_takes_an_unbounded_int``
and a new page that chokes on a large id fails the sweep; the API's integer query parameters and
body fields are read from its OpenAPI schema.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.contrib import admin
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.converters import MAX_ID, IdConverter, parse_id
from accounts.models import Employer, TraineeProfile, User
from courses.models import Cohort
from hr_api.models import SCOPES
from hr_api.services import do_create_client
from tests.api.conftest import token_for
from tests.isolation import build_world

# What no row can have: beyond bigint, just past it, negative, zero; and 2**31, past a 32-bit column.
OUT_OF_RANGE = ("99999999999999999999", str(2**63), str(2**31), "-1", "0")
# In a query string or a JSON body, also what is not an id at all ("²" passes str.isdigit()).
NOT_AN_ID = (*OUT_OF_RANGE[:2], "-1", "0", "²", "1.5", "abc")


# --- the resolver -------------------------------------------------------------------------------


def routes(resolver: URLResolver | None = None) -> list[tuple[str, str, URLPattern]]:
    """(key, route as requested, pattern) of every pattern, the i18n ones under /en/."""
    found = []

    def walk(node: URLResolver, prefix: str, namespace: str) -> None:
        for entry in node.url_patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace]))
                step = "en/" if isinstance(entry.pattern, LocalePrefixPattern) else str(entry.pattern)
                walk(entry, prefix + step, inner)
            else:
                route = prefix + str(entry.pattern).lstrip("^")
                key = f"{namespace}:{entry.name}" if entry.name and namespace else entry.name or route
                found.append((key, route, entry))

    walk(resolver or get_resolver(), "", "")
    return found


def unbounded_ids(resolver: URLResolver | None = None) -> set[str]:
    """Keys of patterns that turn any run of digits into an int: Django's ``<int:…>`` or a regex ``\\d+``."""
    flagged = set()
    for key, route, entry in routes(resolver):
        if isinstance(entry.pattern, RoutePattern):
            if any(type(c) is IntConverter for c in entry.pattern.converters.values()):
                flagged.add(key)
        elif isinstance(entry.pattern, RegexPattern) and re.search(r"\(\?P<\w+>(\\d|\[0-9\])[+*]\)", route):
            flagged.add(key)
    return flagged


def test_no_url_pattern_takes_an_unbounded_int():
    assert not unbounded_ids(), (
        "URL patterns with a bare <int:…> (or a regex \\d+): use <id:…> (accounts.converters), so that an "
        f"id no row can have is a 404 rather than an overflow: {sorted(unbounded_ids())}"
    )


def test_the_walk_sees_a_new_bare_int():
    def view(request, **kwargs):
        return HttpResponse()

    urlconf = type("urlconf", (), {"urlpatterns": [
        path("things/<int:pk>/", view, name="thing"),
        path("rows/<id:pk>/", view, name="row"),
    ]})  # fmt: skip
    assert unbounded_ids(URLResolver(RegexPattern(r"^/"), urlconf)) == {"thing"}


def test_the_converter_takes_exactly_the_column_range():
    converter = IdConverter()
    pattern = re.compile(f"^{converter.regex}$")
    for text in ("1", "42", str(MAX_ID)):
        assert pattern.match(text) and converter.to_python(text) == int(text)
    for text in ("0", "-1", "007", "1.5", "²", "٣", str(10**19)):
        assert not pattern.match(text), text
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_ID + 1))  # 19 digits, as the pattern allows: no match
    with pytest.raises(ValueError):
        converter.to_url(MAX_ID + 1)
    assert parse_id(True) is None and parse_id(" 1") is None and parse_id("1") == parse_id(1) == 1


# --- the sweep ----------------------------------------------------------------------------------

ID_NAME = re.compile(r"(^|_)(pk|id)$")
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture
def world(db):
    from django.core.cache import cache

    cache.clear()
    return build_world()


@pytest.fixture
def actors(world):
    trainee, office = Client(), Client()
    trainee.force_login(world.trainee_a)
    # A superuser reaches every admin, so that each object page is asked, not refused.
    office.force_login(User.objects.create_superuser(email="root@demo.test", password="x"))
    assert office.get(reverse("admin:index")).status_code == 200, "the superuser must reach the admin"
    bank_a = Employer.objects.get(pk=world.trainee_a.trainee_profile.employer_id)
    client_a, _secret = do_create_client(employer=bank_a, name="Alpha HR ids", scopes=SCOPES)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(client_a)}")
    return {"trainee": trainee, "office": office, "api": api, "employer": bank_a}


def is_an_id(converter: str | None, name: str) -> bool:
    return converter in ("int", "id") or bool(ID_NAME.search(name))


def problem(response, route: str, value: str, ids: bool) -> str | None:
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if not ids:
        return None  # a code or token, not an id: anything but a server error
    if response.status_code == 404:
        return None
    if response.status_code == 405 and parse_id(value) is not None:
        return None  # an id the column can hold reaches the view, which takes other methods
    final = response.request["PATH_INFO"]
    if route.startswith("en/admin/"):
        if final == reverse("admin:index") and response.status_code == 200:
            return None  # the admin's answer for a row that does not exist: its index, with a warning
        if response.status_code == 403:
            return None  # a page the admin refuses everyone (no deleting tokens) before it looks for the row
    return f"{response.status_code} at {final}, not 404"


def test_every_url_answers_an_id_no_row_can_have_with_a_404(actors):
    """Every pattern with a parameter, each parameter set to each value, by GET and by POST (and
    PATCH/DELETE in the API), as the user who may use the page."""
    failures, asked = [], 0
    logging.disable(logging.ERROR)  # 404s are the point; keep the log readable
    try:
        for key, route, _entry in routes():
            parameters = PARAMETER.findall(route)
            if not parameters or "(?P" in route:
                continue  # no parameter, or a regex catch-all (walked by the guard above)
            ids = any(is_an_id(converter, name) for converter, name in parameters)
            staff_pages = route.startswith(("en/admin/", "en/supervision/"))
            actor = "api" if route.startswith("api/") else "office" if staff_pages else "trainee"
            methods = ("get", "post", "patch", "delete") if actor == "api" else ("get", "post")
            for value in OUT_OF_RANGE:
                url = "/" + PARAMETER.sub(value, route)
                for method in methods:
                    if method != "get" and (actor == "api" or key == "exams:answer"):
                        body = {"question": 1, "choices": [0]}
                        response = getattr(actors[actor], method)(
                            url, json.dumps(body), content_type="application/json", follow=True
                        )
                    else:
                        response = getattr(actors[actor], method)(url, follow=True)
                    asked += 1
                    if trouble := problem(response, route, value, ids):
                        failures.append(f"{key} {method.upper()} {url}: {trouble}")
    finally:
        logging.disable(logging.NOTSET)
    assert asked > 1000, f"only {asked} requests: did the walk lose the admin?"
    assert not failures, "\n".join(failures)


def test_the_answer_save_of_the_issue_is_a_404(actors):
    for value in OUT_OF_RANGE:
        response = actors["trainee"].post(
            f"/en/exams/attempts/{value}/answer/", json.dumps({"question": 1, "choices": [0]}),
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 404, (value, response.status_code)


def test_admin_list_filters_take_any_id(actors):
    """A changelist filtered by a related row (``?cohort__id__exact=…``) with an id no row has."""
    failures = []
    for model, model_admin in admin.site._registry.items():
        names = [f if isinstance(f, str) else f[0] for f in model_admin.list_filter if not isinstance(f, type)]
        for name in names:
            field = model._meta.get_field(name.split("__")[0])
            if not field.is_relation:
                continue
            for value in OUT_OF_RANGE:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                response = actors["office"].get(url, {f"{name}__id__exact": value})
                if response.status_code >= 500:
                    failures.append(f"{url}?{name}__id__exact={value}: {response.status_code}")
    assert not failures, "\n".join(failures)


# --- the API: query strings and bodies, from its schema ------------------------------------------


def api_operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (url, method, operation)
        for url, operations in schema["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict)
    ]


def integer_query_parameters(operation: dict) -> list[str]:
    return [
        p["name"] for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("schema", {}).get("type") == "integer"
    ]  # fmt: skip


def test_an_integer_in_the_query_string_that_no_row_can_have_is_a_400(actors):
    failures, asked = [], 0
    for url, method, operation in api_operations():
        if "{" in url:
            continue  # the path's ids are swept above
        for name in integer_query_parameters(operation):
            for value in NOT_AN_ID:
                response = getattr(actors["api"], method)(url, {name: value})
                asked += 1
                if response.status_code >= 500 or (name != "page_size" and response.status_code != 400):
                    failures.append(f"{method.upper()} {url}?{name}={value}: {response.status_code}")
    assert asked >= 3 * len(NOT_AN_ID), "the schema lost the employee filters"
    assert not failures, "\n".join(failures)


def _enrolment_body(actors) -> dict:
    employee = TraineeProfile.objects.filter(employer=actors["employer"]).first()
    cohort = Cohort.objects.first()
    return {"employee": employee.pk, "cohort": cohort.pk}


# A valid body of every operation that takes an integer in its JSON body; each integer is then
# replaced by each value no row can have.
VALID_BODIES = {("/api/v1/enrollments/", "post"): _enrolment_body}


def test_an_integer_in_a_json_body_that_no_row_can_have_is_a_400_or_404(actors):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    failures, walked = [], set()
    for url, method, operation in api_operations():
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = content.get("schema", {}).get("$ref", "")
        properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}) if ref else {}
        integers = [name for name, spec in properties.items() if spec.get("type") == "integer"]
        if not integers:
            continue
        assert (url, method) in VALID_BODIES, f"{method.upper()} {url} takes {integers}: give it a valid body here"
        walked.add((url, method))
        for name in integers:
            for value in NOT_AN_ID:
                body = VALID_BODIES[(url, method)](actors)
                body[name] = int(value) if value.lstrip("-").isascii() and value.lstrip("-").isdigit() else value
                response = getattr(actors["api"], method)(url, json.dumps(body), content_type="application/json")
                if response.status_code not in (400, 404):
                    failures.append(f"{method.upper()} {url} {name}={value}: {response.status_code}")
    assert walked == set(VALID_BODIES), f"stale valid bodies: {set(VALID_BODIES) - walked}"
    assert not failures, "\n".join(failures)
