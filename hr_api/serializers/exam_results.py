"""Published exam results of the client's employees."""

from __future__ import annotations

from rest_framework import serializers

from exams.models import CourseResult

from .base import ModelSerializer
from .employees import TraineeEmployeeSerializer


class ExamResultSerializer(TraineeEmployeeSerializer, ModelSerializer):
    course = serializers.CharField(source="course.code", read_only=True)
    attempt_number = serializers.IntegerField(source="attempt.number", read_only=True)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    passed = serializers.BooleanField()

    class Meta:
        model = CourseResult
        fields = [
            "id",
            "employee",
            "employee_number",
            "course",
            "attempt_number",
            "score",
            "max_score",
            "percent",
            "passed",
            "published_at",
        ]
