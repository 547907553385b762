"""The employer's career register: its managers' grades, lending authority, compliance and history
(scope ``managers``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from career.selectors import register_of_employer
from hr_api.pagination import SyncCursorPagination
from hr_api.serializers.managers import ManagerSerializer

from .base import ApiView, get_owned_or_404, sync_list_schema


class ChangedOrder(SyncCursorPagination):
    """Oldest change first, where a row changes with its grade or with the bank's authority for it."""

    ordering = ("changed_at", "id")


class ManagerMixin:
    required_scope = "managers"

    def managers(self):
        return register_of_employer(self.employer_id)


class ManagerListView(ManagerMixin, ApiView):
    serializer_class = ManagerSerializer
    pagination_class = ChangedOrder

    @sync_list_schema(
        ManagerSerializer,
        summary="List managers",
        operation_id="managers_list",
        description="The employer's career register: each graded customer manager's class and level, lending "
        "authority, whether a certificate backs the grade, and the history of grades, oldest change first. "
        "`updated_since` also finds the rows whose amount in the bank's authority table changed. Scope `managers`.",
    )
    def get(self, request):
        return self.sync_list(self.managers().order_by(), ManagerSerializer, field="changed_at")


class ManagerDetailView(ManagerMixin, ApiView):
    serializer_class = ManagerSerializer

    @extend_schema(summary="Fetch a manager by employee id", description="Scope `managers`.")
    def get(self, request, employee: int):
        return Response(ManagerSerializer(get_owned_or_404(self.managers(), employee_id=employee)).data)
