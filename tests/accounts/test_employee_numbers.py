"""An employee number is one identifier however it is typed: ``a-1001``, ``A-1001`` and ``Ａ－１００１``
name one employee of a bank in the admin, the trainee import and the database (accounts.identifiers).
The HR API's side is in tests/api/test_employee_numbers.py."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps
from django.test import Client
from django.urls import reverse

from accounts import services as accounts_services
from accounts.identifiers import normalize_employee_number
from accounts.models import TraineeProfile
from tests.factories import TraineeProfileFactory


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("a-1001", "A-1001"),
        (" A-1001 ", "A-1001"),
        ("Ａ－１００１", "A-1001"),
        ("ｅ００１２", "E0012"),
        ("台北-7", "台北-7"),
    ],
)
def test_a_number_is_stored_in_one_form(typed, stored):
    assert normalize_employee_number(typed) == stored


@pytest.mark.django_db
def test_the_database_refuses_a_number_in_another_form(employer):
    profile = TraineeProfileFactory(employer=employer, employee_number="A-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        TraineeProfile.objects.filter(pk=profile.pk).update(employee_number="a-1")


@pytest.mark.django_db
def test_a_trainee_import_row_finds_the_employee_however_the_number_is_typed(employer):
    profile = TraineeProfileFactory(employer=employer, employee_number="X-1")
    row = {"email": profile.user.email, "display_name": "林小華", "employer": employer.code, "employee_number": "ｘ-1"}
    checked = accounts_services.check_trainee_row(values=row, institution=None)
    assert checked.employee_number == "X-1"
    assert checked.profile == profile


@pytest.mark.django_db
def test_the_admin_form_stores_the_number_in_one_form(client: Client, institution, program_office, employer):
    # The program office: institution staff see a person's employer and number read-only.
    profile = TraineeProfileFactory(registered_by=institution, employer=None, employee_number="")
    client.force_login(program_office)
    url = reverse("admin:accounts_traineeprofile_change", args=[profile.pk])
    response = client.post(url, {"user": profile.user.pk, "employer": employer.pk, "employee_number": "ｂ-７",
                                 "branch": "", "manager_class": "", "phone": "",
                                 "registered_by": institution.pk})  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.employee_number == "B-7"


def migrate(targets) -> StateApps:
    """The test database migrated to ``targets``; the answer is the models as they were there, for the rows a test
    makes or reads at that point (today's models name columns an earlier schema does not have yet)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def past_profile(apps: StateApps, *, email: str = "", **fields: object) -> int:
    """A trainee profile, with an account that has no password, made with the models of ``apps`` (:func:`migrate`),
    as the code of that time stored them; ``fields``: the profile's (``employer_id``, ``employee_number``, …). Its
    pk."""
    user_model = apps.get_model("accounts", "User")
    user = user_model.objects.create(
        email=email or f"past-{user_model.objects.count()}@example.test", display_name="舊學員", password="!"
    )
    return apps.get_model("accounts", "TraineeProfile").objects.create(user=user, **fields).pk


BEFORE = [("accounts", "0018_phone_numbers")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_stored_before_are_rewritten_and_printed(employer, capsys):
    try:
        past = migrate(BEFORE)
        made = {number: past_profile(past, employer_id=employer.pk, employee_number=number)
                for number in ["a-1001", "Ｂ－２", "C-3"]}  # fmt: skip
        migrate(latest())
    finally:
        migrate(latest())
    stored = dict(TraineeProfile.objects.filter(pk__in=made.values()).values_list("pk", "employee_number"))
    assert {typed: stored[pk] for typed, pk in made.items()} == {"a-1001": "A-1001", "Ｂ－２": "B-2", "C-3": "C-3"}
    printed = capsys.readouterr().out
    assert f"accounts 0019: trainee profile {made['a-1001']} employee number 'a-1001' -> 'A-1001'" in printed
    assert "'C-3' ->" not in printed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_numbers_that_become_one_stop_the_migration_before_it_writes(employer):
    try:
        past = migrate(BEFORE)
        first, second, lower = (
            past_profile(past, employer_id=employer.pk, employee_number=number) for number in ["a-1", "A-1", "z-9"]
        )
        with pytest.raises(RuntimeError, match=f"profile {first} 'a-1', profile {second} 'A-1'"):
            migrate(latest())
        then = past.get_model("accounts", "TraineeProfile").objects
        assert then.get(pk=lower).employee_number == "z-9"
        then.filter(pk=first).update(employee_number="A-1-OLD")
    finally:
        migrate(latest())
    assert TraineeProfile.objects.get(pk=lower).employee_number == "Z-9"
