"""The form of the supervision area: the period of the expiring-certificates export."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DatePickerInput

from .tables import FORMATS

# The longest period one export covers: certificates run for three years, so a longer period
# would be "every certificate" and is almost certainly a mistyped year.
MAX_PERIOD_DAYS = 3 * 366


class ExpiringForm(forms.Form):
    valid_from = forms.DateField(label=_("Expiring from"), widget=DatePickerInput())
    valid_to = forms.DateField(label=pgettext_lazy("end of a period", "to"), widget=DatePickerInput())
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f.upper()) for f in FORMATS], initial="csv")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts: datetime.date | None = data.get("valid_from")
        ends: datetime.date | None = data.get("valid_to")
        if starts and ends:
            if ends < starts:
                self.add_error("valid_to", _("The end of the period comes before its start."))
            elif (ends - starts).days > MAX_PERIOD_DAYS:
                self.add_error("valid_to", _("A period of at most three years, please."))
        return data
