"""A cohort's name on a page: ``{{ cohort|cohort_name }}``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from core import display
from core.templatetags.nowrap import keep_together

if TYPE_CHECKING:
    from courses.models import Cohort

register = template.Library()


@register.filter
def cohort_name(cohort: Cohort) -> str:
    """``cohort.name`` with its start month on one line: "… · Retail banking · December\u00a02026", never
    "December" at the end of a line and "2026" on the next. The Chinese month ("2026年12月") has no space: the
    element that shows the name takes the class ``cohort-name`` (static/css/portal.css) so that it breaks at
    the spaces around the "·", not inside the month."""
    return keep_together(cohort.name, display.date(cohort.starts_on, "YEAR_MONTH_FORMAT"))
