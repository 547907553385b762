"""The people of the import tests, from the shared cast (tests/conftest.py), logged in and reading English."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import in_english, logged_in


@pytest.fixture
def alice(institution_admin) -> Client:
    """inst-a's admin: imports trainees and enrolments into inst-a."""
    return logged_in(in_english(institution_admin))


@pytest.fixture
def bob(other_institution_admin) -> Client:
    """inst-b's admin, the outsider to Alice's imports."""
    return logged_in(in_english(other_institution_admin))


@pytest.fixture
def office(program_office) -> Client:
    """The program office: imports the question bank."""
    return logged_in(in_english(program_office))
