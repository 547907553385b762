"""Evaluations of the employer's employees: read, and recorded in bulk (issue 19, item 5)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from career.models import Evaluation, ManagerLevel, PeriodKind

from .base import ModelSerializer, StrictSerializer, row_id

MAX_BATCH = 500
HUNDREDTH = Decimal("0.01")
LEVELS = [level for level, _label in ManagerLevel.choices]


#: A score's bounds as sent: it is rounded to two decimals (half up) first, then it is 0 to 100 (README), so what
#: rounds to 0.00 or 100.00 is taken (-0.004, 100.004) and what rounds beyond is not (-0.005, 100.005). The schema
#: says so with exclusive bounds (:data:`SCORE_SCHEMA`), which a validator of the client's compares as the server does.
LOWEST, HIGHEST = Decimal("-0.005"), Decimal("100.005")
SCORE_SCHEMA = {
    "type": "number",
    "format": "double",
    "minimum": float(LOWEST),
    "exclusiveMinimum": True,
    "maximum": float(HIGHEST),
    "exclusiveMaximum": True,
    "description": "A score from 0 to 100, rounded to two decimals (half up) before it is checked: 99.995 and "
    "100.004 are 100.00, 100.005 is 100.01 and refused (`max_value`).",
}


@extend_schema_field(SCORE_SCHEMA)
class Score(serializers.FloatField):
    """A score from 0 to 100 as a JSON number (not text: the schema says number), kept to two decimals
    (half up): the schema cannot say "two decimals", so more are rounded, never refused. One rule: rounded
    first, then checked (:data:`LOWEST`, :data:`HIGHEST`)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise serializers.ValidationError(str(_("Give a number (a JSON number, not text).")), code="type")
        number = Decimal(data) if isinstance(data, int) else Decimal(str(data))  # exact, however large
        if number.is_nan():
            self.fail("invalid")
        if number <= LOWEST:  # before quantize, which a huge number overflows
            self.fail("min_value", min_value=0)
        if number >= HIGHEST:
            self.fail("max_value", max_value=100)
        return number.quantize(HUNDREDTH, rounding=ROUND_HALF_UP) + 0  # + 0: -0.00 is 0.00

    def to_representation(self, value):
        return float(value)


# An evaluation period, as an item names it and as an evaluation shows it. A comment, not a docstring: the
# schema would take a docstring for the description of every serializer inheriting it.
class PeriodFields(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PeriodKind.values)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class PeriodSerializer(PeriodFields, StrictSerializer):
    pass


class EvaluationItemSerializer(StrictSerializer):
    """One employee's scores for one period: a known employee and period update, a new pair creates."""

    employee = row_id(help_text="The employee's id in this API.")
    period = PeriodSerializer(
        help_text="A period of a kind your scheme uses; a new one is added when it overlaps no other of its kind, "
        "spans the whole months of its kind (monthly 1, quarterly 3, half_yearly 6, annual 12: from the first day of a "
        "month to the last day of its last month) and starts from 2000-01-01 to today (`period_dates` otherwise)."
    )
    scores = serializers.DictField(
        child=Score(),
        help_text="A score from 0 to 100 for every dimension of your scheme, by its code "
        "(`performance`, `ethics`, `basic_management`, `credit`, `service`, and any you added).",
    )


class EvaluationBulkSerializer(StrictSerializer):
    evaluations = EvaluationItemSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)


class EvaluationPeriodSerializer(PeriodFields):
    pass


class EvaluationSerializer(ModelSerializer):
    employee = serializers.IntegerField(source="employee_id", read_only=True)
    employee_number = serializers.CharField(source="employee.employee_number", read_only=True)
    scheme = serializers.CharField(source="period.scheme.name", read_only=True)
    period = EvaluationPeriodSerializer(read_only=True)
    scores = serializers.SerializerMethodField()
    weighted_score = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    supported_level = serializers.ChoiceField(
        choices=LEVELS, allow_blank=True, help_text="The highest level the weighted score reaches; empty: none."
    )
    grade_level = serializers.ChoiceField(
        choices=LEVELS,
        allow_blank=True,
        help_text="The employee's level when the evaluation was recorded; empty: no grade.",
    )
    proposed_level = serializers.ChoiceField(
        choices=LEVELS, allow_blank=True, help_text="The level the evaluation proposes moving to; empty: no move."
    )
    move = serializers.ChoiceField(
        choices=["promotion", "demotion"], allow_blank=True, help_text="`promotion`, `demotion` or empty."
    )
    confirmed_at = serializers.DateTimeField(
        allow_null=True, help_text="When HR staff confirmed the move as a grade change; null until then."
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "employee",
            "employee_number",
            "scheme",
            "period",
            "scores",
            "weighted_score",
            "supported_level",
            "grade_level",
            "proposed_level",
            "move",
            "confirmed_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=Score()))
    def get_scores(self, evaluation: Evaluation) -> dict:
        return {s.dimension.code: float(s.score) for s in evaluation.scores.all()}


class EvaluationBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    evaluations = EvaluationSerializer(many=True)
