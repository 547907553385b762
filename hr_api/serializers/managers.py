"""The employer's career register as the API shows it: each manager's grade, lending authority,
compliance and history. Never an evaluation score: evaluations have their own endpoint."""

from __future__ import annotations

from rest_framework import serializers

from career.models import GradeChange, ManagerClass, ManagerGrade, ManagerLevel

from .base import ModelSerializer


class GradeChangeSerializer(ModelSerializer):
    from_class = serializers.ChoiceField(
        source="old_class", choices=ManagerClass.values, allow_null=True, help_text="null for a first grade."
    )
    from_level = serializers.ChoiceField(
        source="old_level", choices=ManagerLevel.values, allow_null=True, help_text="null for a first grade."
    )
    to_class = serializers.ChoiceField(source="new_class", choices=ManagerClass.values)
    to_level = serializers.ChoiceField(source="new_level", choices=ManagerLevel.values)
    reason = serializers.ChoiceField(choices=GradeChange.Reason.values)
    at = serializers.DateTimeField(source="changed_at")

    class Meta:
        model = GradeChange
        fields = ["from_class", "from_level", "to_class", "to_level", "reason", "note", "at"]
        read_only_fields = fields

    def to_representation(self, change: GradeChange) -> dict:
        data = super().to_representation(change)
        # A first grade comes from nothing: null, not "" (which no choice of the schema is).
        data["from_class"] = change.old_class or None
        data["from_level"] = change.old_level or None
        return data


class ManagerSerializer(ModelSerializer):
    employee = serializers.IntegerField(
        source="employee.pk", read_only=True, help_text="The employee's id in this API."
    )
    employee_number = serializers.CharField(source="employee.employee_number", read_only=True)
    manager_class = serializers.ChoiceField(choices=ManagerClass.values, read_only=True)
    level = serializers.ChoiceField(choices=ManagerLevel.values, read_only=True)
    since = serializers.DateField(read_only=True, help_text="In this grade since.")
    lending_authority = serializers.DecimalField(
        source="authority",
        max_digits=15,
        decimal_places=0,
        coerce_to_string=False,
        allow_null=True,
        read_only=True,
        help_text="The bank's lending authority for this class and level, in New Taiwan dollars (TWD); "
        "null while the bank's authority table has no amount for it, and for a grade that ended.",
    )
    compliant = serializers.BooleanField(
        read_only=True,
        help_text="Whether the employee's active certificates meet the program office's certificate rule "
        "for the grade. False since `non_compliant_since`; the event `manager.compliance_changed` tells each change.",
    )
    non_compliant_since = serializers.DateTimeField(read_only=True, allow_null=True)
    history = GradeChangeSerializer(
        source="changes", many=True, read_only=True, help_text="Every grade the employee entered, newest first."
    )
    updated_at = serializers.DateTimeField(
        source="changed_at",
        read_only=True,
        help_text="The last change of the row: the grade, its compliance, its end, or the bank's authority for it.",
    )
    ended_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the grade ended: the employee left the bank (moved to another, or was deactivated). From then "
        "on it carries no lending authority and is not in the register; null for a current grade. A grade given "
        "again later is current again (null).",
    )

    class Meta:
        model = ManagerGrade
        fields = [
            "employee",
            "employee_number",
            "manager_class",
            "level",
            "since",
            "lending_authority",
            "compliant",
            "non_compliant_since",
            "history",
            "updated_at",
            "ended_at",
        ]
        read_only_fields = fields
