"""Input and output of the employee endpoints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from accounts.identifiers import normalize_employee_number
from accounts.models import TraineeProfile

from .base import (
    EveryFieldOptional,
    ModelSerializer,
    StrictSerializer,
    address,
    branch_name,
    employee_number_field,
    person_name,
    phone_number,
)

MAX_BATCH = 500
LANGUAGES = [code for code, _name in settings.LANGUAGES]
CLASSES = [c for c, _l in TraineeProfile.ManagerClass.choices]


# The employee a trainee's record is about: their id in this API and their employer's number for them. A
# comment, not a docstring: the schema would take a docstring for the description of every serializer inheriting it.
class TraineeEmployeeSerializer(serializers.Serializer):
    employee = serializers.IntegerField(source="trainee.trainee_profile.pk", read_only=True)
    employee_number = serializers.CharField(source="trainee.trainee_profile.employee_number", read_only=True)


class EmployeeSerializer(ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text="The employee's id in this API.")
    email = serializers.EmailField(
        source="user.email", read_only=True, help_text="The address you gave; the person's log-in once it is theirs."
    )
    pending_email = serializers.EmailField(
        read_only=True,
        allow_blank=True,  # "" when none waits: the schema says "an address or empty"
        help_text="A new address you asked for that waits for the person: they confirm at their current address "
        "and verify the new one, then it becomes `email`. Empty otherwise.",
    )
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    preferred_language = serializers.CharField(source="user.preferred_language", read_only=True)
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    manager_class = serializers.ChoiceField(choices=CLASSES, allow_blank=True, read_only=True)

    class Meta:
        model = TraineeProfile
        fields = [
            "id",
            "employee_number",
            "email",
            "display_name",
            "preferred_language",
            "branch",
            "manager_class",
            "phone",
            "pending_email",
            "is_active",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.listed_email:
            # A stand-in (accounts.employees): the address the employer gave, as for anyone new.
            data["email"] = instance.listed_email
        return data


# A change of an employee; its ``stored_address`` (context) is the one the row has (base.Address). A comment, not a
# docstring: the schema would take a docstring for the serializer's description.
class EmployeeUpdateSerializer(EveryFieldOptional, StrictSerializer):
    employee_number = employee_number_field()
    email = address(help_text="A new address: see `pending_email` for when it takes effect.")
    display_name = person_name(max_length=150)
    preferred_language = serializers.ChoiceField(choices=LANGUAGES)
    branch = branch_name(max_length=200, allow_blank=True)
    manager_class = serializers.ChoiceField(choices=CLASSES, allow_blank=True)
    phone = phone_number()

    @property
    def stored_address(self) -> str | None:
        return self.context.get("stored_address")


class EmployeeCreateSerializer(StrictSerializer):
    employee_number = employee_number_field()
    email = address()
    display_name = person_name(max_length=150)
    preferred_language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    branch = branch_name(max_length=200, allow_blank=True, required=False)
    manager_class = serializers.ChoiceField(choices=CLASSES, allow_blank=True, required=False)
    phone = phone_number(required=False)


class EmployeeUpsertItemSerializer(EmployeeCreateSerializer):
    """One row of a bulk upsert: a known employee number updates, an unknown one creates."""

    email = address(required=False)
    display_name = person_name(max_length=150, required=False)

    #: The address stored for the employee the item being read is about (:class:`base.Address`), from the
    #: ``stored_addresses`` of the context (by employee number): set for each item in turn.
    stored_address: str | None = None

    def to_internal_value(self, data: Any) -> Any:
        number = data.get("employee_number") if isinstance(data, dict) else None
        stored = self.context.get("stored_addresses", {})
        self.stored_address = stored.get(normalize_employee_number(number)) if isinstance(number, str) else None
        try:
            return super().to_internal_value(data)
        finally:
            self.stored_address = None


class EmployeeBulkSerializer(StrictSerializer):
    employees = EmployeeUpsertItemSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)


def numbers_sent(data: object) -> list[object]:
    """The employee numbers of a bulk body as sent, before it is validated (what is not a batch gives none)."""
    items = data.get("employees") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [item.get("employee_number") for item in items[:MAX_BATCH] if isinstance(item, dict)]


class EmployeeBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    employees = EmployeeSerializer(many=True)
