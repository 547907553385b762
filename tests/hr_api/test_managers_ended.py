"""/api/v1/managers/ shows a grade ending: an HR system syncing with ``updated_since`` gets the grades that ended
since (``ended_at`` set, no lending authority), so it learns that the person's lending authority ended. A full read
without ``updated_since`` is the register as before (current grades only); ``ended`` asks for one or the other.
Only the client's employer's rows, ended ones included; a fixed number of queries a page."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time

from accounts import employees
from accounts.models import TraineeProfile
from career.models import AuthorityTable, GradeChange, ManagerGrade
from career.services import register
from hr_api.schema import generated_schema
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_problem
from tests.career.conftest import certify, grade
from tests.career.test_departure import move
from tests.factories import TraineeProfileFactory

pytestmark = pytest.mark.django_db

cast = api_fixtures.cast
employee_a = api_fixtures.employee_a
employee_b = api_fixtures.employee_b

MANAGERS = "/api/v1/managers/"
START = timezone.now().replace(microsecond=0) - datetime.timedelta(days=30)


def at(days: int) -> datetime.datetime:
    return START + datetime.timedelta(days=days)


def after(instant: datetime.datetime) -> str:
    return (instant + datetime.timedelta(seconds=1)).isoformat()


def rows(api, **params) -> list[dict]:
    response = api.get(MANAGERS, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def employees_of(found: list[dict]) -> list[tuple[int, str | None]]:
    return [(r["employee"], r["ended_at"] and datetime.datetime.fromisoformat(r["ended_at"])) for r in found]


def graded(profile, by, *, days: int = 1):
    certify(profile.user)
    with freeze_time(at(days)):
        return grade(profile.user, by=by)


def deactivated(profile, capture, *, days: int) -> None:
    with freeze_time(at(days)), capture(execute=True):
        employees.do_deactivate_employee(profile=profile)


@pytest.fixture
def ended_a(cast, employee_a, hr_staff, django_capture_on_commit_callbacks):
    """Bank A's employee graded on day 1 (15 M TWD in its table), deactivated on day 10: the grade ended."""
    AuthorityTable.objects.create(
        employer=cast.hr_a.employer, manager_class="personal", level="intermediate", amount=15_000_000
    )
    AuthorityTable.objects.update(updated_at=at(0))
    grade_a = graded(employee_a, hr_staff)
    deactivated(employee_a, django_capture_on_commit_callbacks, days=10)
    return grade_a


def test_a_sync_from_before_the_end_gets_the_ended_grade_without_authority(cast, ended_a, employee_a):
    (row,) = rows(cast.api_a, updated_since=after(at(1)))
    assert row["employee"] == employee_a.pk and row["employee_number"] == employee_a.employee_number
    assert datetime.datetime.fromisoformat(row["ended_at"]) == at(10)
    assert datetime.datetime.fromisoformat(row["updated_at"]) == at(10)  # the end is the row's change
    assert row["lending_authority"] is None  # the bank's table still has 15 M for the grade: not for a leaver
    assert (row["manager_class"], row["level"]) == ("personal", "intermediate")
    assert [h["reason"] for h in row["history"]] == ["appointment"]
    # A sync from after the end has nothing new.
    assert rows(cast.api_a, updated_since=after(at(10))) == []


def test_a_read_without_updated_since_is_the_register_as_before(cast, ended_a, employee_a, hr_staff):
    """A client that ignores ``ended_at`` and reads the whole list gets the current grades, as it always did; the
    detail of an ended grade is 404, as it was."""
    other = TraineeProfileFactory(employer=cast.hr_a.employer)
    graded(other, hr_staff, days=2)
    found = rows(cast.api_a)
    assert employees_of(found) == [(other.pk, None)]
    assert found[0]["lending_authority"] == 15_000_000
    assert rows(cast.api_a, updated_since="") == found  # an empty value is no value
    assert_problem(cast.api_a.get(f"{MANAGERS}{employee_a.pk}/"), 404)
    assert cast.api_a.get(f"{MANAGERS}{other.pk}/").json()["ended_at"] is None


