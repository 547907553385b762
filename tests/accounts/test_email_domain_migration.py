"""accounts 0021 puts addresses stored with an internationalised domain in the form log-in now looks up (the
domain in ASCII), leaves every other address as it is, and leaves (and names) a log-in address whose new
form another account has."""

import pytest

from accounts.models import TraineeProfile, User
from tests.factories import UserFactory

from .test_employee_numbers import latest, migrate, past_profile

BEFORE = [("accounts", "0020_employee_numbers_to_the_rule")]


def planted(email: str) -> int:
    """An account whose address was stored the old way (the domain as typed)."""
    user = UserFactory(email=f"planted-{User.objects.count()}@example.test")
    User.objects.filter(pk=user.pk).update(email=email)
    return user.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_domains_beyond_ascii_are_rewritten_and_clashes_named(employer, capsys):
    try:
        past = migrate(BEFORE)
        users = {email: planted(email) for email in
                 ["mei@示範.test", "wang@пример.рф", "chen@bank.example", "lin@ab--cd.example",
                  "twin@xn--bizz5c.test", "twin@示範.test"]}  # fmt: skip
        profiles = past.get_model("accounts", "TraineeProfile").objects
        profile = past_profile(past, employer_id=employer.pk, employee_number="E-1")
        profiles.filter(pk=profile).update(listed_email="li@示範.test", pending_email="li@bücher.de")
        before = profiles.get(pk=profile).updated_at
        migrate(latest())
    finally:
        migrate(latest())

    stored = dict(User.objects.values_list("pk", "email"))
    assert {typed: stored[pk] for typed, pk in users.items()} == {
        "mei@示範.test": "mei@xn--bizz5c.test",
        "wang@пример.рф": "wang@xn--e1afmkfd.xn--p1ai",
        "chen@bank.example": "chen@bank.example",
        "lin@ab--cd.example": "lin@ab--cd.example",
        "twin@xn--bizz5c.test": "twin@xn--bizz5c.test",
        "twin@示範.test": "twin@示範.test",  # another account has its new form: left for the office
    }
    profile = TraineeProfile.objects.get(pk=profile)
    assert (profile.listed_email, profile.pending_email) == ("li@xn--bizz5c.test", "li@xn--bcher-kva.de")
    assert profile.updated_at != before  # the HR API's sync sees the address as it now is

    printed = capsys.readouterr().out
    assert "accounts 0021: 2 log-in addresses rewritten with the domain in ASCII" in printed
    assert "accounts 0021: 1 log-in addresses left as stored, as another account has the new form:" in printed
    twin, other = users["twin@示範.test"], users["twin@xn--bizz5c.test"]
    assert f"user {twin} 'twin@示範.test' -> 'twin@xn--bizz5c.test' (user {other})" in printed
    assert "accounts 0021: 1 employees' given or requested addresses rewritten" in printed
