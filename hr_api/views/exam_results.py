"""Published exam results of the client's employees."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from exams.selectors import results_of_employer
from hr_api.pagination import SyncCursorPagination
from hr_api.serializers.exam_results import ExamResultSerializer

from .base import ApiView, employee_filter, get_owned_or_404, sync_list_schema


class PublishedOrder(SyncCursorPagination):
    ordering = ("published_at", "id")


class ExamResultMixin:
    def results(self):
        return results_of_employer(self.employer_id).select_related("trainee__trainee_profile", "course", "attempt")


class ExamResultListView(ExamResultMixin, ApiView):
    serializer_class = ExamResultSerializer
    pagination_class = PublishedOrder

    @sync_list_schema(
        ExamResultSerializer,
        summary="List exam results",
        operation_id="exam_results_list",
        description="Published results (pass or fail, score, date) per employee and course, in publication "
        "order; `updated_since` filters on the publication time.",
        filters=[
            employee_filter("results"),
            OpenApiParameter("course", OpenApiTypes.STR, description="A course code, e.g. BCM-101."),
        ],
    )
    def get(self, request):
        results = self.results().order_by()
        if (employee_id := self.employee_id_param()) is not None:
            results = results.filter(trainee__trainee_profile__pk=employee_id)
        if course := request.query_params.get("course"):
            results = results.filter(course__code=course)
        return self.sync_list(results, ExamResultSerializer, field="published_at")


class ExamResultDetailView(ExamResultMixin, ApiView):
    serializer_class = ExamResultSerializer

    @extend_schema(summary="Fetch an exam result")
    def get(self, request, pk: int):
        return Response(ExamResultSerializer(get_owned_or_404(self.results(), pk=pk)).data)
