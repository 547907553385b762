"""A write that changes nothing saves nothing: the employee's ``updated_at`` stays, so an HR system's
``updated_since`` sync sees only employees that changed.

Before, a bank pushing its full roster nightly through the bulk upsert got ``"updated": n`` for every
employee and moved every ``updated_at``, and a PATCH with the stored value did the same. Unchanged rows
are now counted as ``unchanged``, as the evaluations' bulk result does.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import TraineeProfile

pytestmark = pytest.mark.django_db

WRITABLE = ["employee_number", "email", "display_name", "preferred_language", "branch", "manager_class", "phone"]
LONG_AGO = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def as_stored(api, employee_id: int) -> dict:
    """The employee's writable values as the API shows them."""
    shown = api.get(f"/api/v1/employees/{employee_id}/").json()
    return {name: shown[name] for name in WRITABLE}


def bulk(api, *items):
    response = api.post("/api/v1/employees/bulk/", {"employees": list(items)}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def changed_at(employee_id: int) -> datetime.datetime:
    return TraineeProfile.objects.get(pk=employee_id).updated_at


@pytest.fixture
def stored(cast, employee_a):
    """Bank A's employee, as stored, last changed long ago."""
    values = {"branch": "信義分行", "phone": "0912345678"}
    assert cast.api_a.patch(f"/api/v1/employees/{employee_a.pk}/", values, format="json").status_code == 200
    TraineeProfile.objects.filter(pk=employee_a.pk).update(updated_at=LONG_AGO)
    return as_stored(cast.api_a, employee_a.pk) | {"id": employee_a.pk}


def test_the_full_roster_again_changes_nobody(cast, stored):
    employee = stored.pop("id")
    since = timezone.now()
    body = bulk(cast.api_a, stored)
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 1)
    assert [e["id"] for e in body["employees"]] == [employee]
    assert changed_at(employee) == LONG_AGO
    assert cast.api_a.get("/api/v1/employees/", {"updated_since": since.isoformat()}).json()["results"] == []
    # Compared as stored: a phone number as the bank's file writes it is the same number.
    assert stored["phone"] == "0912 345 678"
    assert bulk(cast.api_a, stored | {"phone": "0912345678"})["unchanged"] == 1
    assert changed_at(employee) == LONG_AGO


def test_a_batch_counts_what_it_created_updated_and_left(cast, stored):
    employee = stored.pop("id")
    new = {"employee_number": "NEW-1", "email": "new1@bank-a.test", "display_name": "新人"}
    body = bulk(cast.api_a, stored | {"branch": "大安分行"}, new)
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0)
    assert changed_at(employee) > LONG_AGO
    TraineeProfile.objects.filter(pk=employee).update(updated_at=LONG_AGO)
    body = bulk(cast.api_a, new, stored | {"branch": "大安分行"})
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 2)
    assert changed_at(employee) == LONG_AGO


@pytest.mark.parametrize("name", ["display_name", "preferred_language", "branch", "manager_class", "phone"])
def test_one_changed_value_updates(cast, stored, name):
    employee = stored.pop("id")
    other = {"display_name": "陳怡如", "preferred_language": "en", "branch": "大安分行", "manager_class": "corporate",
             "phone": "02 2345 6789"}[name]  # fmt: skip
    assert other != stored[name]
    body = bulk(cast.api_a, stored | {name: other})
    assert (body["updated"], body["unchanged"]) == (1, 0)
    assert changed_at(employee) > LONG_AGO
    assert as_stored(cast.api_a, employee)[name] == other


def test_a_patch_with_the_stored_values_changes_nothing(cast, stored):
    employee = stored.pop("id")
    response = cast.api_a.patch(f"/api/v1/employees/{employee}/", stored, format="json")
    assert response.status_code == 200, response.content
    assert changed_at(employee) == LONG_AGO
    assert response.json()["updated_at"] == cast.api_a.get(f"/api/v1/employees/{employee}/").json()["updated_at"]
    response = cast.api_a.patch(f"/api/v1/employees/{employee}/", {"branch": "大安分行"}, format="json")
    assert response.status_code == 200 and changed_at(employee) > LONG_AGO
