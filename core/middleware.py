"""Request hygiene before any view runs.

``RefuseNulMiddleware`` answers 400 to a request with a NUL character (U+0000) in its path, its query
string or its form fields (the names and values of a POST form). No address, code, id, filter or text
of ours contains one, and PostgreSQL stores none in text: ``/verify/ab%00cd/`` reached the database and
became a 500 (``A string literal cannot contain NUL``), anonymously. Checking here closes every page at
once, Django's admin (its autocomplete) included.

A JSON body is left to its endpoint, which reads it and knows its fields. The HR API (``/api/``) answers
a NUL itself, in its own error shape (problem+json, ``hr_api.views.base.ApiView``; the token endpoint
records the refusal), so its requests pass through here untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
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
