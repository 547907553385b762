"""The national catalog as the employers' API shows it: tiers, tracks, courses, curricula, open cohorts."""

from __future__ import annotations

from rest_framework import serializers

from courses.models import Cohort, Course, Curriculum, Tier, Track

from .base import ModelSerializer


class TierSerializer(ModelSerializer):
    class Meta:
        model = Tier
        fields = [
            "id",
            "code",
            "level",
            "name_zh",
            "name_en",
            "certificate_name_zh",
            "certificate_name_en",
            "has_tracks",
        ]


class TrackSerializer(ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "code", "name_zh", "name_en"]


class CourseSerializer(ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "code", "title_zh", "title_en"]


class CurriculumCourseSerializer(serializers.Serializer):
    code = serializers.CharField(source="course.code")
    title_zh = serializers.CharField(source="course.title_zh")
    title_en = serializers.CharField(source="course.title_en")
    role = serializers.CharField()


class CurriculumSerializer(ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    track = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    courses = CurriculumCourseSerializer(source="entries", many=True, read_only=True)
    teaching_days = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    exam_prep_days = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)

    class Meta:
        model = Curriculum
        fields = [
            "id",
            "tier",
            "track",
            "teaching_days",
            "teaching_hours",
            "exam_prep_days",
            "exam_prep_hours",
            "courses",
        ]


# The tier and track codes of the object's curriculum (track null for a tier without tracks). A comment, not a
# docstring: the schema would take a docstring for the description of every serializer that inherits it.
class CurriculumCodesSerializer(serializers.Serializer):
    tier = serializers.CharField(source="curriculum.tier.code", read_only=True)
    track = serializers.CharField(source="curriculum.track.code", read_only=True, allow_null=True, default=None)


class CohortSerializer(CurriculumCodesSerializer, ModelSerializer):
    institution = serializers.SlugRelatedField(slug_field="code", read_only=True)
    institution_name_zh = serializers.CharField(source="institution.name_zh", read_only=True)
    institution_name_en = serializers.CharField(source="institution.name_en", read_only=True)
    curriculum = serializers.PrimaryKeyRelatedField(read_only=True)
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = Cohort
        fields = [
            "id",
            "code",
            "institution",
            "institution_name_zh",
            "institution_name_en",
            "curriculum",
            "tier",
            "track",
            "status",
            "offers_face_to_face",
            "offers_remote",
            "offers_self_study",
            "starts_on",
            "ends_on",
            "city",
            "is_online",
            "capacity",
            "seats_left",
            "enrolment_opens_at",
            "enrolment_closes_at",
            "updated_at",
        ]

    def get_seats_left(self, cohort: Cohort) -> int:
        return max(0, cohort.capacity - cohort.seats_taken)
