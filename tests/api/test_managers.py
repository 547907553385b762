"""/api/v1/managers/: the employer's career register — grade, lending authority, compliance and history —
for its own managers only, behind the scope ``managers``, synced by ``updated_since`` in cursor pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from career.models import AuthorityTable, GradeChange, ManagerGrade
from certification import services as certification
from tests.career.conftest import certify, grade
from tests.conftest import logged_in
from tests.factories import TraineeProfileFactory

from .conftest import assert_problem, http

pytestmark = pytest.mark.django_db

FIELDS = {
    "employee",
    "employee_number",
    "manager_class",
    "level",
    "since",
    "lending_authority",
    "compliant",
    "non_compliant_since",
    "history",
    "updated_at",
    "ended_at",
}


def authority(employer, amount=15_000_000, manager_class="personal", level="intermediate"):
    return AuthorityTable.objects.create(employer=employer, manager_class=manager_class, level=level, amount=amount)


@pytest.fixture
def manager_a(cast, employee_a, hr_staff):
    """Bank A's employee, personal · intermediate, backed by a standard retail certificate; 15 M TWD."""
    authority(cast.hr_a.employer)
    certificate = certify(employee_a.user)
    return grade(employee_a.user, by=hr_staff), certificate


@pytest.fixture
def manager_b(cast, employee_b, other_hr_staff):
    certify(employee_b.user)
    return grade(employee_b.user, by=other_hr_staff)


def test_it_lists_its_managers_with_grade_authority_compliance_and_history(cast, manager_a, manager_b, employee_a):
    grade_a, _certificate = manager_a
    rows = cast.api_a.get("/api/v1/managers/").json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == FIELDS
    assert row["employee"] == employee_a.pk and row["employee_number"] == employee_a.employee_number
    assert (row["manager_class"], row["level"], row["since"]) == ("personal", "intermediate", grade_a.since.isoformat())
    assert row["lending_authority"] == 15_000_000
    assert row["compliant"] is True and row["non_compliant_since"] is None
    assert row["history"] == [
        {
            "from_class": None,
            "from_level": None,
            "to_class": "personal",
            "to_level": "intermediate",
            "reason": "appointment",
            "note": "",
            "at": row["history"][0]["at"],
        }
    ]


def test_the_history_is_newest_first_and_a_grade_outside_the_table_has_no_authority(
    cast, manager_a, employee_a, hr_staff
):
    grade(employee_a.user, level="junior", reason=GradeChange.Reason.DEMOTION, by=hr_staff)
    row = cast.api_a.get(f"/api/v1/managers/{employee_a.pk}/").json()
    assert [(h["from_level"], h["to_level"], h["reason"]) for h in row["history"]] == [
        ("intermediate", "junior", "demotion"),
        (None, "intermediate", "appointment"),
    ]
    assert row["level"] == "junior" and row["lending_authority"] is None  # bank A has no junior amount


def test_the_history_is_newest_first_by_time_then_latest_recorded_first(cast, employee_a, hr_staff):
    """Newest first by when each change took effect, not by when it was recorded; two changes at the same
    instant, the one recorded last first. The same in the list and the detail."""
    start = timezone.now() - datetime.timedelta(days=30)
    certify(employee_a.user)
    with freeze_time(start + datetime.timedelta(days=10)):
        appointed = grade(employee_a.user, by=hr_staff)  # personal · intermediate
    # A change that took effect before the appointment, recorded after it (a grade of the bank's own
    # records before the portal, entered late): recorded second, in effect first.
    GradeChange.objects.create(
        grade=appointed,
        new_class="personal",
        new_level="junior",
        reason=GradeChange.Reason.CORRECTION,
        note="補登",
        changed_at=start + datetime.timedelta(days=5),
    )
    with freeze_time(start + datetime.timedelta(days=20)):  # two changes at the same instant
        grade(employee_a.user, level="junior", reason=GradeChange.Reason.DEMOTION, by=hr_staff)
        grade(employee_a.user, level="intermediate", reason=GradeChange.Reason.CORRECTION, by=hr_staff)
    # Another manager of the bank, graded in between, so that the page reads two grades' histories.
    other = TraineeProfileFactory(employer=cast.hr_a.employer)
    certify(other.user)
    with freeze_time(start + datetime.timedelta(days=15)):
        grade(other.user, by=hr_staff)
        grade(other.user, level="junior", reason=GradeChange.Reason.DEMOTION, by=hr_staff)

    def at(days):
        return start + datetime.timedelta(days=days)

    expected = [
        (at(20), "junior", "intermediate", "correction"),
        (at(20), "intermediate", "junior", "demotion"),
        (at(10), None, "intermediate", "appointment"),
        (at(5), None, "junior", "correction"),
    ]

    def history(row):
        return [
            (datetime.datetime.fromisoformat(h["at"]), h["from_level"], h["to_level"], h["reason"])
            for h in row["history"]
        ]

    rows = {r["employee"]: r for r in cast.api_a.get("/api/v1/managers/").json()["results"]}
    assert history(rows[employee_a.pk]) == expected
    assert history(cast.api_a.get(f"/api/v1/managers/{employee_a.pk}/").json()) == expected
    assert history(rows[other.pk]) == [
        (at(15), "intermediate", "junior", "demotion"),
        (at(15), None, "intermediate", "appointment"),
    ]


