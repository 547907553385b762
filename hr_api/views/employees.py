"""Employees of the client's employer: list, create, update, bulk upsert, deactivate, reactivate."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from accounts import employees
from accounts.models import TraineeProfile
from accounts.selectors import employees_of
from accounts.services import AccountError
from core.links import site_url
from hr_api.errors import batch_conflict, refusal
from hr_api.idempotency import IDEMPOTENCY_KEY, run_idempotently
from hr_api.selectors import stored_addresses
from hr_api.serializers.employees import (
    EmployeeBulkResultSerializer,
    EmployeeBulkSerializer,
    EmployeeCreateSerializer,
    EmployeeSerializer,
    EmployeeUpdateSerializer,
    numbers_sent,
)

from .base import ApiView, created, get_owned_or_404, sync_list_schema

# The employer's own rows refuse these (a number or an address another of its employees has): 409.
CONFLICT_CODES = ("employee_number_taken", "email_taken")
#: What a bulk item can be refused with (accounts.employees.do_upsert_employees; a test reads them from it).
BULK_ITEM_CODES = ("duplicate", "required", "email_taken")
#: What reactivating refuses (accounts.employees.do_reactivate_employee): 409.
REACTIVATE_CODES = ("employee_moved", "deactivated_by_program_office", "account_deleted")


class EmployeeMixin:
    def employees(self):
        """The employer's employees, each with the account it is about (``profile.user``)."""
        return employees_of(self.employer_id).select_related("user")


