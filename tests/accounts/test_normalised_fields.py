"""One pair of fields for text that one normaliser puts in its stored form (core.fields, core.forms): the
phone number and the employee number are thin subclasses of it, at the import paths their migrations name,
and behave as each did alone (their own tests: test_phone_numbers.py, test_employee_numbers.py)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from accounts.identifiers import EmployeeNumberField, EmployeeNumberFormField
from accounts.models import TraineeProfile
from accounts.phones import PhoneFormField, PhoneNumberField
from core.fields import NormalisedTextField
from core.forms import NormalisedCharField


def as_code(value: object) -> str:
    """A made-up kind of text: letters, stored in capitals; anything else is refused."""
    text = str(value or "").strip()
    if text and not text.isalpha():
        raise ValidationError("letters only", code="code")
    return text.upper()


class CodeField(NormalisedTextField):
    normaliser = staticmethod(as_code)


def test_the_form_field_gives_the_stored_form_and_the_normalisers_refusal():
    field = NormalisedCharField(normaliser=as_code, max_length=10)
    assert field.clean(" abc ") == "ABC"
    with pytest.raises(ValidationError) as refused:
        field.clean("ab1")
    assert refused.value.code == "code"


def test_the_form_field_still_checks_its_length_and_requirement():
    field = NormalisedCharField(normaliser=as_code, max_length=3)
    with pytest.raises(ValidationError) as refused:
        field.clean("abcd")
    assert refused.value.error_list[0].code == "max_length"
    with pytest.raises(ValidationError) as refused:
        field.clean("")
    assert refused.value.code == "required"


def test_a_model_field_makes_its_forms_with_its_normaliser_and_validates_with_it():
    column = CodeField(max_length=10)
    formfield = column.formfield()
    assert isinstance(formfield, NormalisedCharField) and formfield.max_length == 10
    assert formfield.clean("xyz") == "XYZ"
    with pytest.raises(ValidationError):
        column.run_validators("x-1")
    column.run_validators("XYZ")
    assert column.deconstruct()[1] == "tests.accounts.test_normalised_fields.CodeField"


def test_the_phone_and_employee_number_pairs_are_the_generic_pair():
    assert issubclass(PhoneNumberField, NormalisedTextField) and issubclass(PhoneFormField, NormalisedCharField)
    assert issubclass(EmployeeNumberField, NormalisedTextField)
    assert issubclass(EmployeeNumberFormField, NormalisedCharField)


def test_the_columns_keep_what_their_migrations_say():
    phone = TraineeProfile._meta.get_field("phone")
    number = TraineeProfile._meta.get_field("employee_number")
    assert phone.deconstruct()[1:] == (
        "accounts.phones.PhoneNumberField",
        [],
        {"verbose_name": phone.verbose_name, "max_length": 30, "blank": True},
    )
    assert number.deconstruct()[1] == "accounts.identifiers.EmployeeNumberField"
    assert number.deconstruct()[3]["max_length"] == 50


def test_the_model_forms_normalise_as_before():
    form = forms.modelform_factory(TraineeProfile, fields=["phone", "employee_number"])
    phone, number = form.base_fields["phone"], form.base_fields["employee_number"]
    assert isinstance(phone, PhoneFormField) and phone.max_length == 40  # typed with spaces, before normalising
    assert phone.widget.input_type == "tel"
    assert isinstance(number, EmployeeNumberFormField) and number.max_length == 50
    assert phone.clean("(02)23456789") == "02 2345 6789"
    assert number.clean(" Ａ－１００１ ") == "A-1001"
    with pytest.raises(ValidationError) as refused:
        phone.clean("ask the branch")
    assert refused.value.code == "phone"


def test_the_model_refuses_a_phone_number_set_without_a_form():
    column = TraineeProfile._meta.get_field("phone")
    with pytest.raises(ValidationError) as refused:
        column.run_validators("ask the branch")
    assert refused.value.error_list[0].code == "phone"
