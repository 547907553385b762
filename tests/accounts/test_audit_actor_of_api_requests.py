"""The audit trail names who made a request without authenticating it again. A DRF request authenticates when its
``user`` is first read; with HTTP Basic authentication a wrong password fails a log-in through Django, which the
trail records, and reading ``user`` from there started authentication again and again: RecursionError, a 500."""

import base64

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import BaseAuthentication, BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts import audit
from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


class NeverAsked(BaseAuthentication):
    def authenticate(self, request):
        raise AssertionError("the audit trail authenticated the request")


def test_a_wrong_basic_password_is_refused_and_audited_once():
    UserFactory(email="someone@example.test")
    wrapped = APIRequestFactory().get("/api/", HTTP_AUTHORIZATION=basic("someone@example.test", "wrong"))
    request = Request(wrapped, authenticators=[BasicAuthentication()])
    with pytest.raises(AuthenticationFailed):
        request.user  # noqa: B018  reading it authenticates
    failed = AuditEvent.objects.filter(action=audit.Action.LOGIN_FAILED)
    assert list(failed.values_list("actor_label", flat=True)) == ["someone@example.test"]


def test_the_trail_takes_the_known_user_and_never_authenticates():
    person = UserFactory()
    wrapped = APIRequestFactory().get("/api/")
    wrapped.user = AnonymousUser()  # what AuthenticationMiddleware gives a request without a session
    request = Request(wrapped, authenticators=[NeverAsked()])
    assert isinstance(audit._request_actor(request), AnonymousUser)  # not authenticated yet: the session's
    request.user = person  # as DRF sets it once an authenticator has answered
    assert audit._request_actor(request) == person
    event = audit.record(audit.Action.ADMIN_EXPORT, request=request, summary="x")
    assert event.actor == person
