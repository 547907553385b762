"""Periods in words: a one-day course, cohort or window is its day, not "from that day to that day"."""

import datetime

from django import template

from core import display

register = template.Library()


@register.simple_tag
def date_span(starts: datetime.date | datetime.datetime, ends: datetime.date | datetime.datetime) -> str:
    """``5 December 2026`` for a single day, ``5 December 2026 – 7 December 2026`` for more (each as ``|date``
    writes it in the active language; an aware datetime in the current time zone, as that filter does)."""
    first, last = display.date(starts), display.date(ends)
    return first if first == last else f"{first} – {last}"
