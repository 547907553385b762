"""ISBNs of the unified textbooks: checked by their check digit and kept in one form, ISBN-13.

An ISBN-10 (``957-9015-45-8``) becomes the ISBN-13 of the same book (``978`` + its first nine
digits + a new check digit), so two spellings of one book never count as two books. Hyphens and
spaces are the printer's and are dropped; a ``ISBN`` prefix is allowed.
"""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s\-‐‑–]")


def _isbn13_check(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _isbn10_is_valid(isbn: str) -> bool:
    total = sum((10 - i) * (10 if c in "Xx" else int(c)) for i, c in enumerate(isbn))
    return total % 11 == 0


def normalise_isbn(raw: str) -> str | None:
    """The ISBN-13 digits of ``raw`` (an ISBN-10 or ISBN-13), or ``None`` when it is not a valid ISBN."""
    text = _NOISE.sub("", raw.strip())
    if text[:4].upper() == "ISBN":
        text = text[4:].lstrip(":")
    if re.fullmatch(r"\d{9}[\dXx]", text):
        if not _isbn10_is_valid(text):
            return None
        first12 = "978" + text[:9]
        return first12 + _isbn13_check(first12)
    if re.fullmatch(r"97[89]\d{10}", text):
        return text if _isbn13_check(text[:12]) == text[12] else None
    return None


def format_isbn13(isbn: str) -> str:
    """``9789865502247`` as ``978-9865502247``: the prefix set apart (the group and publisher
    boundaries need the ISBN agency's range table, which the portal does not keep)."""
    return f"{isbn[:3]}-{isbn[3:]}" if len(isbn) == 13 else isbn
