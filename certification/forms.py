from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DatePickerInput
from courses.forms import FirstErrorFocused

from . import numbers
from .models import CE_ACTIVITY_MOST_HOURS
from .reminders import kind_choices


class VerifyForm(forms.Form):
    # ``number`` (the parameter's name in links already out there) takes either of the two things a
    # certificate prints: its number or its verification code (selectors.verification_by_typed).
    number = forms.CharField(
        label=_("Certificate number or verification code"),
        max_length=60,
        help_text=_(
            "As printed on the certificate: the number (e.g. BCM-STD-R-2026-000123-K) or the verification code."
        ),
    )

    # With a number (sequential, so anyone can walk them), the page shows validity only unless the holder's
    # name as printed on the certificate is typed too (certification.views._name_check); a code needs no name.
    name = forms.CharField(
        label=_("Holder's name, as printed on the certificate"),
        max_length=150,
        required=False,
        help_text=_("Needed with a certificate number to see the holder and the dates; not with a verification code."),
    )

    def clean_number(self) -> str:
        return numbers.typed(self.cleaned_data["number"])


class ReminderPreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me these reminders"),
        choices=kind_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SelfReportForm(forms.Form):
    bound_field_class = FirstErrorFocused

    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=None,
        help_text=_("The institution that held the activity; it confirms your hours."),
    )
    title = forms.CharField(label=_("Activity"), max_length=200)
    completed_on = forms.DateField(label=_("Completed on"), widget=DatePickerInput())
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, min_value=0.5, max_value=CE_ACTIVITY_MOST_HOURS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Institution

        from .services import ce_cap_explained

        self.fields["institution"].queryset = Institution.objects.filter(status=Institution.Status.ACTIVE)
        # The cap and why, in the visitor's language; the same words when more is typed (services.check_ce_hours).
        hours = self.fields["hours"]
        hours.help_text = ce_cap_explained()
        hours.error_messages["max_value"] = hours.help_text
