"""Demo API clients: each demo employer gets one with every scope (README, "API quick start")."""

from oauth2_provider.models import Application

from accounts.models import Employer

from .models import SCOPES, ApiClient
from .services import do_create_client, do_rotate_secret

DEMO_CLIENTS = [("bank-a", "demo-hr-a", "demo-hr-secret-a"), ("bank-b", "demo-hr-b", "demo-hr-secret-b")]


def load() -> None:
    for code, client_id, secret in DEMO_CLIENTS:
        employer = Employer.objects.filter(code=code).first()
        if employer is None:
            continue
        application = Application.objects.filter(client_id=client_id).first()
        client = ApiClient.objects.filter(application=application).first() if application else None
        if client is None:
            if application is not None:
                application.delete()
            do_create_client(
                employer=employer,
                name=f"{employer.name_en} HR (demo)",
                scopes=SCOPES,
                client_id=client_id,
                client_secret=secret,
            )
        else:
            # Idempotent and self-healing: the documented secret and every scope, not revoked.
            do_rotate_secret(client=client, client_secret=secret)
            ApiClient.objects.filter(pk=client.pk).update(
                employer=employer, revoked_at=None, **{f"can_{s}": True for s in SCOPES}
            )
