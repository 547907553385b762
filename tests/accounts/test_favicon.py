"""Browsers ask for /favicon.ico on a first visit whatever page they open: it answers the icon (no 404
filling the logs), and the portal's and the admin's pages link the same icon under /static/."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert response.content == Path(finders.find("favicon.ico")).read_bytes()
    assert "max-age" in response["Cache-Control"]


def test_favicon_ico_takes_no_language_prefix_and_no_log_in(client):
    assert reverse("favicon") == "/favicon.ico"
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def linked_icons(html: str) -> list[str]:
    return re.findall(r'<link rel="icon" href="([^"]+)"', html)


def assert_links_static_icons(html: str) -> None:
    icons = linked_icons(html)
    assert sorted(icons) == ["/static/favicon.ico", "/static/favicon.svg"], icons
    for url in icons:
        assert finders.find(url.removeprefix("/static/")), url  # a file the static URL serves


def test_the_portals_pages_link_the_icon(client):
    assert_links_static_icons(client.get(reverse("home")).content.decode())


def test_the_admins_pages_link_the_icon(client, institution_admin):
    assert_links_static_icons(client.get(reverse("admin:login")).content.decode())
    assert_links_static_icons(logged_in(institution_admin).get(reverse("admin:index")).content.decode())
