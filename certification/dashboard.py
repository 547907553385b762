"""What certification adds to the trainee's dashboard (courses.views.NEXT_STEP_PARTS): after a completed
tier, the continuing-education courses open to enrol, the follow-up education of the program (後續教育)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors

NEXT_STEP_CE_COURSES = 3


def next_step_ce_courses(request: HttpRequest) -> str:
    """The next few published courses not started yet (one query), with a link to all of them."""
    today = timezone.localdate()
    courses = list(selectors.published_ce_courses(today).filter(starts_on__gte=today)[:NEXT_STEP_CE_COURSES])
    return render_to_string("certification/_next_step_ce.html", {"courses": courses}, request=request)


def connect() -> None:
    from courses.views import NEXT_STEP_PARTS

    if next_step_ce_courses not in NEXT_STEP_PARTS:
        NEXT_STEP_PARTS.append(next_step_ce_courses)