def test_a_lapsed_certificate_shows_as_not_compliant_since_the_lapse(
    cast, manager_a, employee_a, program_office, django_capture_on_commit_callbacks
):
    _grade, certificate = manager_a
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_suspend_certificate(certificate=certificate, by=program_office, reason="調查中")
    row = cast.api_a.get(f"/api/v1/managers/{employee_a.pk}/").json()
    flagged = ManagerGrade.objects.get(employee=employee_a)
    assert row["compliant"] is False
    assert datetime.datetime.fromisoformat(row["non_compliant_since"]) == flagged.non_compliant_since


def test_another_banks_manager_is_not_found_and_not_listed(cast, manager_a, manager_b, employee_a, employee_b):
    assert_problem(cast.api_a.get(f"/api/v1/managers/{employee_b.pk}/"), 404)
    assert_problem(cast.api_b.get(f"/api/v1/managers/{employee_a.pk}/"), 404)
    assert [r["employee"] for r in cast.api_b.get("/api/v1/managers/").json()["results"]] == [employee_b.pk]
    # An employee of its own without a grade is not a manager either.
    ungraded = TraineeProfileFactory(employer=cast.hr_a.employer)
    assert_problem(cast.api_a.get(f"/api/v1/managers/{ungraded.pk}/"), 404)


def test_the_register_needs_the_managers_scope(cast, manager_a, employee_a):
    without = http(cast.hr_a, scopes=["read", "enroll", "webhooks"])
    for url in ("/api/v1/managers/", f"/api/v1/managers/{employee_a.pk}/"):
        body = assert_problem(without.get(url), 403)
        # The same refusal as every endpoint a token's scopes do not reach.
        assert body == assert_problem(without.get("/api/v1/managers/"), 403)
    webhooks_only = http(cast.hr_a, scopes=["webhooks"])
    assert assert_problem(webhooks_only.get("/api/v1/employees/"), 403)["type"] == body["type"]
    # A client the program office has not granted the scope: its token's scope is not enough.
    type(cast.hr_a).objects.filter(pk=cast.hr_a.pk).update(can_managers=False)
    assert_problem(cast.api_a.get("/api/v1/managers/"), 403)


def test_it_never_shows_an_evaluation_score(cast, manager_a):
    """Evaluations have their own endpoint (issue 19, item 5): the register shows the grade an evaluation
    may have moved, never its scores or weights."""
    row = cast.api_a.get("/api/v1/managers/").json()["results"][0]
    words = " ".join([*row, *(key for change in row["history"] for key in change)])
    assert "score" not in words and "evaluation" not in words and "weight" not in words


def test_updated_since_finds_a_changed_grade_and_a_changed_authority(cast, manager_a, employee_a, hr_staff):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    ManagerGrade.objects.update(updated_at=long_ago)
    AuthorityTable.objects.update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    def synced():
        return [r["employee"] for r in cast.api_a.get("/api/v1/managers/", {"updated_since": since}).json()["results"]]

    assert synced() == []
    # The bank's table changes the amount (in admin, a plain save): the row says something new.
    row = AuthorityTable.objects.get()
    row.amount = Decimal(20_000_000)
    row.save()
    assert synced() == [employee_a.pk]
    assert cast.api_a.get("/api/v1/managers/").json()["results"][0]["lending_authority"] == 20_000_000
    assert_problem(cast.api_a.get("/api/v1/managers/?updated_since=2026-01-01T00:00:00"), 400)


