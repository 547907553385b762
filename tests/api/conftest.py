"""The API tests' view of the cast (tests/conftest.py): bank A's and bank B's HR systems, each with an
API client holding a token of every scope, and an employee of each bank.

Tokens are made directly (the token endpoint has its own tests), one per client and scope set.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from hr_api.models import ApiClient


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
def cast(hr_client: ApiClient, other_hr_client: ApiClient) -> Cast:
    return Cast(hr_a=hr_client, hr_b=other_hr_client, api_a=http(hr_client), api_b=http(other_hr_client))


@pytest.fixture
def employee_a(cast, trainee):
    """Bank A's employee BANK-A-0001 (the cast's trainee)."""
    return trainee.trainee_profile


@pytest.fixture
def employee_b(cast, other_trainee):
    """Bank B's employee BANK-B-0007 (the cast's other trainee)."""
    return other_trainee.trainee_profile


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body
