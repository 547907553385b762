"""What the forms in front of the services share: a refusal shows on the form like any other invalid input;
the reason a person gives for a decision is asked the same way everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.forms import BaseForm
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


@contextmanager
def refusal_shown_on(form: BaseForm, field: str | None = None) -> Iterator[None]:
    """Around a service's ``check_*`` in a form's ``clean()``: the :class:`~core.errors.DomainError` it raises
    becomes an error of ``form``, on ``field`` or on the whole form, in the user's language."""
    try:
        yield
    except DomainError as error:
        form.add_error(field, str(error))


def reason_field(help_text: str | Promise = "") -> forms.CharField:
    """The reason given for a decision (a rejection, a suspension…): kept with the row's history, at most 500
    characters; ``help_text`` says who reads it."""
    return forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
    )
