"""Every page made for a signed-in person is ``Cache-Control: private`` — one middleware for the whole site
(``accounts.middleware.PrivateToTheSignedInMiddleware``), so a page of any app is covered, not only those
someone remembered to mark. The app-by-app walks are in tests/*/test_private_*.py."""

import pytest
from django.urls import reverse

from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

TRAINEE_PAGES = ["accounts:profile", "career:mine", "exchange:index", "training:dashboard", "certification:mine"]


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("name", TRAINEE_PAGES)
def test_a_trainees_page_of_any_app_is_private(trainee, name):
    response = logged_in(trainee).get(reverse(name))
    assert response.status_code == 200 and "private" in directives(response)


def test_the_program_offices_reports_are_private(program_office):
    response = logged_in(program_office).get(reverse("supervision:index"))
    assert response.status_code == 200 and "private" in directives(response)


def test_an_anonymous_visitors_page_may_be_cached(client):
    assert "private" not in directives(client.get(reverse("home")))
