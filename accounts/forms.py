from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserChangeForm,
)
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.links import site_url
from core.text_rules import refuse_address_in_name, refuse_control_characters

from .client_address import client_network
from .identifiers import clean_email, normalize_email
from .models import User
from .phones import PhoneFormField
from .services import do_request_password_reset


class IdentifierEmailField(forms.EmailField):
    """An e-mail address being registered as a log-in (sign-up, the admin's user forms): in its stored form and
    by its rule (:func:`accounts.identifiers.clean_email`), whose refusal is the field's error. A form that
    only finds an account by its address takes :class:`LookupEmailField`.

    ``stored`` is the account's own address when the form edits one: kept as it is, though stored before a
    rule that refuses it now (a domain mixing scripts), so that the rest of the account can still be changed
    (its name, its deactivation); any other address passes the rule."""

    stored = ""

    def to_python(self, value: Any) -> str:
        typed = super().to_python(value)
        if self.stored and typed and normalize_email(typed) == self.stored:
            return self.stored
        return clean_email(typed)


class LookupEmailField(forms.EmailField):
    """An e-mail address to find an account by (log-in, password reset, a new verification link): in its stored
    form (:func:`accounts.identifiers.normalize_email`), refused only when it is no address at all (Django's
    validator, which every stored address passed) or holds a control character (which none holds, and which
    would otherwise reach the audit trail's failed log-ins).

    Not :class:`IdentifierEmailField`: its rules are for an address being registered now, and an account
    stored before one of them (a domain mixing scripts, say) must still log in and reset its password. An
    address nobody has is simply not found: the form's one generic answer, which tells nobody whether an
    address exists.
    """

    def to_python(self, value: Any) -> str:
        typed = super().to_python(value)
        refuse_control_characters(typed)
        return normalize_email(typed)


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")
        field_classes = {"email": IdentifierEmailField}


class UserChangeAdminForm(UserChangeForm):  # type: ignore[type-arg]  # generic in the stubs only
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": IdentifierEmailField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and isinstance(field := self.fields.get("email"), IdentifierEmailField):
            field.stored = self.instance.email


class PasswordsEmptiedNote:
    """A refused form comes back with its password fields empty (a page never holds a password): the first of
    them says so, above its rules, so that nobody wonders where what they typed went."""

    emptied_field = ""
    emptied_note: str | Promise = _("For your safety, the password fields were emptied: type the passwords again.")

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]  # a mixin of forms.Form
        if self.is_bound and self._errors:  # type: ignore[attr-defined]
            # On the bound field, which took the field's help (the password rules, Django's HTML, shown unescaped)
            # when cleaning began.
            bound = self[self.emptied_field]  # type: ignore[index]
            note = format_html('<p class="mb-1 fw-semibold">{}</p>', self.emptied_note)
            bound.help_text = note + str(bound.help_text or "")


class ReauthenticationMixin:
    """The signed-in person's current password, checked as a log-in checks one (``authenticate``), so that a wrong
    one counts toward the account's lock-out (django-axes, and the trail's failed log-ins) and none is tried while
    the account is locked: a session left open is no way to guess its password. The view then finds
    ``request.axes_locked_out`` set (:func:`accounts.views.locked_out_response`)."""

    request: HttpRequest | None = None
    wrong_password = _("That is not your current password.")

    def is_current_password(self, user: User, password: str) -> bool:
        if self.request is None:
            return user.check_password(password)
        found = authenticate(self.request, username=user.email, password=password)
        return found is not None and found.pk == user.pk


class SignUpForm(PasswordsEmptiedNote, forms.Form):
    display_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("As it should appear on your certificate."),
        validators=[refuse_address_in_name],
    )
    email = IdentifierEmailField(label=_("E-mail address"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # The rules up front, as the reset page shows them (lazy: in the page's language).
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)

    emptied_field = "password1"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(email=cleaned.get("email") or "", display_name=cleaned.get("display_name") or "")
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = LookupEmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        "invalid_login": _("The e-mail address or password is wrong, or the address has not been verified yet."),
        "inactive": _("This account is not active. Check your mailbox for the verification link."),
    }


class ResendVerificationForm(forms.Form):
    email = LookupEmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=150, validators=[refuse_address_in_name])
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_(
            "The portal's e-mails to you are in this language. The language menu at the top changes only the pages."
        ),
    )
    phone = PhoneFormField(label=_("Phone"), required=False)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail goes through Celery, in the user's language, and is capped
    (:func:`accounts.services.do_request_password_reset`)."""

    email = LookupEmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *, request: HttpRequest | None = None, **kwargs: Any) -> None:  # type: ignore[override]
        """Ask the service for the mail; the page that follows is the same whatever it did."""
        assert request is not None, "PasswordResetView passes the request"
        do_request_password_reset(
            email=self.cleaned_data["email"],
            client=client_network(request),
            site_url=site_url(),
        )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]  # generic in the stubs only
    """Django's set-password form (the reset link's page), the password rules' errors under the new
    password, where the rules are listed, not under its confirmation (Django's place for them); the
    confirmation field keeps only "the two passwords differ"."""

    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data


class ChangePasswordForm(PasswordsEmptiedNote, ReauthenticationMixin, PasswordChangeForm, NewPasswordForm):
    """Django's password change (the current password, the new one twice, its rules shown under it), the rules'
    errors where :class:`NewPasswordForm` puts them, and the current password checked as a log-in
    (:class:`ReauthenticationMixin`)."""

    emptied_field = "old_password"

    def __init__(self, user: User, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.fields["old_password"].label = _("Current password")
        self.error_messages = {**self.error_messages, "password_incorrect": self.wrong_password}

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if not self.is_current_password(self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class EmailChangeForm(PasswordsEmptiedNote, ReauthenticationMixin, forms.Form):
    """A new log-in address, by the sign-up's rule, and the current password (the person at the keyboard is the
    account's). Whether another account uses the address is not said here (accounts.address_change)."""

    email = IdentifierEmailField(
        label=_("New e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is you."),
    )

    emptied_field = "password"
    emptied_note = _("For your safety, the password field was emptied: type your password again.")

    def __init__(self, *args: Any, user: User, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if email == normalize_email(self.user.email):
            raise forms.ValidationError(_("This is already your log-in address."), code="same_address")
        return email

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.is_current_password(self.user, password):
            raise forms.ValidationError(self.wrong_password, code="password_incorrect")
        return password
