"""Trainee-facing forms: the cohort finder and the self-study log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.forms import BaseForm, BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DatePickerInput

from . import selectors
from .models import Cohort, Course, Enrolment, Tier, Track

if TYPE_CHECKING:
    from accounts.models import User


def field_to_correct(form: BaseForm) -> str | None:
    """The field a form sent back with errors brings the person to: the first (in the form's order) with an
    error of its own, else (an error of the whole form, shown above the fields) the first field; None for a
    form without errors."""
    if not form.is_bound or not form.errors:
        return None
    names = [field.name for field in form.visible_fields()]
    return next((name for name in names if name in form.errors), names[0] if names else None)


class FirstErrorFocused(BoundField):
    """A form's ``bound_field_class`` for a form on a long page (the dashboard's self-study, My certificates'
    activity): sent back with errors, the page comes back at its top, the form perhaps a thousand pixels below
    on a phone. The field to correct gets ``autofocus``: the browser scrolls it to the middle of the screen and
    focuses it (a screen reader reads its label and error), with or without JavaScript."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.name == field_to_correct(self.form):
            attrs["autofocus"] = True
        return attrs


class CohortFilterForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    track = forms.ChoiceField(label=_("Track"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    mode = forms.ChoiceField(label=_("Delivery mode"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("any"))]
        self.fields["tier"].choices = anything + [(t.code, t.name) for t in Tier.objects.all()]
        self.fields["track"].choices = anything + [(t.code, t.name) for t in Track.objects.all()]
        self.fields["city"].choices = [*anything, ("online", _("online")), *selectors.cohort_cities()]
        self.fields["mode"].choices = anything + list(Cohort.Mode.choices)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-md-auto g-2 align-items-end mb-4"
        self.helper.field_class = ""
        self.helper.add_input(Submit("", _("Find cohorts"), css_class="btn-primary"))

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data.get(name) or "" for name in ("tier", "track", "city", "mode")}


class SelfStudyForm(forms.Form):
    bound_field_class = FirstErrorFocused

    enrolment = forms.ModelChoiceField(label=_("Cohort"), queryset=Enrolment.objects.none())
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    studied_on = forms.DateField(label=_("Date"), widget=DatePickerInput())
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1, min_value=0.1, max_value=24)
    note = forms.CharField(label=_("What I studied"), max_length=300, required=False)

    def __init__(self, *args: Any, trainee: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"studied_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        enrolments = Enrolment.objects.filter(
            trainee=trainee,
            state__in=Enrolment.TRAINING_STATES,
            cohort__offers_self_study=True,
        ).select_related("cohort__institution", "cohort__curriculum__tier", "cohort__curriculum__track")
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: str(e.cohort)  # its name, the code second
        self.fields["course"].queryset = Course.objects.filter(
            curriculum_entries__curriculum__in=enrolments.values("curriculum")
        ).distinct()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("enrolment", css_class="col-md-3"),
                Column("course", css_class="col-md-5"),
                Column("studied_on", css_class="col-md-2"),
                Column("hours", css_class="col-md-2"),
            ),
            "note",
        )
