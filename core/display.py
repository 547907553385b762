"""What a list page writes on every row, done once: dates and numbers in the active language, and row URLs
(issue 20).

``{{ value|date:"DATETIME_FORMAT" }}`` cost a page about 0.26 M CPU instructions per date and
``{% url 'exams:result' pk %}`` 0.17 M per link (``bench/instructions.py``): a list of twenty
attempts spent more on them than on its query. :func:`date` gives the template filter's text and
keeps it (the same date in the same language and zone is the same text; the dates of a cohort's
sittings recur on every trainee's page); :func:`url_pattern` reverses a URL once per language and
script prefix and fills in each row's id.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.db.models import Choices
from django.template import defaultfilters
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language


def date(value: datetime.date | datetime.datetime | None, format_name: str = "DATE_FORMAT") -> str:
    """``{{ value|date:format_name }}``: an aware datetime in the current time zone, in the active language."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        zone = (str(value.tzinfo), value.utcoffset())
        return _datetime_text(get_language(), format_name, value, zone)
    return _date_text(get_language(), format_name, value)


@functools.lru_cache(maxsize=4096)
def _date_text(language: str | None, format_name: str, value: datetime.date) -> str:
    # The language is the active one: it is in the key, not read here.
    return formats.date_format(value, format_name)


@functools.lru_cache(maxsize=4096)
def _datetime_text(language: str | None, format_name: str, value: datetime.datetime, zone: tuple) -> str:
    # Aware datetimes at the same instant are equal whatever their zone: the zone is in the key.
    return formats.date_format(value, format_name)


def choice_label(choices: type[Choices], value: str) -> str:
    """``get_FOO_display()`` for a row read as values: the label in the active language; a value that is no
    longer one of the choices (an older row) as it is stored."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def floatformat(value: object, arg: str = "-1") -> str:
    """``{{ value|floatformat:arg }}`` in the active language ("" for None, as the filter gives)."""
    if value is None:
        return ""
    # Decimal("12.5") == Decimal("12.50"): the key is the text, which is what the filter reads.
    return _floatformat_text(get_language(), type(value), str(value), arg, value)


@functools.lru_cache(maxsize=4096)
def _floatformat_text(language: str | None, kind: type, text: str, arg: str, value: object) -> str:
    return str(defaultfilters.floatformat(value, arg))


# What stands for the row's id or code while the URL is reversed.
_ID = 987654321987
_CODE = "zq9code7stand4in"


def url_pattern(viewname: str, *, kind: type = int) -> Callable[[Any], str]:
    """``{% url viewname value %}`` for any row's id (``kind=int``) or code (``kind=str``, a URL path segment):
    the URL reversed once (per language and script prefix), the value filled in as ``reverse`` quotes it."""
    head, tail = _reversed(viewname, kind, get_language(), get_script_prefix())
    if kind is int:
        return lambda pk: f"{head}{int(pk)}{tail}"

    def url(text: Any) -> str:
        text = str(text)
        if not text or "/" in text:  # not one path segment: reverse() says what it makes of it
            return reverse(viewname, args=[text])
        return f"{head}{quote(text, safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"

    return url


@functools.lru_cache(maxsize=256)
def _reversed(viewname: str, kind: type, language: str | None, script_prefix: str) -> tuple[str, str]:
    stand_in = str(_ID) if kind is int else _CODE
    url = reverse(viewname, args=[_ID if kind is int else _CODE])
    head, found, tail = url.partition(stand_in)
    if not found or stand_in in tail:
        raise ValueError(f"{viewname}: the value is not one part of {url}")
    return head, tail
