"""Self-study the trainee logs on the dashboard, confirmed or rejected by the institution."""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.scoping import InstitutionScopedAdmin, institution_of
from core.admin_actions import RowPageShowsOnly, apply_to_each
from core.forms import reason_field
from courses import services
from courses.models import SelfStudyEntry

from .actions import ActionFormPages, counted, form_action
from .catalog import course_by_code
from .columns import date_column, number_column, person_column

# What each action says it did.
CONFIRMED = counted(
    ngettext_lazy("Confirmed %(count)d self-study entry.", "Confirmed %(count)d self-study entries.", "count")
)
REJECTED = counted(
    ngettext_lazy("Rejected %(count)d self-study entry.", "Rejected %(count)d self-study entries.", "count")
)


class SelfStudyRejectionForm(forms.Form):
    reason = reason_field(_("The trainee reads it on their dashboard, beside the entry."))


@admin.register(SelfStudyEntry)
class SelfStudyEntryAdmin(ActionFormPages, RowPageShowsOnly, InstitutionScopedAdmin):
    """An entry's page shows it (nothing on it is edited by hand); one awaiting confirmation has the buttons to
    confirm or reject it (the list's actions, on that one row: courses.admin.actions)."""

    institution_paths = ("enrolment__cohort__institution",)
    list_display = [
        date_column(SelfStudyEntry, "studied_on"),
        person_column(
            "enrolment.trainee", name="trainee", description=_("trainee"), ordering="enrolment__trainee__display_name"
        ),
        "cohort",
        course_by_code,
        number_column(SelfStudyEntry, "hours"),
        "what_was_studied",
        "status",
    ]
    list_filter = ["status", ("enrolment__cohort", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["enrolment__trainee", "enrolment__cohort", "course"]
    search_fields = ["enrolment__trainee__email", "enrolment__trainee__display_name", "note"]
    date_hierarchy = "studied_on"
    fields = [
        "enrolment", "course", "studied_on", "hours", "what_was_studied", "status", "decision_note", "decided_by",
        "decided_at", "created_at",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["confirm", "reject"]
    row_actions = {"confirm": _("Confirm"), "reject": _("Reject")}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the trainee logs self-study on the dashboard

    def has_delete_permission(self, request: HttpRequest, obj: SelfStudyEntry | None = None) -> bool:
        return False

    def row_actions_for(self, request: HttpRequest, obj: SelfStudyEntry) -> list[str]:
        return list(self.row_actions) if obj.status == SelfStudyEntry.Status.LOGGED else []

    @admin.display(description=_("what was studied"), ordering="note")
    def what_was_studied(self, obj: SelfStudyEntry) -> str:
        """The trainee's note, headed for staff (the model's label is the trainee's own "what I studied")."""
        return obj.note

    @admin.display(description=_("cohort"), ordering="enrolment__cohort__code")
    def cohort(self, obj: SelfStudyEntry) -> str:
        return obj.enrolment.cohort.code

    @admin.action(description=_("Confirm the selected self-study"), permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[SelfStudyEntry]) -> None:
        acting = institution_of(request.user)
        apply_to_each(
            self,
            request,
            queryset,
            lambda e: services.do_confirm_self_study(entry=e, by=request.user, acting_institution=acting),
            done=CONFIRMED,
        )

    @form_action(
        description=_("Reject the selected self-study"),
        form=SelfStudyRejectionForm,
        describe=lambda e: f"{e} · {e.course.code} · {e.get_status_display()}",
        related=("enrolment__trainee", "course"),
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[SelfStudyEntry], form: SelfStudyRejectionForm) -> None:
        """Asks for the reason first (the trainee reads it on their dashboard), then rejects."""
        reason, acting = form.cleaned_data["reason"], institution_of(request.user)
        apply_to_each(
            self,
            request,
            queryset,
            lambda e: services.do_reject_self_study(entry=e, reason=reason, by=request.user, acting_institution=acting),
            done=REJECTED,
        )
