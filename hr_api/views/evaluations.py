"""Evaluations of the client's employees (issue 19, item 5): list, and record in bulk by employee and period."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from career import selectors
from career.services import CareerError, evaluations
from hr_api.errors import batch_conflict
from hr_api.idempotency import IDEMPOTENCY_KEY, run_idempotently
from hr_api.serializers.evaluations import (
    EvaluationBulkResultSerializer,
    EvaluationBulkSerializer,
    EvaluationSerializer,
)

from .base import ApiView, employee_filter, sync_list_schema

# Where an item's refusal points (the service names the input); any other refusal is the item's own.
FIELDS = {"period", "scores", "employee"}
#: What an item can be refused with: career.services.evaluations' codes, and ``duplicate`` (this view's).
ITEM_CODES = (
    "not_employee",
    "deactivated",
    "no_scheme",
    "kind_not_used",
    "period_dates",
    "period_overlap",
    "unknown_dimension",
    "missing_score",
    "confirmed",
    "duplicate",
)


class EvaluationListView(ApiView):
    required_scope = "evaluations"
    batch_codes = {"POST": ITEM_CODES}
    serializer_class = EvaluationSerializer

    def evaluations(self):
        return selectors.evaluations_of_employer(self.employer_id)

    @sync_list_schema(
        EvaluationSerializer,
        summary="List evaluations",
        operation_id="evaluations_list",
        description="The employer's evaluations of its employees, oldest change first: each dimension's score, "
        "the weighted score, the level it supports and the move it proposes (and whether HR confirmed it). "
        "Pass `updated_since` to sync changes. Scope `evaluations`.",
        filters=[employee_filter("evaluations")],
    )
    def get(self, request):
        evaluations = self.evaluations()
        if (employee_id := self.employee_id_param()) is not None:
            evaluations = evaluations.filter(employee_id=employee_id)
        return self.sync_list(evaluations, EvaluationSerializer)

    @extend_schema(
        summary="Record evaluations in bulk",
        description="Up to 500 evaluations matched by employee and period: a new pair creates, a known one "
        "updates (the same scores again change nothing and count as `unchanged`). The period is one of a kind "
        "your active scheme uses; a period not seen before is added unless it overlaps another of its kind. "
        "Every dimension of the scheme is scored, 0 to 100 after rounding to two decimals (half up). The answer "
        "gives each evaluation's weighted score, supported level and proposed move; HR staff confirm a move "
        "in the portal. All of them or none: an item that breaks the schema answers 400; one that the "
        "employer's rows or the batch refuse answers 409 naming `evaluations[i].field` with its code "
        "(`not_employee` for an id that is not your employee, `deactivated`, `no_scheme`, `kind_not_used`, "
        "`period_dates` for a new period that is not its kind's whole months or starts before 2000-01-01 or after "
        "today, `period_overlap`, `unknown_dimension`, `missing_score`, `confirmed` for other scores "
        "of an evaluation whose move is confirmed, `duplicate`). Scope `evaluations`.",
        parameters=[IDEMPOTENCY_KEY],
        request=EvaluationBulkSerializer,
        responses={200: EvaluationBulkResultSerializer},
        examples=[
            OpenApiExample(
                "A quarter's scores",
                value={
                    "evaluations": [
                        {
                            "employee": 12,
                            "period": {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
                            "scores": {
                                "performance": 88,
                                "ethics": 95,
                                "basic_management": 80,
                                "credit": 84,
                                "service": 90,
                            },
                        }
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        def work():
            items = self.valid_body(EvaluationBulkSerializer)["evaluations"]
            errors: dict[int, dict] = {}
            recorded = []
            seen: set[tuple] = set()
            for index, item in enumerate(items):
                pair = (item["employee"], *item["period"].values())
                if pair in seen:
                    twice = _("This employee and period are in the batch twice.")
                    errors[index] = {"employee": [exceptions.ErrorDetail(str(twice), "duplicate")]}
                    continue
                seen.add(pair)
                try:
                    recorded.append(
                        evaluations.do_record_evaluation(
                            employer=self.client.employer,
                            employee_id=item["employee"],
                            kind=item["period"]["kind"],
                            starts_on=item["period"]["starts_on"],
                            ends_on=item["period"]["ends_on"],
                            scores=item["scores"],
                            by=None,
                        )
                    )
                except CareerError as error:
                    field = error.field if error.field in FIELDS else "non_field_errors"
                    errors[index] = {field: [exceptions.ErrorDetail(str(error.message), error.code)]}
            if errors:  # run_idempotently's transaction rolls back the items that passed
                raise batch_conflict("evaluations", len(items), errors)
            pks = [r.evaluation.pk for r in recorded]
            rows = {e.pk: e for e in selectors.evaluations_of_employer(self.employer_id).filter(pk__in=pks)}
            outcomes = [r.outcome for r in recorded]
            body = {
                "created": outcomes.count("created"),
                "updated": outcomes.count("updated"),
                "unchanged": outcomes.count("unchanged"),
                "evaluations": EvaluationSerializer([rows[pk] for pk in pks], many=True).data,
            }
            return Response(body, status=status.HTTP_200_OK)

        return run_idempotently(request, work)