def test_another_banks_class_or_level_in_the_table_does_not_change_a_managers_row(cast, employee_a, hr_staff):
    """A row's ``updated_at`` is the later of its grade's change and the bank's amount for that very grade
    (employer, class and level): a newer amount of another bank, of another class at the same level or of
    another level of the same class says nothing new about it, and ``updated_since`` does not find it."""
    graded_at = timezone.now() - datetime.timedelta(days=10)
    certify(employee_a.user)
    with freeze_time(graded_at):
        grade(employee_a.user, by=hr_staff)  # personal · intermediate; bank A has no amount for it yet
    others_at = graded_at + datetime.timedelta(days=5)
    with freeze_time(others_at):
        authority(cast.hr_b.employer, amount=1)  # bank B's personal · intermediate
        authority(cast.hr_a.employer, amount=2, manager_class="corporate")  # A's corporate · intermediate
        authority(cast.hr_a.employer, amount=3, level="senior")  # A's personal · senior

    def changed(**params):
        rows = cast.api_a.get("/api/v1/managers/", params).json()["results"]
        return [(r["employee"], datetime.datetime.fromisoformat(r["updated_at"]), r["lending_authority"]) for r in rows]

    def after(instant):
        return (instant + datetime.timedelta(seconds=1)).isoformat()

    assert changed() == [(employee_a.pk, graded_at, None)]
    detail = cast.api_a.get(f"/api/v1/managers/{employee_a.pk}/").json()
    assert datetime.datetime.fromisoformat(detail["updated_at"]) == graded_at
    assert changed(updated_since=after(graded_at)) == []

    # Bank A's own amount for the grade, set before the others changed: its time, not theirs.
    own_at = graded_at + datetime.timedelta(days=2)
    with freeze_time(own_at):
        authority(cast.hr_a.employer)
    assert changed() == [(employee_a.pk, own_at, 15_000_000)]
    assert changed(updated_since=after(graded_at)) == [(employee_a.pk, own_at, 15_000_000)]
    assert changed(updated_since=after(own_at)) == []


def test_updated_since_finds_a_grade_whose_authority_row_moved_or_was_deleted(
    cast, manager_a, employee_a, hr_staff, admin_user
):
    """A row moved to another grade or deleted leaves no newer row to compare: the grades are stamped."""
    long_ago = timezone.now() - datetime.timedelta(days=30)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    def synced():
        return cast.api_a.get("/api/v1/managers/", {"updated_since": since}).json()["results"]

    hr = logged_in(hr_staff)
    row = AuthorityTable.objects.get()
    for move in ("moved", "deleted"):
        ManagerGrade.objects.update(updated_at=long_ago)
        AuthorityTable.objects.update(updated_at=long_ago)
        assert synced() == []
        if move == "moved":
            response = hr.post(
                reverse("admin:career_authoritytable_change", args=[row.pk]),
                {"manager_class": "personal", "level": "senior", "amount": "15000000"},
            )
        else:
            AuthorityTable.objects.filter(pk=row.pk).update(level="intermediate")
            # HR staff may not delete a row; whoever may (a superuser) changes the register as much
            response = logged_in(admin_user).post(
                reverse("admin:career_authoritytable_delete", args=[row.pk]), {"post": "yes"}
            )
        assert response.status_code == 302, move
        rows = synced()
        assert [r["employee"] for r in rows] == [employee_a.pk], move
        assert rows[0]["lending_authority"] is None, move


def test_it_pages_by_cursor_oldest_change_first(cast, hr_staff):
    profiles = TraineeProfileFactory.create_batch(3, employer=cast.hr_a.employer)
    for profile in profiles:
        certify(profile.user)
        grade(profile.user, by=hr_staff)
    first = cast.api_a.get("/api/v1/managers/?page_size=2").json()
    second = cast.api_a.get(first["next"]).json()
    assert [r["employee"] for r in first["results"] + second["results"]] == [p.pk for p in profiles]
    assert second["next"] is None


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_runs_a_fixed_number_of_queries(cast, hr_staff, size, django_assert_max_num_queries):
    authority(cast.hr_a.employer)
    for profile in TraineeProfileFactory.create_batch(size, employer=cast.hr_a.employer):
        certify(profile.user)
        grade(profile.user, by=hr_staff)
        grade(profile.user, level="junior", reason=GradeChange.Reason.DEMOTION, by=hr_staff)
    with django_assert_max_num_queries(4):
        response = cast.api_a.get("/api/v1/managers/?page_size=100")
    rows = response.json()["results"]
    assert len(rows) == size and all(len(r["history"]) == 2 for r in rows)
