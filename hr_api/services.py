"""The HR API's own writes: its clients, for the program office (in admin and the demo).

The employees an HR system registers are accounts' (accounts.employees), its enrolments courses';
the API's views call those apps' services.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from accounts import audit
from accounts.models import Employer

from .models import ApiClient

# --- clients (program office, in admin) ----------------------------------------------------


def record_client_change(client: ApiClient, *, change: str, summary: str, **detail: Any) -> None:
    """A change to what an HR system may do, in the audit trail under its employer; ``change`` names it
    in the event's detail (``created``, ``scopes`` …), next to ``detail``."""
    audit.record(
        audit.Action.API_CLIENT_CHANGED,
        target=client,
        employer=client.employer_id,
        summary=summary,
        detail={"change": change, **detail},
    )


@transaction.atomic
def do_create_client(
    *,
    employer: Employer,
    name: str,
    scopes: Sequence[str],
    client_id: str | None = None,
    client_secret: str | None = None,
) -> tuple[ApiClient, str]:
    """Create a confidential client-credentials client. Returns it and the secret in clear (shown once)."""
    secret = client_secret or secrets.token_urlsafe(32)
    kwargs = {"client_id": client_id} if client_id else {}
    application = Application(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        **kwargs,
    )
    application.save()
    client = ApiClient.objects.create(
        application=application, employer=employer, **{f"can_{scope}": True for scope in scopes}
    )
    record_client_change(client, change="created", summary=f"created {application.client_id}", scopes=list(scopes))
    return client, secret


@transaction.atomic
def do_rotate_secret(*, client: ApiClient, client_secret: str | None = None) -> str:
    """A new secret, and the tokens issued until now stop working (in the same transaction, under the
    application's row lock): a secret is rotated because the old one may have leaked, and a token got with a
    leaked secret is as good as the secret for its hour. The HR system asks for a new token with the new one."""
    secret = client_secret or secrets.token_urlsafe(32)
    application = Application.objects.select_for_update().get(pk=client.application_id)
    application.client_secret = secret
    application.save(update_fields=["client_secret", "updated"])
    RefreshToken.objects.filter(application_id=application.pk).delete()
    ended = AccessToken.objects.filter(application_id=application.pk).delete()[1].get(AccessToken._meta.label, 0)
    record_client_change(
        client, change="secret_rotated", summary=f"secret rotated {application.client_id}", tokens_revoked=ended
    )
    return secret


@transaction.atomic
def do_revoke_client(*, client: ApiClient) -> ApiClient:
    """No more tokens, and the ones issued stop working now."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at", "updated_at"])
        record_client_change(client, change="revoked", summary="revoked")
    RefreshToken.objects.filter(application_id=client.application_id).delete()
    AccessToken.objects.filter(application_id=client.application_id).delete()
    return client
