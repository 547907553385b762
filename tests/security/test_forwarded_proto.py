"""X-Forwarded-Proto makes a request HTTPS only when our own proxy sent it (an outside attacker's probe): Django
believes the header (``SECURE_PROXY_SSL_HEADER``) for ``request.is_secure()`` — the HTTPS redirect, absolute
addresses, CSRF's Referer rule — so from any peer that is not one of ``DJANGO_TRUSTED_PROXIES`` it is dropped
(``accounts.client_address.ForwardedProtoMiddleware``), as X-Forwarded-For is ignored."""

import ipaddress

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from accounts.client_address import ForwardedProtoMiddleware

PROXY = "10.0.0.2"
OUTSIDER = "198.51.100.7"
LOGIN = "/en/accounts/login/"


@pytest.fixture
def behind_proxy(settings):
    """The site sits behind its load balancer (10.0.0.2) and a CDN edge network (192.0.2.0/24)."""
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.2/32"), ipaddress.ip_network("192.0.2.0/24"))


def secure_as_the_view_sees_it(peer: str | None, proto: str = "https") -> bool:
    """``request.is_secure()`` behind the middleware, for a plain-HTTP request from ``peer`` naming ``proto``."""
    seen: list[bool] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.is_secure())
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO=proto)
    if peer is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = peer
    ForwardedProtoMiddleware(view)(request)
    return seen[0]


def test_the_header_alone_makes_django_take_a_request_as_https(settings):
    """What the middleware guards against: Django's own rule, with the header kept."""
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https").is_secure()


@pytest.mark.parametrize("peer", [OUTSIDER, "10.0.0.3", "2001:db8::1", "", "not an address", None])
def test_from_a_peer_that_is_not_our_proxy_the_header_does_not_make_the_request_secure(behind_proxy, peer):
    assert secure_as_the_view_sees_it(peer) is False


def test_without_a_configured_proxy_no_peer_is_believed(settings):
    settings.TRUSTED_PROXIES = ()
    assert secure_as_the_view_sees_it(PROXY) is False
    assert secure_as_the_view_sees_it("127.0.0.1") is False


@pytest.mark.parametrize("peer", [PROXY, "::ffff:10.0.0.2", "192.0.2.77"])
def test_from_our_proxy_the_header_says_the_client_used_https(behind_proxy, peer):
    assert secure_as_the_view_sees_it(peer) is True
    assert secure_as_the_view_sees_it(peer, proto="http") is False


@pytest.mark.django_db
def test_the_https_redirect_is_not_skipped_by_a_forged_header(behind_proxy, settings):
    """The whole stack, as in production: the middleware answers before SecurityMiddleware's redirect."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["bcm.example.org"]
    forged = Client(REMOTE_ADDR=OUTSIDER).get(LOGIN, HTTP_HOST="bcm.example.org", HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301 and forged["Location"] == f"https://bcm.example.org{LOGIN}"
    proxied = Client(REMOTE_ADDR=PROXY).get(LOGIN, HTTP_HOST="bcm.example.org", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    plain = Client(REMOTE_ADDR=PROXY).get(LOGIN, HTTP_HOST="bcm.example.org", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301


@pytest.mark.django_db
def test_a_forged_header_does_not_switch_on_csrfs_https_referer_rule(behind_proxy, settings):
    """On HTTPS Django refuses a form posted without a Referer; a forged header from an outsider does not
    turn that rule on (the request stays plain HTTP), and our proxy's header does."""
    settings.ALLOWED_HOSTS = ["bcm.example.org"]
    data = {"username": "nobody@example.test", "password": "wrong"}

    def post_from(peer: str):
        client = Client(REMOTE_ADDR=peer, enforce_csrf_checks=True, HTTP_HOST="bcm.example.org")
        client.get(LOGIN)
        token = client.cookies["csrftoken"].value
        return client.post(LOGIN, data | {"csrfmiddlewaretoken": token}, HTTP_X_FORWARDED_PROTO="https")

    assert post_from(OUTSIDER).status_code == 200  # checked as plain HTTP: the form's refusal, not CSRF's
    assert post_from(PROXY).status_code == 403  # HTTPS without a Referer: CSRF's refusal
