"""The national catalog (the same for every employer): tiers, tracks, courses, curricula, open cohorts."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema

from courses import selectors
from courses.models import Cohort, Course, Curriculum, CurriculumCourse, Tier, Track
from hr_api.pagination import IdCursorPagination
from hr_api.serializers.catalog import (
    CohortSerializer,
    CourseSerializer,
    CurriculumSerializer,
    TierSerializer,
    TrackSerializer,
)

from .base import TIER_TRACK_FILTERS, ApiView, sync_list_schema


def catalog_view(model_queryset, serializer, summary: str):
    class CatalogView(ApiView):
        pagination_class = IdCursorPagination
        serializer_class = serializer

        @extend_schema(
            summary=summary,
            description="The national catalog, the same for every employer.",
            responses=serializer(many=True),
        )
        def get(self, request):
            page = self.paginate_queryset(model_queryset())
            return self.get_paginated_response(serializer(page, many=True).data)

    CatalogView.__name__ = f"{serializer.__name__.removesuffix('Serializer')}CatalogView"
    return CatalogView


TierListView = catalog_view(Tier.objects.all, TierSerializer, "List tiers")
TrackListView = catalog_view(Track.objects.all, TrackSerializer, "List tracks")
CourseListView = catalog_view(Course.objects.all, CourseSerializer, "List courses")
CurriculumListView = catalog_view(
    lambda: Curriculum.objects.select_related("tier", "track").prefetch_related(
        Prefetch("entries", queryset=CurriculumCourse.objects.select_related("course").order_by("course__code"))
    ),
    CurriculumSerializer,
    "List curricula with their hour plans",
)


class CohortListView(ApiView):
    serializer_class = CohortSerializer

    @sync_list_schema(
        CohortSerializer,
        summary="List open cohorts",
        operation_id="catalog_cohorts_list",
        description="Cohorts open for enrolment, oldest change first.",
        filters=TIER_TRACK_FILTERS,
    )
    def get(self, request):
        cohorts = selectors.cohorts_with_catalog().filter(status=Cohort.Status.OPEN)
        cohorts = self.tier_track_filtered(cohorts, path="curriculum__")
        return self.sync_list(cohorts.order_by(), CohortSerializer)
