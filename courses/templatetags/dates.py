"""Periods in words: a one-day course, cohort or window is its day, not "from that day to that day"."""

import datetime

from django import template
from django.utils.html import format_html

from core import display
from core.templatetags.nowrap import nowrap

register = template.Library()


@register.simple_tag
def date_span(starts: datetime.date | datetime.datetime, ends: datetime.date | datetime.datetime) -> str:
    """``5 December 2026`` for a single day, ``5 December 2026 – 7 December 2026`` for more (each as ``|date``
    writes it in the active language; an aware datetime in the current time zone, as that filter does)."""
    first, last = display.date(starts), display.date(ends)
    return first if first == last else f"{first} – {last}"


@register.simple_tag
def date_span_nowrap(starts: datetime.date | datetime.datetime, ends: datetime.date | datetime.datetime) -> str:
    """:func:`date_span` for a page, each date kept on one line: a narrow column breaks between the two dates, never
    inside one ("2027年2月3日", "3 February 2027")."""
    first, last = display.date(starts), display.date(ends)
    if first == last:
        return nowrap(first)
    return format_html("{} – {}", nowrap(first), nowrap(last))
