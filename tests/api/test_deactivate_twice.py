"""Deactivating an employee who is already deactivated changes nothing (an integrator's report): the answer is the
same 200, but ``updated_at`` stays, so an ``updated_since`` sync sees no change that did not happen, and no
deactivation is recorded again (the request itself is in the audit trail, as every write is)."""

import pytest

from accounts.models import AuditEvent, TraineeProfile

from .conftest import assert_problem


def deactivate(api, profile):
    return api.post(f"/api/v1/employees/{profile.pk}/deactivate/")


def test_a_second_deactivation_changes_nothing(cast, employee_a):
    first = deactivate(cast.api_a, employee_a)
    assert first.status_code == 200 and first.json()["is_active"] is False
    stamped = TraineeProfile.objects.get(pk=employee_a.pk).updated_at
    assert stamped > employee_a.updated_at
    recorded = set(AuditEvent.objects.exclude(action="api_write").values_list("pk", flat=True))

    again = deactivate(cast.api_a, employee_a)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert TraineeProfile.objects.get(pk=employee_a.pk).updated_at == stamped
    assert set(AuditEvent.objects.exclude(action="api_write").values_list("pk", flat=True)) == recorded
    since = first.json()["updated_at"]
    changed = cast.api_a.get("/api/v1/employees/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in changed] == [employee_a.pk]  # the first deactivation, once


@pytest.mark.parametrize("twice", [False, True])
def test_another_banks_employee_is_not_found(cast, employee_b, twice):
    if twice:
        deactivate(cast.api_b, employee_b)
    assert_problem(deactivate(cast.api_a, employee_b), 404)
    assert TraineeProfile.objects.get(pk=employee_b.pk).user.is_active is (not twice)
