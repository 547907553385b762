"""Enrolments of the client's employees: list, fetch, enrol, withdraw."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from courses import selectors, services
from courses.models import Cohort, Enrolment
from hr_api.errors import refusal
from hr_api.idempotency import IDEMPOTENCY_KEY, run_idempotently
from hr_api.pagination import filter_updated_since
from hr_api.serializers.enrolments import EnrolmentSerializer, EnrolSerializer

from .base import ApiView, created, employee_filter, get_owned_or_404, sync_list_schema
from .employees import EmployeeMixin

# Refusals about the state of the cohort or enrolment are conflicts; the rest are bad input.
CONFLICT_CODES = (
    "full",
    "closed",
    "not_open_yet",
    "window_passed",
    "already_enrolled",
    "trainee_inactive",
    "not_authorized",
    "bad_state",
)
#: Enrolling is refused by the cohort's or the employee's state; withdrawing by the enrolment's.
WITHDRAW_CODES = ("bad_state",)
ENROL_CODES = tuple(code for code in CONFLICT_CODES if code not in WITHDRAW_CODES)

# The services word their refusals for the trainee ("You already have …"); the HR system reads
# its own wording, about its employee. The API never passes a service's message through: a code
# without a message here gets the generic one of its status.
HR_MESSAGES = {
    "already_enrolled": _("This employee already has an active enrolment in %(curriculum)s."),
    "trainee_inactive": _("This employee is deactivated, so they cannot be enrolled."),
    "full": _("Cohort %(cohort)s is full."),
    "closed": _("Cohort %(cohort)s is not open for enrolment."),
    "not_open_yet": _("Enrolment for cohort %(cohort)s opens at %(opens_at)s."),
    "window_passed": _("Enrolment for cohort %(cohort)s closed at %(closes_at)s."),
    "not_authorized": _(
        "The institution of cohort %(cohort)s is not authorized at the moment, so it takes no enrolments."
    ),
    "bad_state": _("This enrolment is %(state)s; only a pending, approved or in-training enrolment can be withdrawn."),
}
GENERIC_MESSAGES = {
    409: _("The cohort or the enrolment is not in a state that allows this."),
    400: _("The request cannot be carried out."),
}


def hr_message(code: str, *, cohort: Cohort, enrolment: Enrolment | None = None) -> str:
    """The HR system's wording of a refusal with ``code``, in the request's language."""
    status_code = 409 if code in CONFLICT_CODES else 400
    template = HR_MESSAGES.get(code)
    if template is None:
        return str(GENERIC_MESSAGES[status_code])
    return str(template) % {
        "cohort": cohort.code,
        "curriculum": cohort.curriculum,
        "opens_at": timezone.localtime(cohort.enrolment_opens_at).isoformat(timespec="seconds"),
        "closes_at": timezone.localtime(cohort.enrolment_closes_at).isoformat(timespec="seconds"),
        "state": enrolment.get_state_display() if enrolment is not None else "",
    }


def raise_training_error(error: services.TrainingError, *, cohort: Cohort, enrolment: Enrolment | None = None):
    detail = hr_message(error.code, cohort=cohort, enrolment=enrolment)
    raise refusal(error, conflicts=CONFLICT_CODES, detail=detail) from None


class EnrolmentMixin:
    def enrolments(self):
        return selectors.enrolments_of_employer(self.employer_id).select_related(
            "trainee__trainee_profile", "cohort", "curriculum__tier", "curriculum__track"
        )

    def represent(self, enrolments):
        progress = selectors.progress_of_many(list(enrolments))
        return EnrolmentSerializer(enrolments, many=True, context={"progress": progress}).data


class EnrolmentListView(EmployeeMixin, EnrolmentMixin, ApiView):
    required_scope = {"GET": "read", "POST": "enroll"}
    conflicts = {"POST": ENROL_CODES}
    serializer_class = EnrolmentSerializer

    @sync_list_schema(
        EnrolmentSerializer,
        summary="List enrolments",
        operation_id="enrollments_list",
        description="Enrolments of the employer's employees with hours owed and done per mode.",
        filters=[
            employee_filter("enrolments"),
            OpenApiParameter("state", OpenApiTypes.STR, enum=[s.value for s in Enrolment.State]),
        ],
    )
    def get(self, request):
        enrolments = self.enrolments().order_by()
        if (employee_id := self.employee_id_param()) is not None:
            enrolments = enrolments.filter(trainee__trainee_profile__pk=employee_id)
        if state := request.query_params.get("state"):  # one of the schema's enum (ApiView.initial)
            enrolments = enrolments.filter(state=state)
        enrolments = filter_updated_since(enrolments, request)
        page = self.paginate_queryset(enrolments)
        return self.get_paginated_response(self.represent(page))

    @extend_schema(
        summary="Enrol an employee in a cohort",
        description="The enrolment waits for the institution's approval. A full or closed cohort, an "
        "active enrolment in the same curriculum, or a deactivated employee answers 409 (`type` ends "
        "with the code: `full`, `closed`, `not_open_yet`, `window_passed`, `not_authorized`, "
        "`already_enrolled`, `trainee_inactive`). Scope `enroll`.",
        parameters=[IDEMPOTENCY_KEY],
        request=EnrolSerializer,
        responses={201: EnrolmentSerializer},
        examples=[OpenApiExample("Enrol", value={"employee": 42, "cohort": 7}, request_only=True)],
    )
    def post(self, request):
        def work():
            values = self.valid_body(EnrolSerializer)
            profile = self.employees().filter(pk=values["employee"]).first()
            if profile is None:
                raise exceptions.NotFound(_("No employee with this id."))
            cohort = Cohort.objects.select_related("institution", "curriculum").filter(pk=values["cohort"]).first()
            if cohort is None:
                raise exceptions.NotFound(_("No cohort with this id."))
            try:
                enrolment = services.do_enrol(trainee=profile.user, cohort=cohort, for_employer_id=self.employer_id)
            except services.TrainingError as error:
                raise_training_error(error, cohort=cohort)
            enrolment = self.enrolments().get(pk=enrolment.pk)
            return created(self.represent([enrolment])[0], "api:enrolment", enrolment.pk)

        return run_idempotently(request, work)


class EnrolmentDetailView(EnrolmentMixin, ApiView):
    serializer_class = EnrolmentSerializer

    @extend_schema(summary="Fetch an enrolment")
    def get(self, request, pk: int):
        return Response(self.represent([get_owned_or_404(self.enrolments(), pk=pk)])[0])


class EnrolmentWithdrawView(EnrolmentMixin, ApiView):
    required_scope = "enroll"
    conflicts = {"POST": WITHDRAW_CODES}
    serializer_class = EnrolmentSerializer

    @extend_schema(
        summary="Withdraw an enrolment",
        description="Frees the seat; only a pending, approved or in-training enrolment can be withdrawn "
        "(otherwise 409). Scope `enroll`.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request, pk: int):
        enrolment = get_owned_or_404(self.enrolments(), pk=pk)
        self.no_body()

        def work():
            try:
                services.do_withdraw_enrolment(enrolment=enrolment)
            except services.TrainingError as error:
                enrolment.refresh_from_db(fields=["state"])  # the state the service found
                raise_training_error(error, cohort=enrolment.cohort, enrolment=enrolment)
            return Response(self.represent([self.enrolments().get(pk=pk)])[0])

        return run_idempotently(request, work)
