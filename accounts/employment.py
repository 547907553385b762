"""The person's side of the HR API's requests: the links mailed by accounts.employees.

A link shows what it asks and acts only on the POST of its page (mail scanners open links);
it needs no log-in, as the address it was mailed to is what it proves.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import employees
from core.errors import DomainError


@require_http_methods(["GET", "POST"])
def employment_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            link = employees.check_link(token)
            return render(request, "accounts/employment_confirm.html", {"link": link, "former": _former(link)})
        link = employees.check_link(token)
        if link.kind == "join":
            employees.do_accept_employment(token=token)
        elif link.kind == "change":
            employees.do_confirm_email_change(token=token, site_url=request.build_absolute_uri("/").rstrip("/"))
        else:
            employees.do_verify_new_email(token=token)
    except DomainError as error:  # the account's refusals, and the move of enrolments' (courses, enrolled_meanwhile)
        return render(request, "accounts/link_failed.html", {"error": error}, status=400)
    return render(request, "accounts/employment_done.html", {"link": link})


def _former(link: employees.Link):
    """The employer the person leaves by accepting (shown on the page), if any."""
    if link.kind != "join":
        return None
    profile = getattr(link.user, "trainee_profile", None)
    return profile.employer if profile is not None else None
