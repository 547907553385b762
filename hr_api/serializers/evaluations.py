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


class Score(serializers.FloatField):
    """A score from 0 to 100 as a JSON number (not text: the schema says number), kept to two decimals
    (half up): the schema cannot say "two decimals", so more are rounded, never refused."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=100, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise serializers.ValidationError(str(_("Give a number (a JSON number, not text).")), code="type")
        if isinstance(data, int) and not 0 <= data <= 100:  # before float(), which a huge integer overflows
            self.fail("max_value" if data > 100 else "min_value", max_value=100, min_value=0)
        value = super().to_internal_value(data)
        if not 0 <= value <= 100:  # before quantize, which a huge float overflows (validators run after this)
            self.fail("max_value" if value > 100 else "min_value", max_value=100, min_value=0)
        return Decimal(str(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)

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
        help_text="A period of a kind your scheme uses; a new one is added when it overlaps no other of its kind."
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
