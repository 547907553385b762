"""The admin's change-password pages (staff changing their own password; the program office setting someone's in
the user admin) show the password rules' errors under the new password, where the rules are listed, and only "the
two passwords differ" under its confirmation: Django put the rules' errors under the confirmation, as the site's
set-password page did before (tests/accounts/test_password_reset.py)."""

import pytest
from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD, logged_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RULES = {"password_too_common", "password_entirely_numeric"}  # what "12345678" breaks


def codes(response, field: str) -> set[str]:
    return {error.code for error in response.context["form"].errors.as_data().get(field, [])}


def rule_errors_stand_before(html: str, message: str, confirmation: str) -> bool:
    """Whether ``message`` is shown above the confirmation field (under the new password), not below it."""
    return -1 < html.find(message) < html.find(f'name="{confirmation}"')


@pytest.mark.parametrize(
    ("language", "too_common"),
    [("en", "This password is too common."), ("zh-hant", "這個密碼太常見了。")],
)
def test_staff_changing_their_own_password_read_the_rules_under_the_new_one(
    institution_admin: User, language: str, too_common: str
):
    client: Client = logged_in(institution_admin)
    url = f"/{language}/admin/password_change/"
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert codes(response, "new_password1") == RULES and codes(response, "new_password2") == set()
    assert rule_errors_stand_before(response.content.decode(), too_common, "new_password2")
    # Two different passwords: the rules under the first, the difference under the confirmation.
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "87654321"})
    assert codes(response, "new_password1") >= RULES and codes(response, "new_password2") == {"password_mismatch"}
    institution_admin.refresh_from_db()
    assert institution_admin.check_password(PASSWORD)
    # A good one is taken.
    good = "a-long-and-unusual-phrase-2026"
    response = client.post(url, {"old_password": PASSWORD, "new_password1": good, "new_password2": good})
    assert response.status_code == 302
    institution_admin.refresh_from_db()
    assert institution_admin.check_password(good)


@pytest.mark.parametrize(
    ("language", "too_common"),
    [("en", "This password is too common."), ("zh-hant", "這個密碼太常見了。")],
)
def test_the_user_admin_shows_the_rules_under_the_new_password(program_office: User, language: str, too_common: str):
    person = UserFactory(email="someone@example.test")
    client: Client = logged_in(program_office)
    url = f"/{language}/admin/accounts/user/{person.pk}/password/"
    response = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert codes(response, "password1") == RULES and codes(response, "password2") == set()
    assert rule_errors_stand_before(response.content.decode(), too_common, "password2")
    response = client.post(url, {"password1": "12345678", "password2": "87654321"})
    assert codes(response, "password1") >= RULES and codes(response, "password2") == {"password_mismatch"}
    good = "a-long-and-unusual-phrase-2026"
    response = client.post(url, {"password1": good, "password2": good})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(good)
