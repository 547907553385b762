from django.urls import path

from accounts import converters  # noqa: F401  <id:…> (a row id, else 404)

from . import passkeys, views

app_name = "second_factor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("passkeys/", views.passkeys, name="passkeys"),
    path("passkeys/<id:pk>/name/", views.passkey_name, name="passkey_name"),
    path("passkeys/<id:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    # django-otp-webauthn's ceremonies (JSON, called by its scripts), with the portal's rules.
    path("passkeys/registration/begin/", passkeys.BeginRegistration.as_view(), name="passkey_registration_begin"),
    path(
        "passkeys/registration/complete/", passkeys.CompleteRegistration.as_view(), name="passkey_registration_complete"
    ),
    path("passkeys/authentication/begin/", passkeys.BeginAuthentication.as_view(), name="passkey_authentication_begin"),
    path(
        "passkeys/authentication/complete/",
        passkeys.CompleteAuthentication.as_view(),
        name="passkey_authentication_complete",
    ),
]
