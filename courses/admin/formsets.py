"""The base of the inline formsets that record a trainee's hours on a session or a remote module."""

from django import forms

from courses import selectors


class TraineeRecordFormSet(forms.BaseInlineFormSet):
    """Rows name only the parent's cohort's trainees in training, by name."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "enrolment" in form.fields:
            form.fields["enrolment"].queryset = selectors.enrolments_in_training(cohort_id=self.instance.cohort_id)
            form.fields["enrolment"].label_from_instance = lambda enrolment: str(enrolment.trainee)
