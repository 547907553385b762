"""What the exchange adds to the pages of courses (``courses.views.COHORT_PAGE_PARTS``): on a cohort's page,
a link to its discussion, for the people who take part in it."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from courses.models import Cohort

from . import selectors


def cohort_discussion_link(request: HttpRequest, cohort: Cohort) -> str:
    access = selectors.access_to(request.user, cohort)
    if access is None:
        return ""
    return render_to_string("exchange/_cohort_link.html", {"cohort": cohort, "access": access}, request=request)


def connect() -> None:
    from courses.views import COHORT_PAGE_PARTS

    if cohort_discussion_link not in COHORT_PAGE_PARTS:
        COHORT_PAGE_PARTS.append(cohort_discussion_link)
