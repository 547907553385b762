"""Check constraints several apps declare alike: the rule is written once; each model names its
constraint and says its message (both stay as migrated)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise

from .codes import CODE_REGEX


def hours_at_most(most: int, *, name: str, message: str | Promise, field: str = "hours") -> models.CheckConstraint:
    """Hours of one record are more than 0 and at most ``most`` (a day's 24, a topic's 100, …)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gt": 0, f"{field}__lte": most}), name=name, violation_error_message=message
    )


def ends_not_before_start(start: str, end: str, *, name: str, message: str | Promise) -> models.CheckConstraint:
    """A period's last day (``end``) is on or after its first (``start``)."""
    return models.CheckConstraint(condition=Q(**{f"{end}__gte": F(start)}), name=name, violation_error_message=message)


def url_safe_code(*, name: str, message: str | Promise, field: str = "code") -> models.CheckConstraint:
    """``field`` is a code that names its row in web addresses (``core.codes``: letters A–Z/a–z, digits,
    hyphens and underscores, at least one)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__regex": CODE_REGEX}), name=name, violation_error_message=message
    )
