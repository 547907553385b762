"""The navigation bar (``{% site_nav %}``) is rendered once per language and kind of visitor, with
the CSRF token and the language form's return path filled in for each request."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def nav_of(response) -> str:
    body = response.content.decode()
    return body[body.index("<nav") : body.index("</nav>")]


def en(path_name: str) -> str:
    with translation.override("en"):
        return reverse(path_name)


def test_each_kind_of_visitor_gets_its_own_links_in_its_own_language(trainee, program_office):
    anonymous, learner, staff = Client(), logged_in(trainee), logged_in(program_office)
    for _ in range(2):  # the second round reads the bars rendered in the first
        visitor = nav_of(anonymous.get(en("home")))
        assert "Log in" in visitor and "Log out" not in visitor and "My training" not in visitor
        mine = nav_of(learner.get(en("home")))
        assert "My training" in mine and "Log out" in mine and "Supervision" not in mine
        office = nav_of(staff.get(en("home")))
        assert "Supervision" in office and "My training" not in office
        with translation.override("zh-hant"):
            chinese = nav_of(learner.get(reverse("home")))
            assert translation.gettext("My training") in chinese and "My training" not in chinese


def token_in(nav: str) -> str:
    (token,) = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', nav))
    return token


def test_the_bar_carries_this_requests_csrf_token_and_path(trainee, other_trainee):
    for person in (trainee, other_trainee):  # the second reads the bar the first rendered
        client = logged_in(person)
        client.handler.enforce_csrf_checks = True
        page = client.get(en("home") + "?q=a%20b&x=<y>")
        nav = nav_of(page)
        (path,) = re.findall(r'name="next" type="hidden" value="([^"]+)"', nav)
        assert path == html.escape(page.wsgi_request.get_full_path())
        form = {"language": "en", "next": "/"}
        assert client.post(reverse("set_language"), {**form, "csrfmiddlewaretoken": "x" * 64}).status_code == 403
        assert client.post(reverse("set_language"), {**form, "csrfmiddlewaretoken": token_in(nav)}).status_code == 302


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_language_switch_names_each_language_in_its_own_words(client, language):
    with translation.override(language):
        nav = nav_of(client.get(reverse("home")))
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', nav)
    assert dict(options) == {"zh-hant": "繁體中文", "en": "English"}  # never "英語" on a Chinese page
