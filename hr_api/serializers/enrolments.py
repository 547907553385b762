"""Enrolments of the employer's employees, with hours owed and done, and the enrolment request."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Enrolment

from .base import ModelSerializer, StrictSerializer, row_id
from .catalog import CurriculumCodesSerializer
from .employees import TraineeEmployeeSerializer


class HoursOwedSerializer(serializers.Serializer):
    teaching = serializers.IntegerField(allow_null=True)
    exam_prep = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    credited = serializers.IntegerField()


class HoursDoneSerializer(serializers.Serializer):
    face_to_face = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)
    remote = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)
    self_study = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)
    exam_prep = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)
    total = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)
    self_study_pending = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)


class EnrolmentHoursSerializer(serializers.Serializer):
    owed = HoursOwedSerializer()
    done = HoursDoneSerializer()


class EnrolmentSerializer(TraineeEmployeeSerializer, CurriculumCodesSerializer, ModelSerializer):
    cohort = serializers.PrimaryKeyRelatedField(read_only=True)
    cohort_code = serializers.CharField(source="cohort.code", read_only=True)
    hours = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "employee",
            "employee_number",
            "cohort",
            "cohort_code",
            "tier",
            "track",
            "state",
            "decision_note",
            "hours",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(EnrolmentHoursSerializer)
    def get_hours(self, enrolment: Enrolment) -> dict:
        progress = self.context["progress"][enrolment.pk]
        return EnrolmentHoursSerializer(
            {
                "owed": {
                    "teaching": enrolment.teaching_hours_owed,
                    "exam_prep": enrolment.exam_prep_hours_owed,
                    "total": enrolment.hours_owed,
                    "credited": enrolment.credited_hours,
                },
                "done": {
                    "face_to_face": progress.face_to_face,
                    "remote": progress.remote,
                    "self_study": progress.self_study,
                    "exam_prep": progress.exam_prep,
                    "total": progress.total_done,
                    "self_study_pending": progress.self_study_pending,
                },
            }
        ).data


class EnrolSerializer(StrictSerializer):
    employee = row_id(help_text="The employee's id.")
    cohort = row_id(help_text="An open cohort's id (see /catalog/cohorts/).")
