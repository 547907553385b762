"""Enrolments: read-only rows moved by actions (approve, reject with a reason, …) and the trainee import."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext, ngettext_lazy, pgettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.results import RowResult

from accounts.imports.confirm import ConfirmOwnPreviewMixin
from accounts.imports.reader import TraineeImportForm
from accounts.models import TraineeProfile, User
from accounts.scoping import InstitutionScopedAdmin, institution_of, is_program_office
from core.admin_actions import RowPageShowsOnly, apply_to_each
from core.admin_input import AutocompleteSelect
from core.forms import reason_field
from courses import selectors, services
from courses.imports import EnrolmentImportResult, TraineeEnrolmentResource
from courses.models import Cohort, Enrolment
from courses.templatetags.hours import class_hours

from .actions import ActionFormPages, counted, form_action, report_outcome
from .cohorts import cohort_by_code
from .columns import date_column, number_column, person_column
from .filters import TrackFilter


class RejectionForm(forms.Form):
    reason = reason_field(_("Sent to the trainee in the e-mail that tells them the enrolment was not approved."))


class WithdrawalForm(forms.Form):
    reason = reason_field(
        _(
            "Sent to the trainee in the e-mail that tells them the enrolment was withdrawn, and shown on their "
            "dashboard."
        )
    )


def trainee_label(user: User) -> str:
    return f"{user.display_name} <{user.email}>"


def enrolment_line(enrolment: Enrolment) -> str:
    """An enrolment's line on the pages that ask the reason first (reject, withdraw): its trainee, cohort and state
    (the pages select its ``trainee`` and ``cohort``)."""
    return f"{enrolment.trainee} · {enrolment.cohort.code} · {enrolment.get_state_display()}"


class TraineeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return trainee_label(obj)


class TraineeSearch(AutocompleteSelect):
    """The trainee, found by typing (an institution has hundreds): Django's Select2 autocomplete, asking the
    enrol page's own search (:class:`TraineeAutocompleteView`) instead of the admin-wide one."""

    def __init__(self, admin_site: admin.AdminSite) -> None:
        super().__init__(Enrolment._meta.get_field("trainee"), admin_site)

    def get_url(self) -> str:
        return reverse(f"{self.admin_site.name}:courses_enrolment_enrol_trainees")


class TraineeAutocompleteView(AutocompleteJsonView):
    """The trainees the enrol page finds: the trainee admin's search over the trainee admin's rows, so an
    institution's staff find their institution's trainees only (as the form accepts only them), each
    answered by the account the enrolment names."""

    def process_request(self, request: HttpRequest) -> tuple:
        trainees = self.admin_site.get_model_admin(TraineeProfile)
        return request.GET.get("term", ""), trainees, Enrolment._meta.get_field("trainee"), "user_id"

    def get_queryset(self) -> QuerySet[TraineeProfile]:
        rows = self.model_admin.get_queryset(self.request).select_related("user")
        rows, distinct = self.model_admin.get_search_results(self.request, rows, self.term)
        return (rows.distinct() if distinct else rows).order_by("user__display_name", "user__email", "pk")

    def serialize_result(self, obj: TraineeProfile, to_field_name: str) -> dict[str, str]:
        return {"id": str(obj.user_id), "text": trainee_label(obj.user)}


