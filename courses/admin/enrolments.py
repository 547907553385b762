"""Enrolments: read-only rows moved by actions (approve, reject with a reason, …) and the trainee import."""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import formats
from import_export.admin import ImportMixin

from accounts.imports import TraineeImportForm
from accounts.scoping import InstitutionScopedAdmin, institution_of, is_program_office
from courses import selectors, services
from courses.imports import TraineeEnrolmentResource
from courses.models import Enrolment

from .actions import apply_to_each, report_outcome


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The trainee reads it in the e-mail that tells them."),
    )


@admin.register(Enrolment)
class EnrolmentAdmin(ImportMixin, InstitutionScopedAdmin):
    institution_paths = ("cohort__institution",)
    resource_classes = [TraineeEnrolmentResource]
    import_form_class = TraineeImportForm
    import_formats = [formats.base_formats.CSV, formats.base_formats.XLSX]
    list_display = ["trainee", "cohort", "state", "hours_owed_display", "credited_hours", "created_at"]
    list_filter = ["state", "curriculum__tier", "curriculum__track", ("cohort", admin.RelatedOnlyFieldListFilter)]
    list_select_related = [
        "trainee",
        "cohort__institution",
        "cohort__curriculum__tier",
        "cohort__curriculum__track",
        "curriculum__tier",
        "curriculum__track",
    ]
    search_fields = ["trainee__email", "trainee__display_name", "cohort__code"]
    readonly_fields = [
        "trainee",
        "cohort",
        "curriculum",
        "state",
        "hours_owed_display",
        "credited_hours",
        "progress_display",
        "decided_by",
        "decided_at",
        "decision_note",
        "completed_at",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["approve", "reject", "start_training", "complete", "withdraw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # trainees enrol themselves; institutions import (see the import button)

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Institution staff who may change enrolments and register trainees, and the program office."""
        if not self.has_change_permission(request) or not request.user.has_perm("accounts.add_traineeprofile"):
            return False
        return is_program_office(request.user) or institution_of(request.user) is not None

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs) -> dict:
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs["institution"] = None if is_program_office(request.user) else institution_of(request.user)
        return kwargs

    def has_delete_permission(self, request: HttpRequest, obj: Enrolment | None = None) -> bool:
        return False  # history: withdraw instead

    @admin.display(description=_("hours owed"))
    def hours_owed_display(self, obj: Enrolment) -> str:
        if obj.teaching_hours_owed is None:
            return "—"
        return gettext("%(th)s h / %(td)s d + %(ph)s h / %(pd)s d") % {
            "th": obj.teaching_hours_owed,
            "td": floatformat(obj.teaching_days_owed, -1),
            "ph": obj.exam_prep_hours_owed,
            "pd": floatformat(obj.exam_prep_days_owed, -1),
        }

    @admin.display(description=_("progress"))
    def progress_display(self, obj: Enrolment) -> str:
        p = selectors.progress(obj)
        modes = ", ".join(f"{label} {floatformat(hours, -1)} h" for _mode, label, hours, _pct in p.modes)
        return gettext("%(done)s of %(owed)s hours (%(modes)s)") % {
            "done": floatformat(p.total_done, -1),
            "owed": p.owed if p.owed is not None else "—",
            "modes": modes,
        }

    @admin.action(description=_("Approve the selected enrolments"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        outcome = services.do_approve_enrolments(enrolments=list(queryset), by=request.user)
        report_outcome(self, request, len(outcome.done), outcome.refused)

    @admin.action(description=_("Reject the selected enrolments"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> TemplateResponse | None:
        """Asks for the reason first (the trainee reads it in the e-mail), then rejects."""
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reject the selected enrolments"),
                "opts": self.model._meta,
                "form": form,
                "enrolments": queryset.select_related("trainee", "cohort"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/courses/enrolment/reject.html", context)
        outcome = services.do_reject_enrolments(
            enrolments=list(queryset), by=request.user, reason=form.cleaned_data["reason"]
        )
        report_outcome(self, request, len(outcome.done), outcome.refused)
        return None

    @admin.action(description=_("Start training for the selected enrolments"), permissions=["change"])
    def start_training(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        apply_to_each(self, request, queryset, lambda e: services.do_start_training(enrolment=e))

    @admin.action(description=_("Mark the selected trainings complete"), permissions=["change"])
    def complete(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        apply_to_each(self, request, queryset, lambda e: services.do_complete_enrolment(enrolment=e))

    @admin.action(description=_("Withdraw the selected enrolments"), permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        apply_to_each(self, request, queryset, lambda e: services.do_withdraw_enrolment(enrolment=e, by=request.user))
