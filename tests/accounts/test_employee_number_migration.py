"""accounts 0020 puts employee numbers stored past the forms in the form of the rule (clean_employee_number),
leaves those the rule refuses and those that would become another employee's number as they are, and says
how many of each, naming the profiles, for the program office to correct in admin."""

import pytest
from django.db.migrations.state import StateApps

from accounts.models import TraineeProfile

from .test_employee_numbers import latest, migrate, past_profile

BEFORE = [("accounts", "0019_employee_numbers_normalized")]


def planted(past: StateApps, employer, number: str) -> int:
    """A profile whose number was written the old way: past the form, which would have normalised or refused it."""
    pk = past_profile(past, employer_id=employer.pk)
    past.get_model("accounts", "TraineeProfile").objects.filter(pk=pk).update(employee_number=number)
    return pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_the_rule_takes_are_rewritten_and_the_rest_reported(employer, other_employer, capsys):
    try:
        past = migrate(BEFORE)
        mine = {
            number: planted(past, employer, number)
            for number in [
                "Ａ－１００１",  # full-width
                "\u3000B-2 ",  # spaces around
                "C-3",  # as the rule stores it
                "A 1001",  # refused: a space inside
                "E\u200b5",  # refused: an invisible character
                "-F6",  # refused: a separator at an end
                "Ｄ－４",  # would become the D-4 below
                "D-4",
            ]
        }
        theirs = planted(past, other_employer, "Ｄ－４")  # D-4 is free at the other bank
        before = dict(past.get_model("accounts", "TraineeProfile").objects.values_list("pk", "updated_at"))
        migrate(latest())
    finally:
        migrate(latest())

    stored = dict(TraineeProfile.objects.values_list("pk", "employee_number"))
    assert {typed: stored[pk] for typed, pk in mine.items()} == {
        "Ａ－１００１": "A-1001",
        "\u3000B-2 ": "B-2",
        "C-3": "C-3",
        "A 1001": "A 1001",
        "E\u200b5": "E\u200b5",
        "-F6": "-F6",
        "Ｄ－４": "Ｄ－４",
        "D-4": "D-4",
    }
    assert stored[theirs] == "D-4"
    moved = {pk for pk, at in TraineeProfile.objects.values_list("pk", "updated_at") if at != before[pk]}
    assert moved == {mine["Ａ－１００１"], mine["\u3000B-2 "], theirs}  # the HR API's sync sees the new form

    printed = capsys.readouterr().out
    assert "accounts 0020: 3 employee numbers rewritten in the rule's form" in printed
    refused = ", ".join(f"profile {mine[n]} {n!r}" for n in ["A 1001", "E\u200b5", "-F6"])
    assert f"accounts 0020: 3 employee numbers the rule refuses, left as stored: {refused}" in printed
    assert "accounts 0020: 2 employee numbers left as stored, as they would become the same number:" in printed
    assert f"profile {mine['Ｄ－４']} 'Ｄ－４', profile {mine['D-4']} 'D-4' -> 'D-4'" in printed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_already_in_the_rules_form_are_left_alone(employer, capsys):
    try:
        past = migrate(BEFORE)
        profile = past_profile(past, employer_id=employer.pk, employee_number="X-1")
        updated_at = past.get_model("accounts", "TraineeProfile").objects.get(pk=profile).updated_at
        migrate(latest())
    finally:
        migrate(latest())
    assert TraineeProfile.objects.filter(pk=profile).values_list("employee_number", "updated_at").get() == (
        "X-1",
        updated_at,
    )
    printed = capsys.readouterr().out
    assert "accounts 0020: 0 employee numbers rewritten" in printed and "refuses" not in printed
