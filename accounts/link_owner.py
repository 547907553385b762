"""The pages' side of a mailed link that acts on an account: it answers only its owner, signed in.

A mail can be forwarded, read over a shoulder or opened on a shared computer, so holding a link is
no consent: a visitor is sent to log in and back to the link; someone signed in as another account
is told the link is not theirs (403), nothing changes, and the link stays usable for its owner.
The rule itself, which the services check too, is :func:`accounts.services.check_link_owner`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from .models import User


def answer_unless_owner(request: HttpRequest, owner: User, *, why_log_in: str | Promise) -> HttpResponse | None:
    """None when ``request`` is signed in as ``owner``; else the answer for anyone else.

    ``why_log_in`` is shown on the log-in page a visitor is sent to (after a GET only: a POST here is a
    confirmation whose session ended, which core's FormAfterSessionMiddleware explains). The page for
    another account names nobody but the reader.
    """
    if not request.user.is_authenticated:
        if request.method == "GET":
            messages.info(request, str(why_log_in))
        return redirect_to_login(request.get_full_path())
    if request.user.pk != owner.pk:
        return render(request, "accounts/link_other_account.html", {"link_url": request.path}, status=403)
    return None
