"""``<id:name>`` in a URL: a row id the database can hold, or no match (a 404) — issue 15.

Django's ``<int:…>`` matches any run of digits, so ``/exams/attempts/99999999999999999999/answer/``
reached the view and overflowed the database's integer (a 500). Every id column here is a
BigAutoField, so an id is 1 … 2**63 - 1 written without leading zeros; anything else does not
match. Importing this module registers the converter (each urls module that uses it imports it);
tests/security/test_out_of_range_ids.py fails on a URL pattern with a bare ``<int:…>``.
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1  # BigAutoField (PostgreSQL bigint, SQLite INTEGER)


def parse_id(raw: object) -> int | None:
    """``raw`` (a query-string or JSON value) as a row id, or None when no row can have it."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit():
        if len(raw.lstrip("0")) > len(str(MAX_ID)):  # no id is that long, and int() refuses 4,301 digits
            return None
        value = int(raw)
    else:
        return None
    return value if 1 <= value <= MAX_ID else None


class IdConverter:
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("beyond the id column's range")  # the pattern does not match: 404
        return number

    def to_url(self, value: int | str) -> str:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not a row id")
        return str(number)


register_converter(IdConverter, "id")
