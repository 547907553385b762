"""The one normalisation of a phone number a person, an institution's file or an HR system gives.

The profile page, the admin, the trainee import and the HR API all pass the number through
:func:`normalize_phone` (through :class:`PhoneNumberField`, :class:`PhoneFormField` or directly),
so that ``02-2345-6789``, ``(02)23456789`` and ``+886 2 2345 6789`` are stored alike and text that
is no phone number ("ask the branch", ``12345``) is refused with an example of what is meant.
Numbers in Taiwan are written as at home (``02 2345 6789``, ``0912 345 678``); others in their
international form (``+81 3-1234-5678``). An extension follows ``#`` (``分機``, ``轉`` and ``ext.``
are read as one). Parsing and the numbering plans are Google's libphonenumber (``phonenumbers``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.fields import NormalisedTextField
from core.forms import NormalisedCharField
from core.text_rules import refuse_control_characters

HOME_REGION = "TW"
PHONE_MAX_LENGTH = 30
PHONE_TYPED_MAX_LENGTH = 40  # typed with spaces and words, before normalising
EXTENSION_WORDS = ("分機", "轉")


def normalize_phone(value: object) -> str:
    """The number as stored, "" for no number; raises ``ValidationError`` (code ``phone``)."""
    raw = str(value or "")
    refuse_control_characters(raw)
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return ""
    for word in EXTENSION_WORDS:
        text = text.replace(word, "#")
    try:
        number = phonenumbers.parse(text, HOME_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(phone)s is not a phone number. Give one such as 02-2345-6789 or 0912-345-678 (an extension after #)."),
            code="phone",
            params={"phone": raw.strip()},
        )
    at_home = phonenumbers.region_code_for_number(number) == HOME_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if at_home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    shown = phonenumbers.format_number(number, style)
    if len(shown) > PHONE_MAX_LENGTH:
        raise ValidationError(
            _("A phone number has at most %(limit)s characters."), code="phone", params={"limit": PHONE_MAX_LENGTH}
        )
    return shown


def validate_phone(value: object) -> None:
    normalize_phone(value)


class PhoneFormField(NormalisedCharField):
    """A form's phone number: normalised, so the form's cleaned value is what is stored."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", PHONE_TYPED_MAX_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**{"normaliser": normalize_phone, **kwargs})


class PhoneNumberField(NormalisedTextField):
    """A phone number column; its admin and model forms normalise what is typed."""

    normaliser = staticmethod(normalize_phone)
    form_class = PhoneFormField
    typed_max_length = PHONE_TYPED_MAX_LENGTH

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        super().__init__(*args, **kwargs)
