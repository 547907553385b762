"""The employer's career register: its managers' grades, lending authority, compliance and history
(scope ``managers``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from career.selectors import register_of_employer
from hr_api.pagination import SyncCursorPagination, parse_updated_since
from hr_api.parameters import invalid_choice
from hr_api.serializers.managers import ManagerSerializer

from .base import ApiView, get_owned_or_404, sync_list_schema


class ChangedOrder(SyncCursorPagination):
    """Oldest change first, where a row changes with its grade or with the bank's authority for it."""

    ordering = ("changed_at", "id")


#: The ``ended`` filter of the list (:func:`ended_filter`). Without it, a full read is the register as it was before
#: grades could be seen ending (current grades only: a client that ignores ``ended_at`` reads what it always read),
#: and an ``updated_since`` sync also gets the grades that ended since: the end is a change of the row, and a sync
#: that never saw it would keep the lending authority of someone who left the bank.
ENDED = OpenApiParameter(
    "ended",
    OpenApiTypes.BOOL,
    description="`true`: only grades that ended (`ended_at` set: the employee left the bank); `false`: only current "
    "grades. Left out: the current grades, and with `updated_since` also the grades that ended since then.",
)
BOOLEAN_VALUES = ("true", "false")


def ended_filter(request: Request) -> bool | None:
    """Which grades the list shows (``ended`` of :func:`~career.selectors.register_of_employer`): the ``ended``
    parameter's (``true`` or ``false``, another value 400 ``invalid_choice``); left out, current grades only, or
    with ``updated_since`` (a sync) both, so that the sync sees a grade end."""
    raw = request.query_params.get("ended")
    if raw:
        if raw not in BOOLEAN_VALUES:
            raise exceptions.ValidationError({"ended": [invalid_choice(list(BOOLEAN_VALUES))]})
        return raw == "true"
    return None if parse_updated_since(request) is not None else False


class ManagerMixin:
    required_scope = "managers"

    def managers(self, *, ended: bool | None = False):
        return register_of_employer(self.employer_id, ended=ended)


class ManagerListView(ManagerMixin, ApiView):
    serializer_class = ManagerSerializer
    pagination_class = ChangedOrder

    @sync_list_schema(
        ManagerSerializer,
        summary="List managers",
        operation_id="managers_list",
        description="The employer's career register: each graded customer manager's class and level, lending "
        "authority, whether a certificate backs the grade, and the history of grades, oldest change first. "
        "`updated_since` also finds the rows whose amount in the bank's authority table changed, and the grades "
        "that ended since then (`ended_at` set, `lending_authority` null: the employee left the bank); without it, "
        "only current grades are listed unless `ended` says otherwise. Scope `managers`.",
        filters=[ENDED],
    )
    def get(self, request):
        managers = self.managers(ended=ended_filter(request))
        return self.sync_list(managers.order_by(), ManagerSerializer, field="changed_at")


class ManagerDetailView(ManagerMixin, ApiView):
    serializer_class = ManagerSerializer

    @extend_schema(
        summary="Fetch a manager by employee id",
        description="A current grade; one that ended answers 404 (the list shows it, `ended=true`). Scope `managers`.",
    )
    def get(self, request, employee: int):
        return Response(ManagerSerializer(get_owned_or_404(self.managers(), employee_id=employee)).data)
