"""What certification adds to the trainee's dashboard (courses.views.NEXT_STEP_PARTS): after a completed
tier, the continuing-education courses open to enrol, the follow-up education of the program (後續教育).

The part is the same for every trainee: it is rendered once per language and day and kept in the cache
(``courses.caching.cached_shared``) until a continuing-education course or an institution is saved or
deleted (its title, dates, hours, publication, the institution's name), so a visit makes no query for it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from courses import caching

from . import selectors

NEXT_STEP_CE_COURSES = 3
VERSION_KEY = "dashboard-v:ce-courses"
# Every model whose rows the part shows.
SHOWN = ("certification.CECourse", "accounts.Institution")


def next_step_ce_courses(request: HttpRequest) -> str:
    """The next few published courses not started yet, with a link to all of them (cached, see above)."""
    return caching.cached_shared("next-step-ce-courses", VERSION_KEY, _render)


def _render() -> str:
    today = timezone.localdate()
    courses = list(selectors.published_ce_courses(today).filter(starts_on__gte=today)[:NEXT_STEP_CE_COURSES])
    # No request: the part reads nothing of the visitor (the cache shares it between them).
    return render_to_string("certification/_next_step_ce.html", {"courses": courses})


def _shown_row_changed(sender: type[Model], **kwargs: Any) -> None:
    caching.bump([VERSION_KEY])


def connect() -> None:
    from courses.views import NEXT_STEP_PARTS

    if next_step_ce_courses not in NEXT_STEP_PARTS:
        NEXT_STEP_PARTS.append(next_step_ce_courses)
    for label in SHOWN:
        uid = f"dashboard_ce_courses_{label.lower()}"
        post_save.connect(_shown_row_changed, sender=label, dispatch_uid=uid)
        post_delete.connect(_shown_row_changed, sender=label, dispatch_uid=uid)