def test_ended_asks_for_the_ended_or_the_current_grades(cast, ended_a, employee_a, hr_staff):
    other = TraineeProfileFactory(employer=cast.hr_a.employer)
    graded(other, hr_staff, days=2)
    since = after(at(1))
    assert employees_of(rows(cast.api_a, updated_since=since)) == [(other.pk, None), (employee_a.pk, at(10))]
    assert employees_of(rows(cast.api_a, ended="true")) == [(employee_a.pk, at(10))]
    assert employees_of(rows(cast.api_a, ended="true", updated_since=since)) == [(employee_a.pk, at(10))]
    assert rows(cast.api_a, ended="true", updated_since=after(at(10))) == []
    assert employees_of(rows(cast.api_a, ended="false")) == [(other.pk, None)]
    assert employees_of(rows(cast.api_a, ended="false", updated_since=since)) == [(other.pk, None)]
    body = assert_problem(cast.api_a.get(MANAGERS, {"ended": "yes"}, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("ended", "invalid_choice")]
    assert "true, false" in body["errors"][0]["message"]


def test_a_grade_given_again_shows_as_current_again(cast, ended_a, employee_a, hr_staff):
    with freeze_time(at(20)):
        employees.do_reactivate_employee(profile=TraineeProfile.objects.get(pk=employee_a.pk))
        row = TraineeProfile.objects.select_related("user", "employer").get(pk=employee_a.pk)
        register.do_set_grade(
            employer=row.employer, employee=row, manager_class="personal", level="junior",
            reason=GradeChange.Reason.CORRECTION, by=hr_staff,
        )  # fmt: skip
    (row,) = rows(cast.api_a, updated_since=after(at(10)))
    assert row["employee"] == employee_a.pk and row["ended_at"] is None and row["level"] == "junior"
    assert datetime.datetime.fromisoformat(row["updated_at"]) == at(20)
    assert rows(cast.api_a, ended="true") == []


def test_an_ended_grade_is_not_sent_again_for_a_later_amount_in_the_banks_table(cast, ended_a, hr_staff):
    """The bank's table says nothing about a grade that ended: a new amount for its class and level changes the
    current grades' rows, not the leaver's."""
    other = TraineeProfileFactory(employer=cast.hr_a.employer)
    graded(other, hr_staff, days=2)
    with freeze_time(at(15)):
        row = AuthorityTable.objects.get()
        row.amount = 20_000_000
        row.save()
    found = rows(cast.api_a, updated_since=after(at(10)))
    assert [(r["employee"], r["lending_authority"]) for r in found] == [(other.pk, 20_000_000)]


def test_the_end_is_seen_however_long_ago_the_grade_last_changed(
    cast, employee_a, hr_staff, django_capture_on_commit_callbacks
):
    """``updated_since`` compares the row's change, which the end stamps (career.services.register.do_end_grades)."""
    graded(employee_a, hr_staff)
    ManagerGrade.objects.update(updated_at=at(-300))
    assert rows(cast.api_a, updated_since=after(at(5))) == []
    deactivated(employee_a, django_capture_on_commit_callbacks, days=10)
    assert employees_of(rows(cast.api_a, updated_since=after(at(5)))) == [(employee_a.pk, at(10))]


def test_another_bank_never_sees_an_ended_grade_of_this_bank(
    cast, ended_a, employee_a, employee_b, other_hr_staff, django_capture_on_commit_callbacks
):
    graded(employee_b, other_hr_staff, days=3)
    deactivated(employee_b, django_capture_on_commit_callbacks, days=12)
    since = after(at(0))
    for params in ({}, {"updated_since": since}, {"ended": "true"}, {"ended": "true", "updated_since": since}):
        assert [r["employee"] for r in rows(cast.api_b, **params)] == ([employee_b.pk] if params else []), params
        assert [r["employee"] for r in rows(cast.api_a, **params)] == ([employee_a.pk] if params else []), params
    assert_problem(cast.api_b.get(f"{MANAGERS}{employee_a.pk}/"), 404)


def test_a_manager_who_moves_shows_as_ended_to_the_old_bank_only(
    cast, employee_a, hr_staff, other_hr_staff, django_capture_on_commit_callbacks
):
    """The person moves to bank B (their old row at bank A is left on a deactivated stand-in): bank A's sync sees
    its grade end, under the employee id and number it knew; bank B sees no grade until it gives one."""
    person = employee_a.user
    graded(employee_a, hr_staff)
    with freeze_time(at(10)):
        move(person, cast.hr_b.employer, django_capture_on_commit_callbacks)
    since = after(at(1))
    (row,) = rows(cast.api_a, updated_since=since)
    assert (row["employee"], row["employee_number"]) == (employee_a.pk, "BANK-A-0001")
    assert datetime.datetime.fromisoformat(row["ended_at"]) == at(10)
    assert rows(cast.api_b, updated_since=since) == rows(cast.api_b, ended="true") == []
    # Graded at bank B: its own current row, a grade bank A does not see.
    profile_b = type(employee_a).objects.get(user=person)
    assert profile_b.employer == cast.hr_b.employer
    with freeze_time(at(20)):
        grade(type(person).objects.get(pk=person.pk), by=other_hr_staff)
    assert employees_of(rows(cast.api_b, updated_since=since)) == [(profile_b.pk, None)]
    assert employees_of(rows(cast.api_a, updated_since=since)) == [(employee_a.pk, at(10))]


@pytest.mark.parametrize("size", [2, 10])
def test_a_sync_page_of_current_and_ended_grades_runs_a_fixed_number_of_queries(
    cast, hr_staff, size, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    profiles = TraineeProfileFactory.create_batch(size, employer=cast.hr_a.employer)
    for profile in profiles:
        graded(profile, hr_staff)
    for profile in profiles[::2]:
        deactivated(profile, django_capture_on_commit_callbacks, days=10)
    with django_assert_max_num_queries(4):
        response = cast.api_a.get(MANAGERS, {"updated_since": after(at(0)), "page_size": 100})
    found = response.json()["results"]
    assert len(found) == size
    assert sum(r["ended_at"] is not None for r in found) == len(profiles[::2])


def test_the_schema_documents_ended_at_and_the_ended_filter():
    schema = generated_schema(settings.LANGUAGE_CODE)
    manager = schema["components"]["schemas"]["Manager"]
    assert manager["properties"]["ended_at"] == {
        "type": "string",
        "format": "date-time",
        "readOnly": True,
        "nullable": True,
        "description": manager["properties"]["ended_at"]["description"],
    }
    assert "ended" in manager["properties"]["ended_at"]["description"]
    operation = schema["paths"]["/api/v1/managers/"]["get"]
    (ended,) = [p for p in operation["parameters"] if p["name"] == "ended"]
    assert ended["in"] == "query" and ended["schema"] == {"type": "boolean"} and not ended.get("required")
    assert "ended" in operation["description"] and "updated_since" in operation["description"]
