"""The trainee records of a session or a remote module (attendance, completions): the inline formset's
base, and the admin's side, where a service writes the records instead of the formset."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses import selectors
from courses.models import Enrolment


class RecordedTrainee(forms.Widget):
    """A recorded row's trainee as text, as the row's other read-only cells are shown: not a select, which read
    as a choice to change (a wrong row is corrected by its hours: 0 is absent)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.shown = name

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return format_html('<p class="recorded-trainee">{}</p>', self.shown)


class RecordedTraineeField(forms.ModelChoiceField):
    """A recorded row's trainee, shown and kept as it is: the row's own enrolment, read with the rows (no
    query to show it, none to take it back); what is posted for it is not read (a disabled field)."""

    def __init__(self, enrolment: Enrolment, **kwargs: Any) -> None:
        shown = str(enrolment.trainee)
        super().__init__(
            Enrolment.objects.filter(pk=enrolment.pk),
            empty_label=None,
            disabled=True,
            widget=RecordedTrainee(shown),
            **kwargs,
        )
        self.enrolment = enrolment
        self.choices = [(enrolment.pk, shown)]

    def to_python(self, value: Any) -> Enrolment | None:
        if value in self.empty_values:
            return None
        if str(getattr(value, "pk", value)) != str(self.enrolment.pk):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return self.enrolment


class TraineeRecordFormSet(forms.BaseInlineFormSet):
    """Rows name the parent's cohort's trainees, by name.

    A new row offers the trainees in training of the parent's cohort (the only ones hours are recorded for), in
    a plain select (no links to add or change an enrolment from there). A recorded row keeps its own trainee,
    shown as text and saved as it is, though they may have completed or withdrawn since: who attended is not
    changed by changing the person (a wrong row gets 0 hours, absent), and a row whose select lacked its own
    would not save at all.

    The page reads the same number of queries however many rows it shows: the rows come with their
    trainees and recorders (``selectors.trainee_records``), share the parent row the formset has, and
    the trainees a new row offers are read once for every new row.
    """

    def get_queryset(self) -> QuerySet:
        if not hasattr(self, "_queryset"):
            rows = selectors.trainee_records(super().get_queryset())
            for row in rows:  # read once: Django sets only the parent's id, and each row would read it
                setattr(row, self.fk.name, self.instance)
            self._queryset = rows
        return self._queryset

    @cached_property
    def _trainees_in_training(self) -> list[tuple[Any, str]]:
        rows = selectors.enrolments_in_training(cohort_id=self.instance.cohort_id)
        return [(enrolment.pk, str(enrolment.trainee)) for enrolment in rows]

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        field = form.fields.get("enrolment")
        if field is None:
            return
        if form.instance.pk is not None:
            form.fields["enrolment"] = RecordedTraineeField(form.instance.enrolment, label=_("trainee"))
            return
        if isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget  # an enrolment is not added or edited from a row of hours
        field.queryset = selectors.enrolments_in_training(cohort_id=self.instance.cohort_id)
        field.label = _("trainee")
        field.label_from_instance = lambda enrolment: str(enrolment.trainee)
        field.choices = [("", field.empty_label), *self._trainees_in_training]

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
