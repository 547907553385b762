"""What every input of the API is made of: text as sent, strict objects of JSON types.

The schema says the same (hr_api.schema: the patterns of text, additionalProperties false).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.converters import MAX_ID
from accounts.identifiers import clean_email, clean_employee_number, normalize_email
from accounts.phones import normalize_phone
from core.text_rules import (
    ADDRESS_CHARACTERS,
    refuse_address_in_name,
    refuse_control_characters,
    refuse_formula_start,
)
from hr_api import schema as _schema  # noqa: F401 - registers the schema extensions of the fields below

#: The code of :func:`core.text_rules.refuse_control_characters`, with what it means (the schema's words).
CONTROL_CHARACTER = {"control_character": "an invisible control or format character in the text"}
FORMULA_START = {"formula_start": "a first character a spreadsheet reads as a formula (= + - @; a lone - is taken)"}


class Text(serializers.CharField):
    """A JSON string, no longer than ``max_length`` as sent (spaces at either end are then trimmed).

    DRF's CharField turns a number into text (``"phone": 912345678`` became "912345678") and
    measures the length after trimming; the schema promises a string of at most ``maxLength``
    characters, so this field keeps that promise (hr_api.schema gives its pattern).

    ``error_codes``: the codes of the rules a field class checks beyond its schema's constraints (which
    answer DRF's codes: ``required``, ``blank``, ``max_length`` …), with what each means; the schema lists
    them in the 400 of every operation that takes the field (hr_api.schema).
    """

    error_codes: dict[str, str] = {}

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class FreeText(Text):
    """Free text about a person: no control or format characters (:func:`text`)."""

    error_codes = CONTROL_CHARACTER


def text(**kwargs) -> Text:
    """Free text about a person: no control or format characters (accounts.validators)."""
    return FreeText(validators=[refuse_control_characters], **kwargs)


class PersonName(FreeText):
    """A person's name: free text without a web or e-mail address (:func:`core.text_rules.refuse_address_in_name`:
    the name greets the person in the portal's mails)."""

    error_codes = {
        **CONTROL_CHARACTER,
        **FORMULA_START,
        "address_in_name": "a character of a web or e-mail address (@ / \\ :) in a name",
    }
    #: Refused besides control characters, which the schema's pattern says too (hr_api.schema).
    refused_characters = ADDRESS_CHARACTERS
    refuses_formula_start = True


def person_name(**kwargs) -> Text:
    return PersonName(validators=[refuse_address_in_name], **kwargs)


class Branch(FreeText):
    """A branch's name: free text that a spreadsheet would not take for a formula
    (:func:`core.text_rules.refuse_formula_start`)."""

    error_codes = {**CONTROL_CHARACTER, **FORMULA_START}
    refuses_formula_start = True


def branch_name(**kwargs) -> Text:
    return Branch(validators=[refuse_control_characters, refuse_formula_start], **kwargs)


class EmployeeNumber(Text):
    """An employee number, checked and stored as :func:`accounts.identifiers.clean_employee_number` does for every
    way one comes in (the admin, the imports): a refusal is a 400 naming the field, with the rule's code."""

    error_codes = {
        "employee_number": "not letters and digits with - _ . / between them (no spaces)",
        **CONTROL_CHARACTER,
    }

    def to_internal_value(self, data):
        try:
            return clean_employee_number(super().to_internal_value(data))
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.messages, code=refused.code) from None


def employee_number_field(**kwargs) -> EmployeeNumber:
    help_text = (
        "Letters and digits (of any script), with - _ . / between them and no spaces, else 400 with code "
        "`employee_number`. Compared and stored in one form: full-width characters folded, letters in capitals "
        "(a-1001 is A-1001)."
    )
    return EmployeeNumber(max_length=50, help_text=help_text, validators=[refuse_control_characters], **kwargs)


class Phone(Text):
    """A phone number, stored as :func:`accounts.phones.normalize_phone` writes it."""

    error_codes = {"phone": "not a number of a numbering plan"}

    def to_internal_value(self, data):
        return normalize_phone(super().to_internal_value(data))


def phone_number(**kwargs) -> Phone:
    help_text = (
        "A number of a numbering plan (libphonenumber's; Taiwan's by default), else 400 with code `phone`. "
        "Stored normalised: 02 2345 6789, 0912 345 678 (Taiwan), +81 3-1234-5678 (elsewhere); an extension after #."
    )
    return Phone(max_length=30, allow_blank=True, help_text=help_text, **kwargs)


