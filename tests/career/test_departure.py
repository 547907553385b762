"""A manager who leaves their bank leaves its register: the grade ends (kept with its history), out of the
bank's HR API and admin, with no lending authority, and the compliance sweep makes no event or webhook about
someone who is no longer the bank's. Leaving is a move to another bank (its HR system gives the person's
address to an employee, and the person confirms the mailed link) or the bank deactivating them."""

import datetime
import importlib
import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts import employees
from accounts.models import TraineeProfile
from career import selectors, signals
from career.models import ComplianceEvent, GradeChange, ManagerGrade
from career.services import register
from tests.api.conftest import http
from tests.career.conftest import grade
from tests.conftest import in_english, logged_in
from tests.factories import TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


@pytest.fixture
def heard():
    events = []

    def receiver(sender, event, **kwargs):
        events.append(event.pk)

    signals.compliance_changed.connect(receiver, dispatch_uid="test_departure_heard")
    yield events
    signals.compliance_changed.disconnect(dispatch_uid="test_departure_heard")


def move(person, to_employer, capture) -> TraineeProfile:
    """Bank B's HR system creates an employee, then gives it the person's address; the person confirms the link."""
    with capture(execute=True):
        stand_in = employees.do_create_employee(
            employer=to_employer,
            values={"employee_number": "BANK-B-0042", "email": "newcomer@bank-b.example", "display_name": "陳怡君"},
            site_url=SITE,
        )
    mail.outbox.clear()
    with capture(execute=True):
        profile = TraineeProfile.objects.select_for_update().get(pk=stand_in.pk)
        employees.do_change_employee_email(profile=profile, email=person.email, site_url=SITE)
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    token = re.search(r"/accounts/employment/([^/\s\"<]+)/", message.body).group(1)
    with capture(execute=True):
        return employees.do_accept_employment(token=token, person=person)


def test_a_manager_who_moves_to_another_bank_leaves_the_old_banks_register(
    graded, trainee, employer, other_employer, hr_client, hr_staff, heard, django_capture_on_commit_callbacks
):
    old_grade, _certificate = graded
    old_profile = old_grade.employee
    assert selectors.grades_of_employer(employer.pk).count() == 1

    move(trainee, other_employer, django_capture_on_commit_callbacks)

    old_profile.refresh_from_db()
    assert old_profile.employer == employer and not old_profile.user.is_active  # the move, as designed
    # Bank A's register: the HR API lists nobody, the detail is gone, the admin lists nobody.
    api = http(hr_client)
    assert api.get("/api/v1/managers/").json()["results"] == []
    assert api.get(f"/api/v1/managers/{old_profile.pk}/").status_code == 404
    assert not selectors.register_of_employer(employer.pk).exists()
    page = logged_in(in_english(hr_staff)).get("/en/admin/career/managergrade/")
    assert page.status_code == 200 and "BANK-A-0001" not in page.content.decode()
    # The grade ended, its history kept.
    ended = ManagerGrade.with_ended.get(pk=old_grade.pk)
    assert ended.ended_at is not None and ended.employer == employer
    assert GradeChange.objects.filter(grade=ended).count() == 1
    # The sweep settles nothing and announces nothing about a person who is no longer bank A's.
    events_before = ComplianceEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert register.do_sweep_compliance() == {"settled": 0, "announced": 0}
    assert ComplianceEvent.objects.count() == events_before and heard == []
    assert ManagerGrade.with_ended.get(pk=old_grade.pk).compliant  # left as it was when they left
    # The person has no grade at the new bank until it grades them.
    assert selectors.grade_of(trainee) is None


def test_a_manager_the_bank_deactivates_leaves_its_register_and_the_sweep(
    graded, trainee, employer, heard, django_capture_on_commit_callbacks
):
    old_grade, certificate = graded
    with django_capture_on_commit_callbacks(execute=True):
        employees.do_deactivate_employee(profile=trainee.trainee_profile)

    assert not selectors.grades_of_employer(employer.pk).exists()
    assert ManagerGrade.with_ended.get(pk=old_grade.pk).ended_at is not None
    # Their certificate lapses after they left: no compliance change for bank A.
    certificate.status = certificate.Status.EXPIRED
    certificate.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        assert register.do_sweep_compliance()["settled"] == 0
        assert register.do_recheck_compliance(trainee_id=trainee.pk) is None
    assert heard == [] and not ComplianceEvent.objects.exists()


