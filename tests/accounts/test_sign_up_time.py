"""Sign-up answers the same page whether or not an address has an account, and takes the same time: the
password is hashed either way (hashing is nearly all of a new account's time; a taken address skipped it and
answered in a twentieth of the time, which told an onlooker the address had an account)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    encoded = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).encoded += 1
        return super().encode(password, salt)


def hashes_spent_signing_up(email: str) -> int:
    CountingHasher.encoded = 0
    form = {
        "email": email,
        "display_name": "林雅婷",
        "password1": "Correct-horse-battery-9",
        "password2": "Correct-horse-battery-9",
        "preferred_language": "zh-hant",
    }
    response = Client().post("/zh-hant/accounts/signup/", form)
    assert response.status_code == 200 and "accounts/signup_done.html" in [t.name for t in response.templates]
    return CountingHasher.encoded


@override_settings(PASSWORD_HASHERS=[f"{__name__}.CountingHasher"])
def test_a_taken_address_costs_the_same_hashing_as_a_free_one():
    UserFactory(email="taken@example.test")
    free = hashes_spent_signing_up("free@example.test")
    taken = hashes_spent_signing_up("taken@example.test")
    assert free == 1
    assert taken == free
