"""The trainee records of a session or a remote module (attendance, completions): the inline formset's
base, and the admin's side, where a service writes the records instead of the formset."""

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from courses import selectors


class TraineeRecordFormSet(forms.BaseInlineFormSet):
    """Rows name only the parent's cohort's trainees in training, by name."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "enrolment" in form.fields:
            form.fields["enrolment"].queryset = selectors.enrolments_in_training(cohort_id=self.instance.cohort_id)
            form.fields["enrolment"].label_from_instance = lambda enrolment: str(enrolment.trainee)


class TraineeRecordInline(admin.TabularInline):
    """The inline of those records: who recorded a row is shown, not typed, and no row is deleted here."""

    readonly_fields = ["recorded_by"]
    can_delete = False


class ServiceRecordsAdminMixin:
    """A ModelAdmin whose inline of trainee records (``records_model``) is saved by a service, not by the formset.

    The inline shows once the parent row exists; on save, :meth:`record` hands the formset's rows to the
    service and returns the records it wrote.
    """

    records_model: type[Model]

    def get_inlines(self, request: HttpRequest, obj: Model | None) -> list:
        return self.inlines if obj is not None else []  # records once the parent exists

    def record(self, request: HttpRequest, parent: Model, formset: forms.BaseInlineFormSet) -> list[Model]:
        raise NotImplementedError

    def save_formset(
        self, request: HttpRequest, form: forms.Form, formset: forms.BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not self.records_model:
            return super().save_formset(request, form, formset, change)
        records = self.record(request, form.instance, formset)
        # What the admin's change message reads from a formset it saved itself.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = records, [], []
