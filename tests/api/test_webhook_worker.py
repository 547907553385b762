"""A real Celery worker delivers a signed webhook to a real HTTP server after the caller is answered.

The server is local (127.0.0.1, plain http): only this test's worker process is allowed to reach it.
"""

import http.server
import threading

import pytest

from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import signing
from tests.conftest import celery_worker_process, wait_until
from tests.factories import CohortFactory

from .test_webhooks import documented_verify


class Inbox(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Inbox.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def inbox():
    Inbox.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Inbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_receiver_worker(transactional_db):
    """A real worker that may deliver to a local plain-http receiver (production refuses both)."""
    with celery_worker_process({"WEBHOOK_ALLOW_HTTP": "true", "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true"}) as process:
        yield process


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_delivers_a_signed_enrolment_event(local_receiver_worker, cast, employee_a, inbox):
    endpoint = WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer, url=inbox, events=["enrollment.status_changed"], secret=signing.new_secret()
    )
    cohort = CohortFactory()
    response = cast.api_a.post("/api/v1/enrollments/", {"employee": employee_a.pk, "cohort": cohort.pk}, format="json")
    assert response.status_code == 201
    assert wait_until(lambda: Inbox.received, timeout=30), "no delivery arrived"
    headers, body = Inbox.received[0]
    assert documented_verify()(endpoint.secret, headers, body)
    assert wait_until(
        lambda: WebhookDelivery.objects.filter(endpoint=endpoint, status="delivered").exists(), timeout=10
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_without_the_settings_refuses_the_local_receiver(celery_worker, cast, employee_a, inbox):
    endpoint = WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer, url=inbox, events=["enrollment.status_changed"], secret=signing.new_secret()
    )
    cohort = CohortFactory()
    response = cast.api_a.post("/api/v1/enrollments/", {"employee": employee_a.pk, "cohort": cohort.pk}, format="json")
    assert response.status_code == 201
    failed = WebhookDelivery.objects.filter(endpoint=endpoint, status="failed")
    assert wait_until(failed.exists, timeout=30), "the delivery was not refused"
    assert failed.get().last_error.startswith("Refused: ") and Inbox.received == []
