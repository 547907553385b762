"""Codes that name a row in a web address (``/cohorts/<code>/``, ``/catalog/courses/<code>/``): one rule.

A code is one or more of the letters A–Z and a–z, the digits 0–9, hyphens and underscores (the
characters of Django's ``<slug:…>``, ASCII only), so that ``{% url … code %}`` always makes an address
and the address always finds the row again. A ``/`` made the cohort catalogue fail for everyone
(``NoReverseMatch``); a space, ``?``, ``#`` or another script would need quoting wherever a code is
written. The model field checks it with :func:`validate_code` (admin, imports, the API), and the
database with ``core.constraints.url_safe_code``; the migration that added the rule rewrote older codes
(``courses/migrations/0011_codes_url_safe.py``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Python's re and PostgreSQL's regular expressions both read \A and \Z as the ends of the text ($ would
# let a final line break through in Python, and so in SQLite's REGEXP).
CODE_REGEX = r"\A[A-Za-z0-9_-]+\Z"
_CODE = re.compile(CODE_REGEX)

CODE_RULE = _(
    "Use only the letters A–Z and a–z, digits, hyphens (-) and underscores (_): the code is part of web addresses."
)


def is_code(value: object) -> bool:
    return isinstance(value, str) and _CODE.match(value) is not None


def validate_code(value: str) -> None:
    """The field validator of every code that names a row in an address."""
    if not is_code(value):
        raise ValidationError(CODE_RULE, code="invalid_code")
