"""Numbers as people write them."""

from __future__ import annotations

from decimal import Decimal


def plain_number(value: Decimal | int | float) -> str:
    """``10``, ``7.5``, ``0.25``: no trailing zeros and never an exponent.

    ``str(Decimal("10").normalize())`` is "1E+1", which is how a score of 10 once reached the admin
    and the grading errors; formatting the normalized value with ``"f"`` keeps the digits.
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text
