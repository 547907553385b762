"""The person's side of the HR API's requests: the links mailed by accounts.employees.

A link shows what it asks and acts only on the POST of its page (mail scanners open links). A
request to move a record to an employer is answered only by its owner, signed in: anyone else is
sent to log in (and back to the link) or told the link is another account's, and the link stays
usable. The links that change a log-in address need no log-in: the address they reach is what
they prove.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import employees
from core.errors import DomainError


@require_http_methods(["GET", "POST"])
def employment_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = employees.check_link(token)
        if link.owner_only and not request.user.is_authenticated:
            # A POST here is a confirmation whose session ended: core's FormAfterSessionMiddleware says so.
            if request.method == "GET":
                messages.info(
                    request,
                    _(
                        "Log in with the account this e-mail was sent to, to answer the request. "
                        "If you have never set a password, choose “Forgot your password?”."
                    ),
                )
            return redirect_to_login(request.get_full_path())
        if link.owner_only and request.user.pk != link.user.pk:
            return render(request, "accounts/employment_other_account.html", {"link_url": request.path}, status=403)
        if request.method == "GET":
            return render(request, "accounts/employment_confirm.html", {"link": link, "former": _former(link)})
        if link.kind == "join":
            employees.do_accept_employment(token=token, person=request.user)  # type: ignore[arg-type]
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
