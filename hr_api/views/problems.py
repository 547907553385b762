"""The page of the API's problem types (``/api/v1/problems/``): every code a problem's ``type`` ends with, its status
and its meaning in each of the site's languages. A problem's ``type`` (``/api/v1/problems/<code>``) leads to the
code's entry on it (RFC 9457, section 3.1.1: a ``type`` URI, dereferenced, documents the problem for people).

Public, as the schema and its docs are: it describes the API, no one's data.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from hr_api.errors import not_found, safe_methods_only
from hr_api.problems import TYPES


@safe_methods_only
def problems(request: HttpRequest) -> HttpResponse:
    languages = list(settings.LANGUAGES)
    rows = []
    for code, problem in TYPES.items():
        meanings = []
        for language, _name in languages:
            with translation.override(language):
                meanings.append((language, str(problem.meaning)))
        rows.append({"code": code, "status": problem.status, "meanings": meanings})
    return render(request, "hr_api/problems.html", {"rows": rows, "languages": languages})


@safe_methods_only
def problem(request: HttpRequest, code: str) -> HttpResponse:
    """A problem's ``type``: its entry on :func:`problems`' page (an unknown code is the API's 404)."""
    if code not in TYPES:
        return not_found(request)
    return HttpResponseRedirect(f"{reverse('api:problems')}#{code}")
