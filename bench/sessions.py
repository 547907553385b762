"""Log-ins of the bench's people: a session as a real log-in leaves it, second factor included.

Staff (the program office, institution admins) reach nothing without a second factor (django-otp);
their session is marked verified by an authenticator, as ``tests/conftest.py`` does for tests.
"""

from __future__ import annotations

import base64
import secrets

from django.test import Client


def logged_in_client(user_id: int) -> Client:
    """A client whose session is ``user_id``'s, verified by a second factor when the person needs one."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.models import User
    from accounts.second_factor import services as second_factor

    user = User.objects.get(pk=user_id)
    client = Client()
    # Django's own log-in (signals and all), so the session is what a real log-in leaves.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if second_factor.needs_second_factor(user):
        device = second_factor.authenticator_of(user) or second_factor.do_set_authenticator(
            user=user, secret=base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def session_key(user_id: int) -> str:
    """The session cookie's value of a fresh log-in of ``user_id`` (for wrk and requests)."""
    return logged_in_client(user_id).cookies["sessionid"].value
