"""The isolation world of the admin sweeps (test_admin_isolation, test_admin_sweep_lookups)."""

import pytest
from django.test import Client

from tests.isolation import World, build_world


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def admin_a_client(client: Client, world: World) -> Client:
    client.force_login(world.admin_a)
    return client


@pytest.fixture
def hr_a_client(world: World) -> Client:
    """Employer A's HR staff member, in admin."""
    hr = Client()
    hr.force_login(world.hr_a)
    return hr