class EmployeeListView(EmployeeMixin, ApiView):
    required_scope = {"GET": "read", "POST": "enroll"}
    conflicts = {"POST": CONFLICT_CODES}
    serializer_class = EmployeeSerializer

    @sync_list_schema(
        EmployeeSerializer,
        summary="List employees",
        operation_id="employees_list",
        description="The employer's employees, oldest change first; pass `updated_since` to sync changes.",
    )
    def get(self, request):
        return self.sync_list(self.employees(), EmployeeSerializer)

    @extend_schema(
        summary="Register an employee",
        description="Creates a trainee account (the person sets a password through the reset link) "
        "tied to this employer. The answer is the same whether or not the address is new to the portal: "
        "when a person already has an account with it, they are asked by mail to move their record to "
        "this employer, and until they agree the employee looks like any new one. The employee number of an "
        "employee who moved to another employer (their deactivated row, which reactivating refuses with "
        "`employee_moved`) registers them again on that row: the answer is 201 with its `id`, and the person "
        "is asked by mail as above; nor does such a row's address refuse a registration under another number. "
        "Scope `enroll`.",
        parameters=[IDEMPOTENCY_KEY],
        request=EmployeeCreateSerializer,
        responses={201: EmployeeSerializer},
        examples=[
            OpenApiExample(
                "New employee",
                value={"employee_number": "E1001", "email": "chen@bank.example", "display_name": "陳怡君"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        def work():
            values = self.valid_body(EmployeeCreateSerializer)
            try:
                profile = employees.do_create_employee(
                    employer=self.client.employer, values=values, site_url=site_url()
                )
            except AccountError as error:
                raise refusal(error, conflicts=CONFLICT_CODES) from None
            return created(EmployeeSerializer(profile).data, "api:employee", profile.pk)

        return run_idempotently(request, work)


class EmployeeDetailView(EmployeeMixin, ApiView):
    required_scope = {"GET": "read", "PATCH": "enroll"}
    conflicts = {"PATCH": CONFLICT_CODES}
    serializer_class = EmployeeSerializer

    @extend_schema(summary="Fetch an employee", responses=EmployeeSerializer)
    def get(self, request, pk: int):
        return Response(EmployeeSerializer(get_owned_or_404(self.employees(), pk=pk)).data)

    @extend_schema(
        summary="Update an employee",
        description="Change any of the given fields. A new `email` replaces an unused log-in at once; a log-in "
        "in use changes once the person confirms it at their current address and verifies the new one "
        "(`pending_email` shows the request until then). A value as stored changes nothing: `updated_at` moves "
        "only when something changes. Scope `enroll`.",
        request=EmployeeUpdateSerializer,
        responses=EmployeeSerializer,
    )
    def patch(self, request, pk: int):
        profile = get_owned_or_404(self.employees(), pk=pk)
        values = self.valid_body(EmployeeUpdateSerializer, context={"stored_address": employees.shown_email(profile)})
        try:
            profile = employees.do_update_employee(profile=profile, values=values, site_url=site_url())
        except AccountError as error:
            raise refusal(error, conflicts=CONFLICT_CODES) from None
        return Response(EmployeeSerializer(profile).data)


class EmployeeSwitchView(EmployeeMixin, ApiView):
    """An employee switched off or on (:meth:`switch`): no body, the employee as answered, idempotent."""

    required_scope = "enroll"
    serializer_class = EmployeeSerializer

    def switch(self, profile: TraineeProfile) -> TraineeProfile:
        raise NotImplementedError

    def switched(self, request, pk: int) -> Response:
        profile = get_owned_or_404(self.employees(), pk=pk)
        self.no_body()
        return run_idempotently(request, lambda: Response(EmployeeSerializer(self.switch(profile)).data))


class EmployeeDeactivateView(EmployeeSwitchView):
    @extend_schema(
        summary="Deactivate an employee",
        description="The employment ends: the employee is deactivated here (`is_active` false, `updated_at` "
        "moves; a deactivated employee again changes nothing) and you no longer see their enrollments, exam results "
        "or certificates, nor are told of them. The person keeps their own account, and with it their log-in and "
        "records, no longer tied to you. An employee who is still a placeholder (their address's owner has not "
        "agreed yet) is deactivated and the request to the owner withdrawn. Scope `enroll`.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses=EmployeeSerializer,
    )
    def post(self, request, pk: int):
        return self.switched(request, pk)

    def switch(self, profile: TraineeProfile) -> TraineeProfile:
        return employees.do_deactivate_employee(profile=profile)


class EmployeeReactivateView(EmployeeSwitchView):
    conflicts = {"POST": REACTIVATE_CODES}

    @extend_schema(
        summary="Reactivate an employee",
        description="Undoes a deactivation made through this API: the person is your employee again (the same "
        "`id`) with their account and records, and can be enrolled; a new `email` you gave meanwhile waits for them "
        "(`pending_email`). An active employee changes nothing (`updated_at` stays). Their grade stays "
        "ended until you grade them again. Refused (409) for the row a person left behind when they moved to "
        "another employer, or when they have joined another employer since they left you (`employee_moved`: they "
        "are that employer's now, with their records; register them again to ask them back), for an employee the "
        "program office deactivated (`deactivated_by_program_office`: only it can reactivate them), and when the "
        "person no longer has an account on the portal (`account_deleted`). Scope `enroll`.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses=EmployeeSerializer,
    )
    def post(self, request, pk: int):
        return self.switched(request, pk)

    def switch(self, profile: TraineeProfile) -> TraineeProfile:
        try:
            return employees.do_reactivate_employee(profile=profile, site_url=site_url())
        except AccountError as error:
            raise refusal(error, conflicts=REACTIVATE_CODES) from None


class EmployeeBulkView(EmployeeMixin, ApiView):
    required_scope = "enroll"
    batch_codes = {"POST": BULK_ITEM_CODES}
    serializer_class = EmployeeBulkSerializer

    @extend_schema(
        summary="Create or update employees in bulk",
        description="Up to 500 employees matched by employee number: a known number updates, a new one "
        "creates (e-mail and name needed); each item's fields follow the rules of create and update, "
        "`email` included. A known number whose values are all as stored changes nothing (its `updated_at` "
        "stays) and counts as `unchanged`. All of them or none: an item that breaks the schema answers 400; one "
        "that the employer's rows or the batch itself refuse (an unknown number without `email` and `display_name`, a "
        "number or address twice, an address of another of your employees) answers 409; both with errors "
        "naming `employees[i].field`. Scope `enroll`.",
        parameters=[IDEMPOTENCY_KEY],
        request=EmployeeBulkSerializer,
        responses=EmployeeBulkResultSerializer,
    )
    def post(self, request):
        def work():
            stored = stored_addresses(self.employer_id, numbers_sent(request.data))
            values = self.valid_body(EmployeeBulkSerializer, context={"stored_addresses": stored})
            try:
                outcome = employees.do_upsert_employees(
                    employer=self.client.employer, items=values["employees"], site_url=site_url()
                )
            except employees.BulkRejected as rejected:
                # An unknown number without what a new employee needs, an address or number twice.
                raise batch_conflict(
                    "employees",
                    len(values["employees"]),
                    {
                        index: {e["field"]: [exceptions.ErrorDetail(e["message"], e["code"])] for e in refused}
                        for index, refused in rejected.errors.items()
                    },
                ) from None
            body = {
                "created": len(outcome.created),
                "updated": len(outcome.updated),
                "unchanged": len(outcome.unchanged),
                "employees": EmployeeSerializer(outcome.created + outcome.updated + outcome.unchanged, many=True).data,
            }
            return Response(body)

        return run_idempotently(request, work)
