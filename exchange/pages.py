"""What the exchange adds to the pages of courses: on a cohort's page (``courses.views.COHORT_PAGE_PARTS``)
and on the trainee's enrolment cards (``ENROLMENT_CARD_PARTS``), a link to the cohort's discussion, for the
people who take part in it."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from courses.models import Cohort, Enrolment

from . import selectors


def cohort_discussion_link(request: HttpRequest, cohort: Cohort) -> str:
    access = selectors.access_to(request.user, cohort)
    if access is None:
        return ""
    return render_to_string("exchange/_cohort_link.html", {"cohort": cohort, "access": access}, request=request)


def enrolment_discussion_link(enrolment: Enrolment) -> str:
    """On an admitted enrolment's card (no query: the card is cached with the dashboard)."""
    if enrolment.state not in selectors.MEMBER_STATES:
        return ""
    return render_to_string("exchange/_cohort_link.html", {"cohort": enrolment.cohort, "card": True})


def connect() -> None:
    from courses.views import COHORT_PAGE_PARTS, ENROLMENT_CARD_PARTS

    if cohort_discussion_link not in COHORT_PAGE_PARTS:
        COHORT_PAGE_PARTS.append(cohort_discussion_link)
    if enrolment_discussion_link not in ENROLMENT_CARD_PARTS:
        ENROLMENT_CARD_PARTS.append(enrolment_discussion_link)
