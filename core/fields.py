"""Model fields every app declares the same way."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise


def acting_user(verbose_name: str | Promise, **options: Any) -> models.ForeignKey[Any, Any]:
    """The person who decided, recorded, graded or changed a row.

    Optional (beat jobs and imports act with nobody at the keyboard); the row outlives the person's
    account (``SET_NULL``); and no reverse accessor on ``User``, who has many such references in
    every app. ``options`` adds to these (``db_constraint=False`` for the audit trail).
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **options,
    )
