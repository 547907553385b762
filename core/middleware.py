"""Request hygiene before any view runs.

``RefuseNulMiddleware`` answers 400 to a request with a NUL character (U+0000) in its path, its query
string or its form fields (the names and values of a POST form). No address, code, id, filter or text
of ours contains one, and PostgreSQL stores none in text: ``/verify/ab%00cd/`` reached the database and
became a 500 (``A string literal cannot contain NUL``), anonymously. Checking here closes every page at
once, Django's admin (its autocomplete) included.

A JSON body is left to its endpoint, which reads it and knows its fields. The HR API (``/api/``) answers
a NUL itself, in its own error shape (problem+json, ``hr_api.views.base.ApiView``; the token endpoint
records the refusal), so its requests pass through here untouched.

``MethodNotAllowedPageMiddleware`` gives a page to a GET of an address that only takes a form's POST (an
enrol button's, the self-study form's): Django's ``require_POST`` answers an empty 405, which a browser shows
as a blank "HTTP ERROR 405". A bookmark, a reload or an old log-in link's ``next`` leads there.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

NUL = "\x00"
# Prefixes whose views refuse a NUL in their own answer shape.
LEFT_TO_THEIR_VIEWS = ("/api/",)
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def carries_nul(request: HttpRequest) -> bool:
    """Whether the path, the query string or a form field of ``request`` contains a NUL."""
    if NUL in request.path_info or NUL in unquote(request.META.get("QUERY_STRING", "")):
        return True
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        # Parsed once, here; the CSRF check and the view read the same parsed form.
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in value for value in values):
                return True
        # (Django drops unprintable characters from the names of uploaded files.)
        if any(NUL in name for name in request.FILES):
            return True
    return False


def bad_request(message: str) -> HttpResponse:
    """The plain 400 page (``templates/400.html``, also Django's own 400), in the active language."""
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(LEFT_TO_THEIR_VIEWS) and carries_nul(request):
            return bad_request(_("The request contains a NUL character."))
        return self.get_response(request)


def same_site_referer(request: HttpRequest) -> str:
    """The page ``request`` came from, as a path and query on this site, when its ``Referer`` is this
    site's (same host, and HTTPS when the request is); else "". Safe to link to or redirect to."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def is_login_page(url: str) -> bool:
    """Whether ``url`` (a path, with or without a query) is the log-in page, in the active language."""
    return urlsplit(url).path == resolve_url(settings.LOGIN_URL)


class MethodNotAllowedPageMiddleware:
    """A GET (or HEAD) that a view refuses with an empty 405 gets the site's page saying that the address
    only takes a form, with the way back; the status and ``Allow`` stay. Listed after the authentication and
    messages middleware (the page has the site's header) and after CommonMiddleware (which then counts the
    page's length)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not response.streaming
            and not response.content
            and not request.path_info.startswith(LEFT_TO_THEIR_VIEWS)
        ):
            back = same_site_referer(request)
            if back and (urlsplit(back).path == request.path or is_login_page(back)):
                back = ""  # the page itself, or the log-in page that would only bring the person here again
            response.content = render_to_string("405.html", {"back_url": back}, request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
