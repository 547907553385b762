from django import forms
from django.utils.translation import gettext_lazy as _


class EnrolCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The six-digit code your app shows"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false", "autocapitalize": "off"}
        ),
    )


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=_("Passkey name"),
        max_length=64,
        help_text=_("A name you will recognise, such as the device or security key it is on."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
