"""Every form of the portal's pages, filled with anything: any text (NUL and control characters,
other scripts, very long), numbers, dates, and the page's own choices. The page answers with the
form again or a redirect — never a server error, and never a redirect off the site (the language
switcher's and the log-in's ``next`` are fuzzed too).

The fields are read from the rendered page, so a field added to a form is fuzzed too. Each example
runs in a savepoint rolled back at its end.
"""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.isolation import build_world

pytestmark = pytest.mark.django_db

# (page, who fills it in, method)
PAGES = [
    ("accounts:signup", None, "post"),
    ("accounts:login", None, "post"),
    ("accounts:password_reset", None, "post"),
    ("accounts:profile", "trainee", "post"),
    ("training:cohorts", None, "get"),
    ("training:dashboard", "trainee", "post"),  # the self-study form posts to log_self_study
    ("certification:verify", None, "post"),  # the name typed stays out of URLs
    ("certification:mine", "holder", "post"),  # the self-report form: holders of an active certificate only
    ("certification:reminders", "trainee", "post"),
]


class Forms(HTMLParser):
    """The fields of each form on a page: name → the values the page offers (for choices)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                               "fields": {}})  # fmt: skip
        elif not self.forms:
            return
        elif tag in ("input", "textarea", "select") and attrs.get("name"):
            name = attrs["name"]
            if name == "csrfmiddlewaretoken" or attrs.get("type") == "submit":
                return
            offered = self.forms[-1]["fields"].setdefault(name, [])
            if attrs.get("value") is not None:
                offered.append(attrs["value"])
            self._select = name if tag == "select" else None
        elif tag == "option" and self._select and attrs.get("value") is not None:
            self.forms[-1]["fields"][self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(html: str, method: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == method and form["fields"]]


anything = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=400),
    st.sampled_from(["", " ", "\x00", "0", "-1", "1e309", "NaN", "24.05", "99999999999", "2026-02-30",
                     "1900-01-01", "9999-12-31", "a@b", "x" * 3000, "<script>alert(1)</script>", "' OR 1=1 --"]),
)  # fmt: skip


def value_for(offered: list[str]):
    return st.sampled_from(offered) | anything if offered else anything


@pytest.fixture
def people(db):
    world = build_world()
    trainee, holder = Client(), Client()
    trainee.force_login(world.trainee_a)
    holder.force_login(world.trainee_b)  # holds a certificate (tests/isolation.py)
    return {None: Client(), "trainee": trainee, "holder": holder}


def fill_in_form(client: Client, method: str, target: str, fields: dict) -> int:
    """Send one form 25 fillings (each in a savepoint rolled back); answer how many were sent."""
    asked = 0

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.fixed_dictionaries({name: value_for(offered) for name, offered in fields.items()}))
    def fill_in(data):
        nonlocal asked
        cache.clear()  # the verification page's rate limit is tested elsewhere
        with transaction.atomic():
            response = getattr(client, method)(target, data)
            asked += 1
            assert response.status_code < 500, (target, data)
            assert response.status_code in (200, 302, 400, 403, 404, 429), (response.status_code, target, data)
            if response.status_code == 302:
                location = response["Location"]
                assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), location
            transaction.set_rollback(True)

    fill_in()
    return asked


@pytest.mark.parametrize(("page", "who", "method"), PAGES, ids=[p for p, *_ in PAGES])
def test_any_input_into_a_form_is_answered_without_a_server_error(people, page, who, method):
    client = people[who]
    url = reverse(page)
    found = forms_of(client.get(url).content.decode(), method)
    assert found, f"{page} shows no {method} form with fields"
    asked = sum(fill_in_form(client, method, form["action"] or url, form["fields"]) for form in found)
    assert asked >= 25
