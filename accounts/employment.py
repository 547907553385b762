"""The person's side of the HR API's requests: the links mailed by accounts.employees.

A link shows what it asks and acts only on the POST of its page (mail scanners open links). Every
one of them acts on an account (a move to an employer, a change of log-in address), so each is
answered only by its owner, signed in (:func:`accounts.link_owner.answer_unless_owner`): anyone
else is sent to log in (and back to the link) or told the link is another account's, and the link
stays usable. The link mailed to a new address is no exception: it proves the mailbox, not who may
change the account, so it is opened signed in with the log-in the account has until then.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts import employees
from accounts.link_owner import answer_unless_owner
from accounts.models import Employer, User
from core.errors import DomainError
from core.links import site_url

_ANSWER_SIGNED_IN = _(
    "Log in with the account this e-mail was sent to, to answer the request. "
    "If you have never set a password, choose “Forgot your password?”."
)
#: Why a visitor is sent to log in, by the link's kind: its mail went to the log-in address, or (verify) to the new one.
WHY_LOG_IN = {
    "join": _ANSWER_SIGNED_IN,
    "change": _ANSWER_SIGNED_IN,
    "verify": _(
        "Log in with the address you log in with now (not this new one), then confirm to make this new address "
        "your log-in. If you have never set a password, choose “Forgot your password?”."
    ),
}


@require_http_methods(["GET", "POST"])
def employment_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = employees.check_link(token)
        if (elsewhere := answer_unless_owner(request, link.user, why_log_in=WHY_LOG_IN[link.kind])) is not None:
            return elsewhere
        if request.method == "GET":
            return render(request, "accounts/employment_confirm.html", {"link": link, "former": _former(link)})
        person = cast(User, request.user)  # the link's owner (answer_unless_owner); the services check it again
        if link.kind == "join":
            employees.do_accept_employment(token=token, person=person)
        elif link.kind == "change":
            employees.do_confirm_email_change(token=token, person=person, site_url=site_url())
        else:
            employees.do_verify_new_email(token=token, person=person)
    except DomainError as error:  # the account's refusals, and the move of enrolments' (courses, enrolled_meanwhile)
        return render(request, "accounts/link_failed.html", {"error": error}, status=400)
    return render(request, "accounts/employment_done.html", {"link": link})


def _former(link: employees.Link) -> Employer | None:
    """The employer the person leaves by accepting (shown on the page), if any."""
    if link.kind != "join":
        return None
    profile = getattr(link.user, "trainee_profile", None)
    return profile.employer if profile is not None else None
