"""Recorded remote (online) modules of a cohort, for teaching a course or exam preparation, and who
completed them."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.scoping import InstitutionScopedAdmin
from core.forms import refusal_shown_on
from courses import services
from courses.models import RemoteCompletion, RemoteModule

from .catalog import course_by_code
from .cohorts import cohort_by_code
from .columns import heading, number, number_column
from .formsets import ServiceRecordsAdminMixin, TraineeRecordFormSet, TraineeRecordInline
from .training_sessions import clean_session_hours


class RemoteCompletionFormSet(TraineeRecordFormSet):
    """Completions of one module. A recorded completion is shown as it is: the service records a completion
    once and changes none (:meth:`RemoteModuleAdmin.record` saves new rows only), so its date is not
    offered for a change that would not be saved."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if form.instance.pk is not None and "completed_on" in form.fields:
            form.fields["completed_on"].disabled = True

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or not data.get("enrolment") or not data.get("completed_on") or not form.has_changed():
                continue
            with refusal_shown_on(form):
                services.check_remote_completion(
                    module=self.instance, enrolment=data["enrolment"], completed_on=data["completed_on"]
                )


class RemoteCompletionInline(TraineeRecordInline):
    model = RemoteCompletion
    formset = RemoteCompletionFormSet
    fields = ["enrolment", "completed_on", "recorded_by"]
    extra = 1


class RemoteModuleAdminForm(forms.ModelForm):
    # A link typed without a scheme is https, as Django 6.0 will assume (5.2 assumed http, with a warning).
    url = RemoteModule._meta.get_field("url").formfield(assume_scheme="https")

    def clean_hours(self) -> Any:
        return clean_session_hours(self)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("cohort") and data.get("hours") is not None and not self.errors:
            with refusal_shown_on(self):
                services.check_module(
                    cohort=data["cohort"],
                    course=data.get("course"),
                    hours=data["hours"],
                    purpose=data.get("purpose") or RemoteModule.Purpose.TEACHING,
                )
        return data


@admin.register(RemoteModule)
class RemoteModuleAdmin(ServiceRecordsAdminMixin, InstitutionScopedAdmin):
    institution_paths = ("cohort__institution",)
    form = RemoteModuleAdminForm
    list_display = [
        "__str__",
        cohort_by_code,
        "purpose",
        course_by_code,
        number_column(RemoteModule, "hours"),
        "completed",
    ]
    list_filter = ["purpose", ("cohort", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["cohort__institution", "cohort__curriculum__tier", "cohort__curriculum__track", "course"]
    search_fields = ["title_zh", "title_en", "cohort__code", "course__code"]
    inlines = [RemoteCompletionInline]
    records_model = RemoteCompletion

    def get_queryset(self, request: HttpRequest) -> QuerySet[RemoteModule]:
        return super().get_queryset(request).annotate(_completed=Count("completions"))

    @admin.display(description=heading(_("completed by"), number=True), ordering="_completed")
    def completed(self, obj: RemoteModule) -> str:
        return number(getattr(obj, "_completed", 0))

    def record(
        self, request: HttpRequest, module: RemoteModule, formset: forms.BaseInlineFormSet
    ) -> list[RemoteCompletion]:
        records = []
        for f in formset.forms:
            data = f.cleaned_data
            if f.has_changed() and data.get("enrolment") and data.get("completed_on") and not f.instance.pk:
                records.append(
                    services.do_record_remote_completion(
                        module=module, enrolment=data["enrolment"], completed_on=data["completed_on"], by=request.user
                    )
                )
        return records
