"""The trainee records of a session or a remote module (attendance, completions): the inline formset's
base, and the admin's side, where a service writes the records instead of the formset."""

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses import selectors
from courses.models import Enrolment


class TraineeRecordFormSet(forms.BaseInlineFormSet):
    """Rows name the parent's cohort's trainees, by name.

    A new row offers the trainees in training (the only ones hours are recorded for). A recorded row keeps
    its own trainee, shown and saved as it is, though they may have completed or withdrawn since: it is
    not offered for another trainee, and a row whose select lacked its own would not save at all.
    """

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        field = form.fields.get("enrolment")
        if field is None:
            return
        if form.instance.pk is not None:
            field.queryset = Enrolment.objects.filter(pk=form.instance.enrolment_id).select_related("trainee")
            field.disabled, field.empty_label = True, None
        else:
            field.queryset = selectors.enrolments_in_training(cohort_id=self.instance.cohort_id)
        field.label = _("trainee")
        field.label_from_instance = lambda enrolment: str(enrolment.trainee)

    def get_unique_error_message(self, unique_check: list[str] | tuple[str, ...]) -> str:
        """Two rows for one trainee, in words (Django names the raw field: "enrolment")."""
        if [f for f in unique_check if f != self.fk.name] == ["enrolment"]:
            return gettext("A trainee is listed in more than one row; keep one row per trainee.")
        return super().get_unique_error_message(unique_check)


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
