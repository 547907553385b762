"""Day and hour figures in words, with the plural the language needs ("1 day", "1.5 days")."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import ngettext, pgettext

from core.templatetags.nowrap import nowrap

register = template.Library()


def _plural_count(days: Decimal | float | int) -> int:
    # ngettext needs an integer; a fractional figure takes the plural form ("0.5 days").
    whole = int(days)
    return whole if whole == days else 2


@register.filter
def days(value: Decimal | float | int) -> str:
    return ngettext("%(days)s day", "%(days)s days", _plural_count(value)) % {"days": floatformat(value, -1)}


@register.simple_tag
def days_hours(days_value: Decimal | float | int, hours: int) -> str:
    """``1 day / 8 h`` (``1 天 / 8 課時``) for a page: each figure kept on one line with its unit, so a narrow
    column breaks at the slash, never between "1" and "day" (:func:`core.templatetags.nowrap.nowrap`)."""
    return format_html("{} / {}", nowrap(days(days_value)), nowrap(class_hours(hours)))


# Training hours are class hours (課時) as the program's notes count them; continuing education is
# counted in clock hours (小時). The context keeps the two apart in the Chinese catalogue.
@register.filter
def class_hours(value: Decimal | float | int) -> str:
    """``8 h`` (``8 課時``): a figure of training hours, with its unit."""
    return pgettext("class hours", "%(hours)s h") % {"hours": floatformat(value, -1)}
