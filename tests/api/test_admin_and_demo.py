"""The program office manages clients in admin; the demo gives each demo bank a working client."""

import base64

from django.contrib.messages import get_messages
from rest_framework.test import APIClient

import accounts.demo
from hr_api import demo as api_demo
from hr_api.models import ApiClient


def token_status(client_id: str, secret: str) -> int:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return (
        APIClient()
        .post("/api/v1/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}")
        .status_code
    )


def test_the_program_office_creates_a_client_and_sees_its_secret_once(admin_client, employer):
    response = admin_client.post(
        "/en/admin/hr_api/apiclient/add/",
        {"name": "Bank HR", "client_id": "bank-hr", "employer": employer.pk, "can_read": "on", "can_enroll": "on"},
    )
    assert response.status_code == 302, response.content
    client = ApiClient.objects.get()
    assert client.employer == employer and client.scopes == ["read", "enroll"]
    message = next(str(m) for m in get_messages(response.wsgi_request))
    secret = message.split("secret is ")[1].split(" ")[0]
    assert token_status("bank-hr", secret) == 200


def test_rotate_and_revoke_from_admin(admin_client, employer):
    from hr_api.services import do_create_client

    client, secret = do_create_client(employer=employer, name="x", scopes=["read"], client_id="c1")
    admin_client.post("/en/admin/hr_api/apiclient/", {"action": "rotate_secret", "_selected_action": [client.pk]})
    assert token_status("c1", secret) == 401
    admin_client.post("/en/admin/hr_api/apiclient/", {"action": "revoke", "_selected_action": [client.pk]})
    client.refresh_from_db()
    assert client.revoked_at is not None


def test_institution_staff_cannot_see_api_clients(client, institution_admin):
    client.force_login(institution_admin)
    for model in ("apiclient", "webhookendpoint", "webhookdelivery"):
        assert client.get(f"/en/admin/hr_api/{model}/").status_code in (302, 403)


def test_the_demo_clients_get_tokens_and_loading_twice_changes_nothing(db):
    accounts.demo.load()
    api_demo.load()
    api_demo.load()
    assert ApiClient.objects.count() == 2
    assert token_status("demo-hr-a", "demo-hr-secret-a") == 200
    assert token_status("demo-hr-b", "demo-hr-secret-b") == 200
    a = ApiClient.objects.get(application__client_id="demo-hr-a")
    assert a.employer.code == "bank-a" and a.scopes == ["read", "enroll", "webhooks", "managers", "evaluations"]
