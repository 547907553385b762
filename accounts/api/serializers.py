"""Input and output of the employee endpoints."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import TraineeProfile
from accounts.validators import refuse_control_characters

from . import schema as _schema  # noqa: F401 - registers the schema extensions of the fields below

MAX_BATCH = 500
LANGUAGES = [code for code, _name in settings.LANGUAGES]
CLASSES = [c for c, _l in TraineeProfile.ManagerClass.choices]


class Text(serializers.CharField):
    """A JSON string, no longer than ``max_length`` as sent (spaces at either end are then trimmed).

    DRF's CharField turns a number into text (``"phone": 912345678`` became "912345678") and
    measures the length after trimming; the schema promises a string of at most ``maxLength``
    characters, so this field keeps that promise (accounts.api.schema gives its pattern).
    """

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


def text(**kwargs) -> Text:
    """Free text about a person: no control or format characters (accounts.validators)."""
    return Text(validators=[refuse_control_characters], **kwargs)


def address(**kwargs) -> serializers.EmailField:
    return serializers.EmailField(max_length=254, validators=[refuse_control_characters], **kwargs)


# The JSON type each kind of input field takes. DRF is lenient (25 for "25", "true" for true,
# "7" for 7); the schema is not, and a client generated from it must meet the same server.
JSON_TYPES: tuple[tuple[type[serializers.Field], tuple[type, ...], str], ...] = (
    (serializers.BooleanField, (bool,), "boolean"),
    (serializers.IntegerField, (int,), "integer"),
    (serializers.CharField, (str,), "string"),
    (serializers.ChoiceField, (str,), "string"),
    (serializers.ListField, (list,), "array"),
    (serializers.ListSerializer, (list,), "array"),
    (serializers.Serializer, (dict,), "object"),
)
TYPE_MESSAGES = {
    "boolean": _("Give true or false (a JSON boolean)."),
    "integer": _("Give a whole number (a JSON number, not text)."),
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
            return str(TYPE_MESSAGES[name]) if wrong else None
    return None


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so that a typo never passes silently, and values of another JSON type."""

    # (The schema says so: additionalProperties false, and each field's type; accounts.api.schema.)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
            wrong = {
                name: [error]
                for name, field in self.fields.items()
                if name in data and not field.read_only and (error := json_type_error(field, data[name]))
            }
            if wrong:
                raise serializers.ValidationError(wrong, code="type")
        return super().to_internal_value(data)


class EmployeeSerializer(serializers.ModelSerializer):
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
            # A stand-in (accounts.api.services): the address the employer gave, as for anyone new.
            data["email"] = instance.listed_email
        return data


class EmployeeUpdateSerializer(StrictSerializer):
    employee_number = text(max_length=50)
    email = address(help_text="A new address: see `pending_email` for when it takes effect.")
    display_name = text(max_length=150)
    preferred_language = serializers.ChoiceField(choices=LANGUAGES)
    branch = text(max_length=200, allow_blank=True)
    manager_class = serializers.ChoiceField(choices=CLASSES, allow_blank=True)
    phone = text(max_length=30, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class EmployeeCreateSerializer(StrictSerializer):
    employee_number = text(max_length=50)
    email = address()
    display_name = text(max_length=150)
    preferred_language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    branch = text(max_length=200, allow_blank=True, required=False)
    manager_class = serializers.ChoiceField(choices=CLASSES, allow_blank=True, required=False)
    phone = text(max_length=30, allow_blank=True, required=False)


class EmployeeUpsertItemSerializer(EmployeeCreateSerializer):
    """One row of a bulk upsert: a known employee number updates, an unknown one creates."""

    email = address(required=False)
    display_name = text(max_length=150, required=False)


class EmployeeBulkSerializer(StrictSerializer):
    employees = EmployeeUpsertItemSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)


class EmployeeBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    employees = EmployeeSerializer(many=True)
