"""The program office's admin action on people: reset their second factor (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.scoping import is_program_office

from . import services


def may_reset_second_factor(model_admin: Any, request: HttpRequest) -> bool:
    """``has_reset_second_factor_permission`` of the user admin: the program office only."""
    return is_program_office(request.user)


@admin.action(
    description=_("Reset the second factor (the person sets it up again at the next log-in)"),
    permissions=["reset_second_factor"],
)
def reset_second_factor(model_admin: Any, request: HttpRequest, queryset: QuerySet) -> None:
    done = 0
    for person in queryset:
        try:
            services.do_reset_second_factor(actor=request.user, user=person)
        except services.SecondFactorError as error:
            model_admin.message_user(request, str(error), messages.ERROR)
            return
        done += 1
    model_admin.message_user(
        request,
        ngettext(
            "The second factor of %(count)d person was reset; their sessions ended.",
            "The second factors of %(count)d people were reset; their sessions ended.",
            done,
        )
        % {"count": done},
        messages.SUCCESS,
    )


def _unregister_device_admins() -> None:
    """django-otp's own admins list every person's devices (and TOTP keys) unscoped; staff reset a
    second factor with the action above instead. Runs at admin autodiscovery (after django-otp's).
    (django-otp-webauthn registers no admin of its passkeys today; should it start to, it goes too.)"""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential

    for model in (TOTPDevice, StaticDevice, WebAuthnCredential, WebAuthnAttestation):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_device_admins()
