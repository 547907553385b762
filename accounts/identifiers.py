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
