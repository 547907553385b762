"""The cast of the API tests: bank A's HR system (every scope), a read-only one, and bank B's.

Tokens are made directly (the token endpoint has its own tests), one per client and scope set.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from hr_api.models import SCOPES, ApiClient
from hr_api.services import do_create_client
from tests.factories import EmployerFactory, TraineeProfileFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttle_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def token_for(client: ApiClient, scopes=None) -> str:
    token = AccessToken.objects.create(
        application=client.application,
        token=f"tok-{client.pk}-{'-'.join(scopes or client.scopes)}-{AccessToken.objects.count()}",
        expires=timezone.now() + datetime.timedelta(hours=1),
        scope=" ".join(scopes if scopes is not None else client.scopes),
    )
    return token.token


def http(client: ApiClient, scopes=None) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(client, scopes)}")
    return api


@dataclass
class Cast:
    hr_a: ApiClient
    hr_b: ApiClient
    api_a: APIClient
    api_b: APIClient


@pytest.fixture
def cast(db) -> Cast:
    bank_a = EmployerFactory(code="bank-alpha")
    bank_b = EmployerFactory(code="bank-bravo")
    hr_a, _ = do_create_client(employer=bank_a, name="Alpha HR", scopes=SCOPES, client_id="hr-alpha", client_secret="s-a")
    hr_b, _ = do_create_client(employer=bank_b, name="Bravo HR", scopes=SCOPES, client_id="hr-bravo", client_secret="s-b")
    return Cast(hr_a=hr_a, hr_b=hr_b, api_a=http(hr_a), api_b=http(hr_b))


@pytest.fixture
def employee_a(cast):
    return TraineeProfileFactory(employer=cast.hr_a.employer, employee_number="A-0001")


@pytest.fixture
def employee_b(cast):
    return TraineeProfileFactory(employer=cast.hr_b.employer, employee_number="B-0001")


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body
