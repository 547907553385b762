"""Model fields every app declares the same way."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.db import models
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from .forms import NormalisedCharField


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


class NormalisedTextField(models.CharField):  # type: ignore[type-arg]
    """A text column of one kind of text (a phone number, an employee number) that one normaliser puts in its
    stored form: its admin and model forms normalise what is typed (``form_class``, a
    :class:`core.forms.NormalisedCharField`), and model validation refuses what the normaliser refuses.

    A subclass names ``normaliser`` (``staticmethod(fn)``: raises ``ValidationError``, returns the stored
    form), optionally its own ``form_class`` and ``typed_max_length`` (how long the typed text may be
    before normalising; the column's ``max_length`` when None). Subclasses keep their own import path,
    which migrations name; nothing here adds to ``deconstruct()``.
    """

    form_class: ClassVar[type[NormalisedCharField]] = NormalisedCharField
    typed_max_length: ClassVar[int | None] = None

    @staticmethod
    def normaliser(value: object) -> str:
        """What a subclass names: the stored form of ``value``, or ``ValidationError``."""
        raise NotImplementedError

    @cached_property
    def validators(self) -> list[Any]:
        # The normaliser refuses what it cannot normalise; as a validator its return value is ignored.
        return [self.normaliser, *super().validators]

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        defaults: dict[str, Any] = {"normaliser": self.normaliser}
        if self.typed_max_length is not None:
            defaults["max_length"] = self.typed_max_length
        return super().formfield(
            form_class=form_class or self.form_class, choices_form_class=choices_form_class, **{**defaults, **kwargs}
        )
