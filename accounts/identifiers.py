"""The one normalisation of a log-in identifier (an e-mail address).

Log-in, lock-out, sign-up, password reset, the trainee import and the HR API all pass the
address a person or system typed through :func:`normalize_email` before they compare, count or
store it, so that ``Chen@Bank.example `` and ``chen@bank.example`` are one person everywhere.
"""

from __future__ import annotations

import unicodedata


def normalize_email(value: object) -> str:
    """Trim, fold compatibility forms (full-width letters) and case-fold an address."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return text.casefold()


def lockout_username(request: object, credentials: dict | None) -> str:
    """The lock-out's key (``AXES_USERNAME_CALLABLE``): the normalised address, however it was typed.

    django-axes counts failures per this string; without it each case variant of an address
    (``Chen@``, ``CHEN@``, `` chen@``) would get its own six guesses.
    """
    if credentials:
        # Django's ModelBackend also takes the address under the user model's USERNAME_FIELD.
        raw = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", None) or {}
        raw = data.get("username")
    return normalize_email(raw)