def test_the_program_offices_counts_by_bank_leave_out_a_manager_who_left(
    graded, trainee, employer, django_capture_on_commit_callbacks
):
    def counts() -> tuple[int, int, int]:
        row = selectors.compliance_counts().get(pk=employer.pk)
        return row.graded, row.compliant_count, row.non_compliant_count

    assert counts() == (1, 1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        employees.do_deactivate_employee(profile=trainee.trainee_profile)
    assert counts() == (0, 0, 0)


def test_a_grade_given_again_after_reactivation_reopens_it_with_its_history(
    graded, trainee, employer, hr_staff, django_capture_on_commit_callbacks
):
    old_grade, _certificate = graded
    row = trainee.trainee_profile
    with django_capture_on_commit_callbacks(execute=True):
        employees.do_deactivate_employee(profile=row)
    with django_capture_on_commit_callbacks(execute=True):
        employees.do_reactivate_employee(profile=row, site_url=SITE)
    trainee = type(trainee).objects.get(pk=trainee.pk)
    assert trainee.trainee_profile.pk == row.pk  # back on the bank's row
    assert not selectors.grades_of_employer(employer.pk).exists()  # reactivated, not graded again by itself

    again = grade(trainee, manager_class="personal", level="junior", by=hr_staff)

    assert again.pk == old_grade.pk and again.ended_at is None and again.level == "junior"
    assert list(selectors.grades_of_employer(employer.pk)) == [again]
    _first, second = GradeChange.objects.filter(grade=again).order_by("pk")
    assert (second.old_class, second.old_level, second.new_level) == ("", "", "junior")


def test_the_migration_ends_the_grades_of_those_who_left_before(graded, trainee, employer):
    from django.apps import apps

    old_grade, _certificate = graded
    type(trainee).objects.filter(pk=trainee.pk).update(is_active=False)  # left before grades ended with it
    assert selectors.grades_of_employer(employer.pk).exists()

    importlib.import_module("career.migrations.0004_grade_ended_labels").end_grades_of_leavers(apps, None)

    assert not selectors.grades_of_employer(employer.pk).exists()
    assert ManagerGrade.with_ended.get(pk=old_grade.pk).ended_at is not None


def test_an_ended_grade_reads_naturally_in_the_history(graded, trainee, django_capture_on_commit_callbacks):
    old_grade, _certificate = graded
    with django_capture_on_commit_callbacks(execute=True):
        employees.do_deactivate_employee(profile=trainee.trainee_profile)
    (change,) = GradeChange.objects.filter(grade_id=old_grade.pk)
    with translation.override("en"):
        assert str(change) == f"{trainee}: personal · intermediate (first grade)"


def test_a_move_ends_only_the_grade_of_the_profile_left_behind(
    graded, trainee, employer, other_employer, django_capture_on_commit_callbacks
):
    """The move ends the grade of the one profile it leaves behind, not every inactive profile under the person's
    address: another bank's record listing it, on an account deactivated there, is that bank's business (its
    deactivation's receiver, or the sweep), not this move's."""
    old_grade, _certificate = graded
    elsewhere = TraineeProfileFactory(
        user=UserFactory(is_active=False), listed_email=trainee.email, employee_number="BANK-C-0009"
    )
    elsewhere_grade = ManagerGrade.objects.create(
        employer=elsewhere.employer, employee=elsewhere, manager_class="personal", level="junior",
        since=datetime.date(2026, 1, 1),
    )  # fmt: skip

    move(trainee, other_employer, django_capture_on_commit_callbacks)

    assert ManagerGrade.with_ended.get(pk=old_grade.pk).ended_at is not None
    assert ManagerGrade.with_ended.get(pk=elsewhere_grade.pk).ended_at is None


def test_saving_an_account_that_was_inactive_already_leaves_its_grade_alone(
    graded, trainee, django_capture_on_commit_callbacks
):
    old_grade, _certificate = graded
    with django_capture_on_commit_callbacks(execute=True):
        employees.do_deactivate_employee(profile=trainee.trainee_profile)
    ended = ManagerGrade.with_ended.get(pk=old_grade.pk)
    assert ended.ended_at is not None

    again = type(trainee).objects.get(pk=trainee.pk)  # inactive as stored
    again.display_name = "陳怡君（離職）"
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        again.save()

    assert not [q["sql"] for q in queries if "career_managergrade" in q["sql"]]
    after = ManagerGrade.with_ended.get(pk=old_grade.pk)
    assert (after.ended_at, after.updated_at) == (ended.ended_at, ended.updated_at)


def test_a_deactivation_rolled_back_keeps_the_grade(graded, trainee, employer, django_capture_on_commit_callbacks):
    """The grade ends once the deactivation commits, never for one that did not."""
    old_grade, _certificate = graded
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        employees.do_deactivate_employee(profile=trainee.trainee_profile)
        raise RuntimeError
    assert list(selectors.grades_of_employer(employer.pk)) == [old_grade]


def test_the_sweep_ends_the_grade_of_a_holder_whose_receiver_was_lost(graded, trainee, employer):
    old_grade, _certificate = graded
    employees.do_deactivate_employee(profile=trainee.trainee_profile)  # committed, its receiver never ran
    assert selectors.grades_of_employer(employer.pk).exists()

    register.do_sweep_compliance()

    assert not selectors.grades_of_employer(employer.pk).exists()
    assert ManagerGrade.with_ended.get(pk=old_grade.pk).ended_at is not None
