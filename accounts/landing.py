"""Where a log-in lands when nothing asked for a page (no ``next``, or one that is not an address on this site).

Staff (``is_staff``: the program office, institution and employer staff) land on the admin's index, where their
work is; everyone else on their training dashboard. The password step (:class:`accounts.views.LoginView`) and the
second step (:func:`accounts.second_factor.navigation.next_url`: a code, a recovery code, a passkey, a first set-up)
both send people here, so a staff person who signs in from the log-in page reaches the admin after the second
step, not a trainee's empty dashboard.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def landing_url(user: Any) -> str:
    """The address ``user`` lands on after logging in without a ``next`` (anyone not signed in: the dashboard,
    which asks them to log in)."""
    return reverse("admin:index" if getattr(user, "is_staff", False) else "training:dashboard")
