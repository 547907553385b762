"""Why an employee row is inactive is a column of the row (``TraineeProfile.deactivated_by``, and ``left_by``: the
person who left), written wherever a deactivation happens, not read back from the append-only audit trail. Migration
0028 fills it once from the trail with the rule reactivation used until now."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, transaction

from accounts import employees
from accounts.models import AuditEvent, TraineeProfile, User
from accounts.services import AccountError
from tests.factories import EmployerFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
SITE = "http://testserver"
Reason = TraineeProfile.Deactivation


def reason_of(profile: TraineeProfile) -> str:
    return TraineeProfile.objects.get(pk=profile.pk).deactivated_by


def test_a_departure_says_who_left_and_a_return_clears_it(employer, trainee):
    row = trainee.trainee_profile
    employees.do_deactivate_employee(profile=row)
    row.refresh_from_db()
    assert (row.deactivated_by, row.left_by_id) == (Reason.DEPARTED, trainee.pk)
    assert row.user != trainee and not row.user.is_active

    employees.do_reactivate_employee(profile=row, site_url=SITE)
    row.refresh_from_db()
    assert (row.deactivated_by, row.left_by_id, row.user_id) == ("", None, trainee.pk)


def test_a_placeholder_deactivated_is_the_employers_and_its_reactivation_clears_it(employer, other_trainee):
    placeholder = employees.do_create_employee(
        employer=employer,
        values={"employee_number": "A-9", "email": other_trainee.email, "display_name": "吳佩珊"},
        site_url=SITE,
    )
    employees.do_deactivate_employee(profile=placeholder)
    assert reason_of(placeholder) == Reason.EMPLOYER
    assert not User.objects.get(pk=placeholder.user_id).is_active
    employees.do_reactivate_employee(profile=placeholder, site_url=SITE)
    assert reason_of(placeholder) == ""


def test_the_row_a_mover_leaves_behind_says_moved_and_their_earlier_departures_too(
    employer, other_employer, trainee, django_capture_on_commit_callbacks
):
    """They left bank C (self-funded since), then bank B registers them and they agree: bank C's row can no longer
    bring them back, as bank A's could not."""
    bank_c = EmployerFactory(code="bank-c")
    at_c = TraineeProfileFactory(employer=bank_c, employee_number="C-1", user__email="wanderer@bank.example")
    person = at_c.user
    employees.do_deactivate_employee(profile=at_c)
    with django_capture_on_commit_callbacks(execute=True):
        employees.do_create_employee(
            employer=other_employer,
            values={"employee_number": "B-1", "email": person.email, "display_name": "周杰"},
            site_url=SITE,
        )
    token = re.search(r"/accounts/employment/([^/\s\"<]+)/", mail.outbox[-1].body).group(1)
    employees.do_accept_employment(token=token, person=person)

    at_c.refresh_from_db()
    assert (at_c.deactivated_by, at_c.left_by_id) == (Reason.MOVED, None)
    with pytest.raises(AccountError) as refused:
        employees.do_reactivate_employee(profile=at_c, site_url=SITE)
    assert refused.value.code == "employee_moved"
    assert TraineeProfile.objects.filter(user=person).count() == 1  # the self-funded profile merged away


def test_an_account_deactivated_in_the_user_admin_says_so_and_its_reactivation_clears_it(trainee):
    row = trainee.trainee_profile
    trainee.is_active = False
    trainee.save()
    assert reason_of(row) == Reason.ACCOUNT
    with pytest.raises(AccountError) as refused:
        employees.do_reactivate_employee(profile=row, site_url=SITE)
    assert refused.value.code == "deactivated_by_program_office"
    trainee.is_active = True
    trainee.save()
    assert reason_of(row) == ""


def test_reactivation_reads_the_column_not_the_audit_trail(employer, trainee):
    """The trail says the employer's HR system deactivated the account; the row says the account was deactivated
    otherwise (as the user admin does): the row decides."""
    row = trainee.trainee_profile
    User.objects.filter(pk=trainee.pk).update(is_active=False)
    AuditEvent.objects.create(
        action="user_deactivated", object_type="accounts.User", object_id=str(trainee.pk), employer=employer
    )
    TraineeProfile.objects.filter(pk=row.pk).update(deactivated_by=Reason.ACCOUNT)
    with pytest.raises(AccountError) as refused:
        employees.do_reactivate_employee(profile=row, site_url=SITE)
    assert refused.value.code == "deactivated_by_program_office"

    TraineeProfile.objects.filter(pk=row.pk).update(deactivated_by=Reason.EMPLOYER)  # as 0028 fills it
    employees.do_reactivate_employee(profile=row, site_url=SITE)
    assert User.objects.get(pk=trainee.pk).is_active  # a person deactivated before 0028: their account, on again


def test_a_self_funded_profile_is_not_deactivated_as_an_employee():
    own = TraineeProfileFactory(employer=None, employee_number="")
    with pytest.raises(ValueError):
        employees.do_deactivate_employee(profile=own)
    assert User.objects.get(pk=own.user_id).is_active


def test_the_database_refuses_a_reason_it_does_not_know_and_a_leaver_on_another_row(trainee):
    row = trainee.trainee_profile
    with pytest.raises(IntegrityError), transaction.atomic():
        TraineeProfile.objects.filter(pk=row.pk).update(deactivated_by="fired")
    with pytest.raises(IntegrityError), transaction.atomic():
        TraineeProfile.objects.filter(pk=row.pk).update(left_by=UserFactory())


def test_the_migration_fills_the_reason_from_the_trail_as_reactivation_read_it(employer, other_employer):
    def inactive_row(number: str, **fields) -> TraineeProfile:
        row = TraineeProfileFactory(employer=employer, employee_number=number, **fields)
        User.objects.filter(pk=row.user_id).update(is_active=False)
        return row

    def deactivated(row: TraineeProfile, **fields) -> None:
        AuditEvent.objects.create(
            action="user_deactivated", object_type="accounts.User", object_id=str(row.user_id), **fields
        )

    moved = inactive_row("A-1")
    AuditEvent.objects.create(action="api_write", detail={"change": "employment_accepted", "former": moved.pk})
    by_hr = inactive_row("A-2")
    deactivated(by_hr, employer=employer)
    by_office = inactive_row("A-3")
    deactivated(by_office, employer=employer, actor=UserFactory())
    other_banks_client = inactive_row("A-4")
    deactivated(other_banks_client, employer=other_employer)
    office_after_hr = inactive_row("A-5")
    deactivated(office_after_hr, employer=employer)
    deactivated(office_after_hr, actor=UserFactory())  # the last one counts
    untraced = inactive_row("A-6")
    active = TraineeProfileFactory(employer=employer, employee_number="A-7")
    TraineeProfile.objects.update(deactivated_by="")

    importlib.import_module("accounts.migrations.0028_employee_deactivated_by").fill_deactivated_by(apps, None)

    assert {
        row.employee_number: row.deactivated_by
        for row in TraineeProfile.objects.filter(employer=employer).order_by("employee_number")
    } == {
        moved.employee_number: "moved",
        by_hr.employee_number: "employer",
        by_office.employee_number: "account",
        other_banks_client.employee_number: "account",
        office_after_hr.employee_number: "account",
        untraced.employee_number: "account",
        active.employee_number: "",
    }