def row_id(**kwargs) -> serializers.IntegerField:
    """A row's id in a request body: 1 to 2**63 - 1 (accounts.converters.MAX_ID, an int64 with its minimum and
    maximum in the schema), as in a path or a filter. Beyond it no row can have it: 400 naming the field,
    not the 404 or 409 of a row that is not there."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class Address(serializers.EmailField):
    """An e-mail address, checked and stored as :func:`accounts.identifiers.clean_email` does for every way one
    comes in (sign-up, the admin, the import): a refusal is a 400 naming the field, with the rule's code.

    The address stored for the employee the value is about (its serializer's ``stored_address``: the row a PATCH
    changes, the row a bulk item's number matches) is taken again as it is, normalised as every address is
    compared: an address stored before a rule (one that mixes scripts) must not make a bank's nightly full roster,
    which sends it back unchanged, refused. Any other address meets the rule.
    """

    error_codes = {
        "mixed_scripts": "a part of the domain mixes scripts (a Cyrillic е among Latin letters)",
        **CONTROL_CHARACTER,
    }

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        stored = getattr(self.parent, "stored_address", None)
        if stored and normalize_email(text) == normalize_email(stored):
            return normalize_email(stored)
        try:
            return clean_email(text)
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.messages, code=refused.code) from None


def address(**kwargs: Any) -> Address:
    help_text = kwargs.pop("help_text", "")
    rule = (
        "Compared and stored in one form: full-width characters folded, in lower case, an internationalised "
        "domain in its ASCII form (示範.test is xn--bizz5c.test). A part of the domain that mixes scripts (a "
        "Cyrillic е among Latin letters) is refused with code `mixed_scripts`."
    )
    return Address(max_length=254, help_text=f"{help_text} {rule}".strip(), **kwargs)


# The JSON type each kind of input field takes. DRF is lenient (25 for "25", "true" for true,
# "7" for 7); the schema is not, and a client generated from it must meet the same server.
JSON_TYPES: tuple[tuple[type[serializers.Field], tuple[type, ...], str], ...] = (
    (serializers.BooleanField, (bool,), "boolean"),
    (serializers.IntegerField, (int,), "integer"),
    (serializers.CharField, (str,), "string"),
    (serializers.ChoiceField, (str,), "string"),
    (serializers.ListField, (list,), "array"),
    (serializers.ListSerializer, (list,), "array"),
    (serializers.DictField, (dict,), "object"),
    (serializers.Serializer, (dict,), "object"),
)
TYPE_MESSAGES = {
    "boolean": _("Give true or false (a JSON boolean)."),
    "integer": _("Give a whole number (a JSON number, not text)."),
    "fraction": _("Give a whole number without a fraction part (2, not 2.0 or 2.5)."),
    "string": _("Give text (a JSON string, not a number or another type)."),
    "array": _("Give a list (a JSON array)."),
    "object": _("Give an object (a JSON object)."),
}


def json_type_error(field: serializers.Field, value: object) -> str | None:
    """The message for ``value`` when it is not of the JSON type ``field`` takes, else None."""
    if value is None:
        return None  # DRF's allow_null answers it
    for kind, types, name in JSON_TYPES:
        if isinstance(field, kind):
            if isinstance(field, serializers.ChoiceField) and not all(isinstance(c, str) for c in field.choices):
                return None
            wrong = not isinstance(value, types) or (name == "integer" and isinstance(value, bool))
            if wrong and name == "integer" and isinstance(value, float):
                return str(TYPE_MESSAGES["fraction"])  # a JSON number, 2.0 too: a whole number has no fraction part
            return str(TYPE_MESSAGES[name]) if wrong else None
    return None


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so that a typo never passes silently, and values of another JSON type."""

    # (The schema says so: additionalProperties false, and each field's type; hr_api.schema.)

    def to_internal_value(self, data):
        """The fields' values, or one 400 naming every bad field: each unknown one, each of another JSON type, and
        each whose value its rules refuse (a value of another type is not checked further: its type is the error).
        Only then the object's own rules (``validate``), which need every field valid."""
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        errors: dict[str, Any] = {}
        wrong = {
            name: [serializers.ErrorDetail(error, code="type")]
            for name, field in self.fields.items()
            if name in data and not field.read_only and (error := json_type_error(field, data[name]))
        }
        try:
            # (A field left out for its type answers "required" here when it is: its type error is the one kept.)
            value = super().to_internal_value({name: item for name, item in data.items() if name not in wrong})
        except serializers.ValidationError as refused:
            if not isinstance(refused.detail, dict):
                raise
            errors.update(refused.detail)
        else:
            if not wrong and not set(data) - set(self.fields):
                return value
        errors.update(wrong)
        for name in sorted(set(data) - set(self.fields)):
            errors[name] = [serializers.ErrorDetail(str(_("Unknown field.")), code="invalid")]
        raise serializers.ValidationError({name: errors[name] for name in [*self.fields, *errors] if name in errors})


# A change (PATCH): every field may be left out, and one given is checked as on creation. A comment, not a
# docstring: the schema would take a docstring for the description of every serializer inheriting it.
class EveryFieldOptional(serializers.Serializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


# DRF's, with every field built from a model field labelled by its ``verbose_name``, lazily. A comment, not a
# docstring: the schema would take a docstring for the description of every serializer inheriting it.
#
# DRF labels such a field only where the verbose name, in the language active when the serializer's fields are
# first built, differs from the field's name ("Status" is status's own name in English, 狀態 is not). A serializer
# made once a process (the ``responses`` of an ``extend_schema``, at import) kept the judgement of the first
# language, so a zh-hant schema generated after the English one lost its titles. The label, lazy, is read in each
# schema's language; the schema leaves out a title that only repeats the name, as before.
class ModelSerializer(serializers.ModelSerializer):
    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[Any, dict[str, Any]]:
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        return field_class, labelled(field_kwargs, model_field)

    def build_relational_field(self, field_name: str, relation_info: Any) -> tuple[Any, dict[str, Any]]:
        field_class, field_kwargs = super().build_relational_field(field_name, relation_info)
        return field_class, labelled(field_kwargs, relation_info.model_field)


def labelled(field_kwargs: dict[str, Any], model_field: Any) -> dict[str, Any]:
    """``field_kwargs`` with the lazy label of ``model_field`` (:class:`ModelSerializer`)."""
    if model_field is not None and getattr(model_field, "verbose_name", None) and "label" not in field_kwargs:
        field_kwargs["label"] = capfirst(model_field.verbose_name)
    return field_kwargs