class ManualEnrolmentForm(forms.Form):
    """A trainee and a cohort, each chosen among the rows the staff member's admin shows (the trainee
    by typing part of their name or address)."""

    trainee = TraineeChoiceField(label=_("Trainee"), queryset=User.objects.none())
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none())

    def __init__(
        self, *args, trainees: QuerySet[User], cohorts: QuerySet[Cohort], admin_site: admin.AdminSite, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainee"].widget = TraineeSearch(admin_site)
        self.fields["trainee"].queryset = trainees
        self.fields["cohort"].queryset = cohorts


# What each action says it did.
APPROVED = counted(ngettext_lazy("Approved %(count)d enrolment.", "Approved %(count)d enrolments.", "count"))
REJECTED = counted(ngettext_lazy("Rejected %(count)d enrolment.", "Rejected %(count)d enrolments.", "count"))
TRAINING_STARTED = counted(
    ngettext_lazy("Started training for %(count)d enrolment.", "Started training for %(count)d enrolments.", "count")
)
COMPLETED = counted(
    ngettext_lazy("Marked %(count)d training complete.", "Marked %(count)d trainings complete.", "count")
)
WITHDRAWN = counted(ngettext_lazy("Withdrew %(count)d enrolment.", "Withdrew %(count)d enrolments.", "count"))


# Which field of the form a refusal of ``services.check_enrol`` is about.
TRAINEE_REFUSALS = {"already_enrolled", "trainee_inactive"}


@admin.register(Enrolment)
class EnrolmentAdmin(ActionFormPages, RowPageShowsOnly, ConfirmOwnPreviewMixin, ImportMixin, InstitutionScopedAdmin):
    """An enrolment's page shows it (nothing on it is edited by hand); a pending one's has the buttons to approve it
    or not (the list's actions, on that one row: courses.admin.actions)."""

    institution_paths = ("cohort__institution",)
    resource_classes = [TraineeEnrolmentResource]
    import_form_class = TraineeImportForm
    list_display = [
        # The address shown too: staff approve the trainees a class list named by address (two may share a name).
        person_column(
            "trainee", name="trainee", description=_("trainee"), ordering="trainee__display_name", address_below=True
        ),
        cohort_by_code,
        "state",
        "hours_owed_display",
        number_column(Enrolment, "credited_hours", short=_("credited")),
        date_column(Enrolment, "created_at"),
    ]
    list_filter = [
        "state", "curriculum__tier", ("curriculum__track", TrackFilter), ("cohort", admin.RelatedOnlyFieldListFilter)
    ]  # fmt: skip
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
        "withdrawn_at",
        "withdrawal_reason",
        "completed_at",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["approve", "reject", "start_training", "complete", "withdraw"]
    row_actions = {"approve": _("Approve"), "reject": _("Not approve")}

    import_export_change_list_template = "admin/courses/enrolment/change_list.html"  # adds "Enrol a trainee"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # trainees enrol themselves; staff import or enrol one (see the buttons)

    def row_actions_for(self, request: HttpRequest, obj: Enrolment) -> list[str]:
        return list(self.row_actions) if obj.state == Enrolment.State.PENDING else []

    def has_enrol_permission(self, request: HttpRequest) -> bool:
        """Staff who may change enrolments: the program office, or an institution's staff."""
        if not self.has_change_permission(request):
            return False
        return is_program_office(request.user) or institution_of(request.user) is not None

    def get_urls(self) -> list:
        enrol = path("enrol/", self.admin_site.admin_view(self.enrol_view), name="courses_enrolment_enrol")
        trainees = path(
            "enrol/trainees/",
            self.admin_site.admin_view(self.trainee_search_view),
            name="courses_enrolment_enrol_trainees",
        )
        return [enrol, trainees, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {**(extra_context or {}), "has_enrol_permission": self.has_enrol_permission(request)}
        return super().changelist_view(request, extra_context)

    def enrol_view(self, request: HttpRequest) -> HttpResponse:
        """Enrol one trainee in one cohort through ``services.do_enrol`` (the rules of the
        trainee's own enrolment, the import and the API); a refusal is the form's error."""
        if not self.has_enrol_permission(request):
            raise PermissionDenied
        office = is_program_office(request.user)
        institution = None if office else institution_of(request.user)
        profiles = self.admin_site._registry[TraineeProfile].get_queryset(request)
        trainees = User.objects.filter(trainee_profile__in=profiles).order_by("display_name", "email")
        cohorts = (
            self.admin_site._registry[Cohort]
            .get_queryset(request)
            .exclude(status=Cohort.Status.FINISHED)
            .select_related("curriculum__tier", "curriculum__track")
            .order_by("-starts_on", "code")
        )
        form = ManualEnrolmentForm(request.POST or None, trainees=trainees, cohorts=cohorts, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            trainee, cohort = form.cleaned_data["trainee"], form.cleaned_data["cohort"]
            try:
                enrolment = services.do_enrol(
                    trainee=trainee, cohort=cohort, acting_institution=institution, on_behalf=True
                )
            except services.TrainingError as error:
                form.add_error("trainee" if error.code in TRAINEE_REFUSALS else "cohort", str(error))
            else:
                self.message_user(
                    request,
                    gettext("%(trainee)s is enrolled in %(cohort)s, pending approval.")
                    % {"trainee": trainee, "cohort": cohort.code},
                    messages.SUCCESS,
                )
                return redirect("admin:courses_enrolment_change", enrolment.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrol a trainee"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/courses/enrolment/enrol.html", context)

    def trainee_search_view(self, request: HttpRequest) -> HttpResponse:
        """The enrol page's trainee search (Select2's JSON), for those who may enrol."""
        if not self.has_enrol_permission(request):
            raise PermissionDenied
        return TraineeAutocompleteView.as_view(admin_site=self.admin_site)(request)

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Institution staff who may change enrolments and register trainees, and the program office."""
        if not self.has_change_permission(request) or not request.user.has_perm("accounts.add_traineeprofile"):
            return False
        return is_program_office(request.user) or institution_of(request.user) is not None

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs) -> dict:
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs["institution"] = None if is_program_office(request.user) else institution_of(request.user)
        return kwargs

    def add_success_message(self, result: EnrolmentImportResult, request: HttpRequest) -> None:
        """What the import did, counted as it is named: the trainees it enrolled (all rows or none), how many
        of them were new to the portal, and the rows whose trainee was enrolled in that cohort already
        (courses.imports). (import-export's own summary counts the rows of trainees new and updated, under the
        name "enrolments".)"""
        enrolled = result.enrolments_made
        registered = result.totals[RowResult.IMPORT_TYPE_NEW]
        summary = ngettext(
            "Import finished: %(count)d trainee enrolled, pending approval; %(new)d of them newly registered.",
            "Import finished: %(count)d trainees enrolled, pending approval; %(new)d of them newly registered.",
            enrolled,
        ) % {"count": enrolled, "new": registered}
        if result.already_enrolled:
            summary += " " + ngettext(
                "%(count)d trainee was enrolled in that cohort already and was not enrolled again.",
                "%(count)d trainees were enrolled in their cohorts already and were not enrolled again.",
                result.already_enrolled,
            ) % {"count": result.already_enrolled}
        messages.success(request, summary)

    def has_delete_permission(self, request: HttpRequest, obj: Enrolment | None = None) -> bool:
        return False  # history: withdraw instead

    @admin.display(description=_("hours owed"))
    def hours_owed_display(self, obj: Enrolment) -> str:
        """Teaching hours / days + exam preparation's, each part kept on one line (a list's narrow column broke
        "48 h / 6 d + 8 h / 1 d" after every word)."""
        if obj.teaching_hours_owed is None:
            return "—"
        owed = gettext("%(th)s h / %(td)s d + %(ph)s h / %(pd)s d") % {
            "th": obj.teaching_hours_owed,
            "td": floatformat(obj.teaching_days_owed, -1),
            "ph": obj.exam_prep_hours_owed,
            "pd": floatformat(obj.exam_prep_days_owed, -1),
        }
        return format_html_join(" + ", '<span class="no-break">{}</span>', ((part,) for part in owed.split(" + ")))

    @admin.display(description=_("progress"))
    def progress_display(self, obj: Enrolment) -> str:
        """The hours done of those owed, then by mode, each figure with the unit of training hours (課時) that the
        trainee's own pages use (``courses.templatetags.hours.class_hours``)."""
        p = selectors.progress(obj)
        each = (f"{label} {class_hours(hours)}" for _mode, label, hours, _pct in p.modes)
        modes = pgettext("list separator", ", ").join(each)
        done = floatformat(p.total_done, -1)
        if p.owed is None:  # fixed at approval
            return pgettext("class hours", "%(done)s h done (%(modes)s)") % {"done": done, "modes": modes}
        return pgettext("class hours", "%(done)s of %(owed)s h (%(modes)s)") % {
            "done": done,
            "owed": floatformat(p.owed, -1),
            "modes": modes,
        }

    @admin.action(description=_("Approve the selected enrolments"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        outcome = services.do_approve_enrolments(enrolments=list(queryset), by=request.user)
        report_outcome(self, request, outcome, APPROVED)

    @form_action(
        description=_("Reject the selected enrolments"),
        form=RejectionForm,
        describe=enrolment_line,
        related=("trainee", "cohort"),
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[Enrolment], form: RejectionForm) -> None:
        """Asks for the reason first (the trainee reads it in the e-mail), then rejects."""
        outcome = services.do_reject_enrolments(
            enrolments=list(queryset), by=request.user, reason=form.cleaned_data["reason"]
        )
        report_outcome(self, request, outcome, REJECTED)

    @admin.action(description=_("Start training for the selected enrolments"), permissions=["change"])
    def start_training(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        apply_to_each(self, request, queryset, lambda e: services.do_start_training(enrolment=e), done=TRAINING_STARTED)

    @admin.action(description=_("Mark the selected trainings complete"), permissions=["change"])
    def complete(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        apply_to_each(self, request, queryset, lambda e: services.do_complete_enrolment(enrolment=e), done=COMPLETED)

    @form_action(
        description=_("Withdraw the selected enrolments"),
        form=WithdrawalForm,
        describe=enrolment_line,
        related=("trainee", "cohort"),
        intro=_(
            "Each trainee gives up their seat and is e-mailed the reason; the hours recorded stay on the withdrawn "
            "enrolment. Withdrawing cannot be undone."
        ),
    )
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Enrolment], form: WithdrawalForm) -> None:
        """Asks for the reason first (the trainee reads it in the e-mail and on their dashboard), then withdraws."""
        outcome = services.do_withdraw_enrolments_by_institution(
            enrolments=list(queryset), by=request.user, reason=form.cleaned_data["reason"]
        )
        report_outcome(self, request, outcome, WITHDRAWN)
