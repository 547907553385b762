"""Every URL of the API × every HTTP method: a token without the scope the method needs gets 403 and no data.

A view's ``required_scope`` may be a dict, per method; HEAD asked nothing of such a view (it was not a
key), so a token with the scope ``webhooks`` alone read the size of the employee list and learnt which
employee ids exist (200 against 404). HEAD now asks what GET asks; a method the dict does not name is refused
to every token (403), and one the view has no handler for (OPTIONS included) is 405 to every token, whatever its
scopes.

The URLs come from the resolver (``config.api_urls`` under the ``api`` namespace), so a new endpoint is
swept the day it is added; one that is not an :class:`~hr_api.views.base.ApiView` must be named in
``NOT_SCOPED`` with the reason.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hr_api.auth import MethodNotScoped, scope_needed
from hr_api.models import SCOPES
from hr_api.views.base import ApiView, handles

from .conftest import assert_problem, http
from .test_sweep import bank_b_rows  # noqa: F401 - bank B's rows: its own client's, here

pytestmark = pytest.mark.django_db

# Every method Django's views know, and one they do not.
METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "PROPFIND"]

# The API's URLs that are not an ApiView, so that no scope applies to them.
NOT_SCOPED = {
    "token": "client credentials: it issues the token",
    "schema": "the API's public description",
    "docs": "the API's public description",
    "problems": "the API's public description (its problem types)",
    "problem": "the API's public description (a problem type: leads to its entry)",
    None: "the catch-all: 404 in the problem shape for any other path",
}

# The arguments of each URL that names a row: bank B's own rows (so that a bypass would show them).
ARGUMENTS = {
    "employee": lambda rows: {"pk": rows["employee"]},
    "employee_deactivate": lambda rows: {"pk": rows["employee"]},
    "employee_reactivate": lambda rows: {"pk": rows["employee"]},
    "enrolment": lambda rows: {"pk": rows["enrolment"]},
    "enrolment_withdraw": lambda rows: {"pk": rows["enrolment"]},
    "exam_result": lambda rows: {"pk": rows["result"]},
    "certificate": lambda rows: {"number": rows["certificate"]},
    "certificate_pdf": lambda rows: {"number": rows["certificate"]},
    "certificate_credential": lambda rows: {"number": rows["certificate"]},
    "manager": lambda rows: {"employee": rows["manager"]},
    "webhook": lambda rows: {"pk": rows["webhook"]},
}
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "errors"}


def api_patterns() -> list[URLPattern]:
    """The patterns of the ``api`` namespace, as the resolver serves them."""
    found: list[URLPattern] = []

    def walk(resolver: URLResolver, inside: bool) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, inside or entry.namespace == "api")
            elif inside:
                found.append(entry)

    walk(get_resolver(), False)
    return found


PATTERNS = api_patterns()
SCOPED = [p for p in PATTERNS if issubclass(getattr(p.callback, "cls", object), ApiView)]


def test_every_api_url_is_scoped_or_named_as_not():
    assert len(SCOPED) > 20, "the walk found too few API views: is config.api_urls still included?"
    others = sorted(str(p.name) for p in PATTERNS if p not in SCOPED)
    assert others == sorted(str(name) for name in NOT_SCOPED), (
        "an API URL that is not an ApiView (so HasScope does not guard it): make it one, or name it in "
        "NOT_SCOPED with the reason"
    )
    with_arguments = {p.name for p in SCOPED if p.pattern.converters}
    assert with_arguments == set(ARGUMENTS), "give ARGUMENTS a row for each API URL that names one"


def assert_refused(response, status: int) -> None:
    """``status`` in the problem shape, with nothing of a row in it; a HEAD answer has no body at all."""
    assert response.status_code == status, (response.request["REQUEST_METHOD"], response.content)
    if response.request["REQUEST_METHOD"] == "HEAD":
        assert response.content == b""
        return
    body = assert_problem(response, status)
    assert set(body) <= PROBLEM_MEMBERS, body


def ask(api, method: str, url: str):
    if method in ("POST", "PUT", "PATCH"):
        return api.generic(method, url, "{}", content_type="application/json")
    return api.generic(method, url)


@pytest.mark.parametrize("pattern", SCOPED, ids=[p.name for p in SCOPED])
def test_a_token_without_the_scope_of_a_method_gets_403_and_no_data(cast, bank_b_rows, pattern):  # noqa: F811
    """Bank B's client has every scope; each token lacks only the one the method needs."""
    view = pattern.callback.cls
    url = reverse(
        f"api:{pattern.name}", kwargs=ARGUMENTS[pattern.name](bank_b_rows) if pattern.name in ARGUMENTS else {}
    )
    for method in METHODS:
        try:
            needed = scope_needed(view, method)
        except MethodNotScoped:
            continue  # no token may use it: the next test
        response = ask(http(cast.hr_b, [s for s in SCOPES if s != needed]), method, url)
        if not handles(view, "GET" if method == "HEAD" else method):  # no operation, no scope: 405 to every token
            assert_refused(response, 405)
            continue
        # (A method that needs no scope is asked with every scope: no ApiView may leave one open.)
        assert_refused(response, 403)


@pytest.mark.parametrize("pattern", SCOPED, ids=[p.name for p in SCOPED])
def test_a_method_the_view_does_not_scope_is_refused_to_a_token_of_every_scope(cast, bank_b_rows, pattern):  # noqa: F811
    view = pattern.callback.cls
    url = reverse(
        f"api:{pattern.name}", kwargs=ARGUMENTS[pattern.name](bank_b_rows) if pattern.name in ARGUMENTS else {}
    )
    api = http(cast.hr_b)
    for method in METHODS:
        try:
            scope_needed(view, method)
        except MethodNotScoped:
            response = ask(api, method, url)
            if response.status_code == 405:  # DRF's answer to a method the view has no handler for
                assert method not in response["Allow"], (method, url)
                assert_refused(response, 405)
            else:
                assert_refused(response, 403)


def test_head_asks_what_get_asks(cast, bank_b_rows):  # noqa: F811
    """The attacker's report: a ``webhooks``-only token learnt the list's size and which ids exist."""
    webhooks_only = http(cast.hr_b, ["webhooks"])
    employee = f"/api/v1/employees/{bank_b_rows['employee']}/"
    for url in ("/api/v1/employees/", employee, "/api/v1/employees/999999/", "/api/v1/enrollments/"):
        get, head = webhooks_only.get(url), webhooks_only.head(url)
        assert get.status_code == head.status_code == 403, url
        assert head.get("Content-Length") == get.get("Content-Length"), url
    # …while a token with the scope still has its HEAD, and a method no handler takes (OPTIONS too) is answered
    # 405 whatever the view's scopes.
    reader = http(cast.hr_b, ["read"])
    assert reader.head(employee).status_code == 200
    assert reader.head("/api/v1/employees/999999/").status_code == 404
    assert_problem(http(cast.hr_b).options("/api/v1/employees/"), 405)
    assert_problem(reader.options("/api/v1/catalog/tiers/"), 405)
    assert_problem(http(cast.hr_b).delete("/api/v1/employees/"), 405)
