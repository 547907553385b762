"""Model fields every app declares the same way."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def optional_link(to: Any, verbose_name: str | Promise, **options: Any) -> models.ForeignKey[Any, Any]:
    """A reference a row may lack and that outlives its target (``SET_NULL``), with no reverse accessor on
    the target. ``options`` adds to these (``db_constraint=False`` for the audit trail)."""
    return models.ForeignKey(
        to, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=verbose_name, **options
    )


def acting_user(verbose_name: str | Promise, **options: Any) -> models.ForeignKey[Any, Any]:
    """The person who decided, recorded, graded or changed a row.

    Optional (beat jobs and imports act with nobody at the keyboard); the row outlives the person's
    account; and no reverse accessor on ``User``, who has many such references in every app.
    """
    return optional_link(settings.AUTH_USER_MODEL, verbose_name, **options)


def announcement_claim() -> models.DateTimeField[Any, Any]:
    """The claim of a row's claimed announcement (``core.signals``, rule 3): empty until its receivers
    have heard it; set by the announcing transaction, never in a form."""
    return models.DateTimeField(_("announced at"), null=True, blank=True, editable=False)
