"""What the forms in front of the services share: a refusal shows on the form like any other invalid input;
the reason a person gives for a decision is asked the same way everywhere; text that one normaliser turns
into its stored form is normalised at the field; a date is picked with the browser's date picker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.forms import BaseForm
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.text_rules import refuse_control_characters_in_text


class DatePickerInput(forms.DateInput):
    """The browser's date picker (``<input type="date">``). Its value is always written YYYY-MM-DD: the page's
    own format (Traditional Chinese: 2026/12/05) is one the browser refuses, showing an empty field."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


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
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
        # Read by others (a holder's page, a trainee's e-mail): a bidirectional control would show them other text.
        validators=[refuse_control_characters_in_text],
    )


class NormalisedCharField(forms.CharField):
    """Text that ``normaliser`` turns into what is stored, once, at the field: the form's cleaned value is the
    stored form, and the ``ValidationError`` the normaliser raises (saying what is meant) is the field's error.

    ``normaliser`` takes what was typed (after ``CharField``'s own cleaning) and returns the stored form.
    A field of one kind of text (a phone number…) is a subclass that passes its normaliser; the model's
    :class:`core.fields.NormalisedTextField` makes its forms with it.
    """

    def __init__(self, *, normaliser: Callable[[object], str], **kwargs: Any) -> None:
        self.normaliser = normaliser
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return self.normaliser(super().to_python(value))
