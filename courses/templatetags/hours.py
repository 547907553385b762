"""Day and hour figures in words, with the plural the language needs ("1 day", "1.5 days")."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import ngettext

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
    return ngettext("%(days)s day / %(hours)s h", "%(days)s days / %(hours)s h", _plural_count(days_value)) % {
        "days": floatformat(days_value, -1),
        "hours": hours,
    }
