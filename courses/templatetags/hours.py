"""Day and hour figures in words, with the plural the language needs ("1 day", "1.5 days")."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import ngettext, npgettext, pgettext

register = template.Library()


def _plural_count(days: Decimal | float | int) -> int:
    # ngettext needs an integer; a fractional figure takes the plural form ("0.5 days").
    whole = int(days)
    return whole if whole == days else 2


@register.filter
def days(value: Decimal | float | int) -> str:
    return ngettext("%(days)s day", "%(days)s days", _plural_count(value)) % {"days": floatformat(value, -1)}


# Training hours are class hours (課時) as the program's notes count them; continuing education is
# counted in clock hours (小時). The context keeps the two apart in the Chinese catalogue.
@register.simple_tag
def days_hours(days_value: Decimal | float | int, hours: int) -> str:
    return npgettext(
        "class hours", "%(days)s day / %(hours)s h", "%(days)s days / %(hours)s h", _plural_count(days_value)
    ) % {"days": floatformat(days_value, -1), "hours": hours}


@register.filter
def class_hours(value: Decimal | float | int) -> str:
    """``8 h`` (``8 課時``): a figure of training hours, with its unit."""
    return pgettext("class hours", "%(hours)s h") % {"hours": floatformat(value, -1)}
