"""The institution admin of inst-a (alice) and the program office, logged in and reading English."""

import pytest
from django.test import Client

from tests.conftest import in_english, logged_in


@pytest.fixture
def alice(institution_admin) -> Client:
    return logged_in(in_english(institution_admin))


@pytest.fixture
def office(program_office) -> Client:
    return logged_in(in_english(program_office))
