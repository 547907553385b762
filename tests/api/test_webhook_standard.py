"""Real deliveries, checked by a receiver with the Standard Webhooks library (``standardwebhooks`` from PyPI).

The receiver is a threaded http.server on 127.0.0.1, reached through a name the test's DNS maps
there (``receiver.test``), so each delivery also proves that the connection goes to the address
vetted once, never to a second lookup. Local receivers need both WEBHOOK_ALLOW_* settings: on in
these tests only.
"""

from __future__ import annotations

import base64
import http.server
import importlib
import socket
import ssl
import threading

import pytest
import requests
import standardwebhooks
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from accounts import outbound
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import deliveries, signing


class StandardReceiver:
    """An employer's server that verifies every delivery with ``standardwebhooks.Webhook(secret).verify``."""

    def __init__(self, secret: str | bytes, *, tls: ssl.SSLContext | None = None) -> None:
        self.secret = secret
        self.accepted: list[dict] = []
        self.refused: list[str] = []
        self.hosts: list[str] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.hosts.append(self.headers["Host"])
                try:
                    event = standardwebhooks.Webhook(receiver.secret).verify(body, dict(self.headers))
                except standardwebhooks.WebhookVerificationError as exc:
                    receiver.refused.append(str(exc))
                    self.send_response(400)
                else:
                    receiver.accepted.append(event)
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_receivers(settings, dns, monkeypatch):
    """Receivers at ``receiver.test`` (127.0.0.1); any DNS lookup other than the vetting one fails."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    dns["receiver.test"] = "127.0.0.1"
    real_getaddrinfo = socket.getaddrinfo

    def numeric_only(host, *args, **kwargs):
        if host not in {"127.0.0.1", "::1"}:
            raise AssertionError(f"a second DNS lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_only)
    started: list[StandardReceiver] = []

    def start(secret, **kwargs) -> StandardReceiver:
        receiver = StandardReceiver(secret, **kwargs)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.close()


def endpoint_for(cast, receiver: StandardReceiver, secret: str, scheme: str = "http") -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer,
        url=f"{scheme}://receiver.test:{receiver.port}/hook",
        events=["certificate.issued"],
        secret=secret,
    )


def deliver(endpoint: WebhookEndpoint, payload=None) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="certificate.issued", payload=payload or {"number": "C-1"}
    )
    deliveries.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_the_standard_library_verifies_a_real_delivery(cast, dns, local_receivers):
    secret = signing.new_secret()
    receiver = local_receivers(secret)
    delivery = deliver(endpoint_for(cast, receiver, secret), {"number": "C-1", "name": "王小明"})
    assert delivery.status == "delivered", (delivery.last_error, receiver.refused)
    assert receiver.accepted == [{"number": "C-1", "name": "王小明"}]
    # The connection went to the address vetted once; the request still names the host.
    assert dns.asked == ["receiver.test"] and receiver.hosts == [f"receiver.test:{receiver.port}"]


def test_a_receiver_with_another_secret_refuses_the_delivery(cast, local_receivers):
    receiver = local_receivers(signing.new_secret())
    delivery = deliver(endpoint_for(cast, receiver, signing.new_secret()))
    assert delivery.status == "pending" and delivery.last_status_code == 400
    assert receiver.refused == ["No matching signature found"] and receiver.accepted == []


def test_a_delivery_signed_five_minutes_ago_is_refused_as_a_replay(cast, local_receivers, monkeypatch):
    secret = signing.new_secret()
    receiver = local_receivers(secret)
    real_time = deliveries.time.time
    monkeypatch.setattr(deliveries.time, "time", lambda: real_time() - 301)
    delivery = deliver(endpoint_for(cast, receiver, secret))
    assert delivery.last_status_code == 400 and receiver.refused == ["Message timestamp too old"]


def test_a_tampered_body_or_id_is_refused(cast, monkeypatch, local_receivers):
    secret = signing.new_secret()
    sent: list[tuple] = []
    real_post = outbound.post

    def capture(target, *, data, headers, timeout):
        sent.append((data, dict(headers)))
        return real_post(target, data=data, headers=headers, timeout=timeout)

    monkeypatch.setattr(deliveries.outbound, "post", capture)
    receiver = local_receivers(secret)
    assert deliver(endpoint_for(cast, receiver, secret)).status == "delivered"
    body, headers = sent[0]
    check = standardwebhooks.Webhook(secret)
    assert check.verify(body, headers) == {"number": "C-1"}
    for forged_body, forged_headers in [
        (body.replace(b"C-1", b"C-2"), headers),
        (body, {**headers, "Webhook-Id": "another-event"}),
        (body, {**headers, "Webhook-Timestamp": str(int(headers["Webhook-Timestamp"]) - 1)}),
    ]:
        with pytest.raises(standardwebhooks.WebhookVerificationError):
            check.verify(forged_body, forged_headers)


def test_an_endpoint_registered_through_the_api_is_verified_with_the_secret_it_was_shown(cast, local_receivers):
    receiver = local_receivers(b"placeholder")
    response = cast.api_a.post(
        "/api/v1/webhooks/",
        {"url": f"http://receiver.test:{receiver.port}/hook", "events": ["certificate.issued"]},
        format="json",
    )
    assert response.status_code == 201
    receiver.secret = response.json()["secret"]  # as the employer stores it
    assert deliver(WebhookEndpoint.objects.get()).status == "delivered" and len(receiver.accepted) == 1


def test_secrets_issued_before_the_standard_keep_their_key(cast, local_receivers):
    """The migration re-encodes an old secret; a receiver uses the bytes of the one it was shown."""
    old = "whsec_" + "Ab-_" * 10 + "xyz"  # secrets.token_urlsafe(32): a URL-safe alphabet, no padding
    receiver = local_receivers(old.encode())
    endpoint = endpoint_for(cast, receiver, old)
    name = "0010_webhook_secrets_standard_base64"
    migration = importlib.import_module(f"accounts.migrations.{name}")
    # The models as that migration knew them (the accounts app's then; hr_api's since issue 16).
    apps = MigrationLoader(connection).project_state(("accounts", name)).apps
    migration.standard_form(apps, None)
    endpoint.refresh_from_db()
    assert endpoint.secret == "whsec_" + base64.b64encode(old.encode()).decode()
    assert deliver(endpoint).status == "delivered"
    receiver.secret = endpoint.secret  # README's other way: the re-encoded secret
    assert deliver(endpoint).status == "delivered" and len(receiver.accepted) == 2
    migration.legacy_form(apps, None)
    endpoint.refresh_from_db()
    assert endpoint.secret == old


# --- TLS: the pinned connection still checks the certificate for the name --------------------


@pytest.fixture
def authority():
    trustme = pytest.importorskip("trustme")
    return trustme.CA()


def tls_receiver(local_receivers, authority, name: str, secret: str) -> StandardReceiver:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(name).configure_cert(context)
    return local_receivers(secret, tls=context)


def test_https_to_the_pinned_address_sends_the_name_and_checks_its_certificate(
    cast, dns, local_receivers, authority, tmp_path
):
    secret = signing.new_secret()
    receiver = tls_receiver(local_receivers, authority, "receiver.test", secret)
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    target = outbound.vet_url(f"https://receiver.test:{receiver.port}/hook", allow_private=True)
    headers = {"Webhook-Id": "e1", "Webhook-Timestamp": str(int(deliveries.time.time()))}
    headers["Webhook-Signature"] = signing.sign(secret, "e1", headers["Webhook-Timestamp"], b"{}")
    response = outbound.post(target, data=b"{}", headers=headers, timeout=5, verify=str(tmp_path / "ca.pem"))
    assert response.status_code == 204 and receiver.accepted == [{}]
    assert dns.asked == ["receiver.test"]


def test_a_certificate_for_another_name_is_refused(cast, dns, local_receivers, authority, tmp_path):
    receiver = tls_receiver(local_receivers, authority, "someone-else.test", signing.new_secret())
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    target = outbound.vet_url(f"https://receiver.test:{receiver.port}/hook", allow_private=True)
    with pytest.raises(requests.exceptions.SSLError):
        outbound.post(target, data=b"{}", headers={}, timeout=5, verify=str(tmp_path / "ca.pem"))
    assert receiver.accepted == [] and receiver.refused == []


def test_a_delivery_checks_the_certificate_against_the_system_authorities(cast, local_receivers, authority):
    secret = signing.new_secret()
    receiver = tls_receiver(local_receivers, authority, "receiver.test", secret)
    delivery = deliver(endpoint_for(cast, receiver, secret, scheme="https"))
    assert delivery.status == "pending" and "SSLError" in delivery.last_error and receiver.accepted == []
