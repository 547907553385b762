"""The program office manages clients in admin; the demo gives each demo bank a working client."""

import base64
import re

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


def test_the_delivery_filter_shows_each_event_by_its_label(admin_client, employer):
    """The event filter showed the names a delivery carries (``certificate.issued``); it shows the labels in the
    page's language, and filters by the name as before."""
    from hr_api.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(employer=employer, url="https://hr.example/hook", events=[], secret="s")
    issued = WebhookDelivery.objects.create(endpoint=endpoint, event="certificate.issued", payload={})
    WebhookDelivery.objects.create(endpoint=endpoint, event="exam.result_published", payload={})
    response = admin_client.get("/en/admin/hr_api/webhookdelivery/")
    assert response.status_code == 200
    spec = next(s for s in response.context["cl"].filter_specs if getattr(s, "field_path", "") == "event")
    shown = {choice["display"] for choice in spec.choices(response.context["cl"])}
    assert {"certificate issued", "exam result published", "manager compliance changed"} <= shown
    assert not {"certificate.issued", "exam.result_published"} & shown
    page = response.content.decode()
    assert re.search(r'href="\?event__exact=certificate\.issued"[^>]*>\s*certificate issued\s*</a>', page)
    filtered = admin_client.get("/en/admin/hr_api/webhookdelivery/", {"event__exact": "certificate.issued"})
    assert list(filtered.context["cl"].result_list) == [issued]
    column = re.findall(r'<t[hd] class="field-event_label[^"]*">(?:<a [^>]*>)?([^<]*)<', filtered.content.decode())
    assert column == ["certificate issued"]  # the list's column too


def test_every_event_has_a_label():
    from hr_api.webhooks.events import EVENT_LABELS, EVENTS

    assert set(EVENT_LABELS) == set(EVENTS)
