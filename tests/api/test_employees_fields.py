"""Every field the API documents is written and read back; none is accepted and ignored (issue 15, item 8).

The walk takes the fields from the serializers the schema is made of, so a field added there
without being stored fails here.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework import serializers

from accounts.models import TraineeProfile, User
from hr_api.serializers.base import EmployeeNumber, Phone
from hr_api.serializers.employees import (
    EmployeeCreateSerializer,
    EmployeeSerializer,
    EmployeeUpdateSerializer,
    EmployeeUpsertItemSerializer,
)
from tests.factories import TraineeProfileFactory

from .conftest import assert_problem

PASSWORD = "correct-horse-battery-staple"


def link_in(message) -> str:
    return re.search(r"https?://[^\s\"<]+", message.body).group(0).split("testserver", 1)[1]


def values_for(serializer_class, round_: int) -> dict:
    """A valid value for every writable field, different from the previous round's."""
    values = {}
    for name, field in serializer_class().fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.EmailField):
            values[name] = f"walk{round_}@bank.example"
        elif isinstance(field, EmployeeNumber):
            values[name] = f"E-{round_}"  # as stored (accounts.identifiers: capitals)
        elif isinstance(field, Phone):
            values[name] = f"0912 345 6{round_:02d}"  # as stored (accounts.phones), so that it reads back the same
        elif isinstance(field, serializers.ChoiceField):
            choices = [c for c in field.choices if c]
            values[name] = choices[round_ % len(choices)]
        elif isinstance(field, serializers.CharField):
            values[name] = f"{name[:8]}-{round_}"
        else:
            pytest.fail(f"no sample value for {serializer_class.__name__}.{name}: add one")
    return values


def read_back(api, employee_id: int) -> dict:
    response = api.get(f"/api/v1/employees/{employee_id}/")
    assert response.status_code == 200
    return response.json()


def assert_reads_back(sent: dict, body: dict) -> None:
    assert set(sent) <= set(EmployeeSerializer().fields), f"not shown: {set(sent) - set(EmployeeSerializer().fields)}"
    assert {name: body[name] for name in sent} == sent


def test_every_documented_field_goes_through_create_patch_and_bulk_upsert(cast):
    sent = values_for(EmployeeCreateSerializer, 0)
    created = cast.api_a.post("/api/v1/employees/", sent, format="json")
    assert created.status_code == 201, created.content
    employee = created.json()["id"]
    assert_reads_back(sent, read_back(cast.api_a, employee))

    # A new employee's log-in is unused: a new address takes effect at once.
    patch = values_for(EmployeeUpdateSerializer, 1)
    assert set(patch) >= set(sent), "PATCH cannot change a field create takes"
    response = cast.api_a.patch(f"/api/v1/employees/{employee}/", patch, format="json")
    assert response.status_code == 200, response.content
    assert_reads_back(patch, read_back(cast.api_a, employee))

    item = values_for(EmployeeUpsertItemSerializer, 2) | {"employee_number": patch["employee_number"]}
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [item]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["updated"] == 1
    assert_reads_back(item, read_back(cast.api_a, employee))

    fresh = values_for(EmployeeUpsertItemSerializer, 3) | {"employee_number": "NEW-3"}
    response = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [fresh]}, format="json")
    assert response.json()["created"] == 1
    assert_reads_back(fresh, read_back(cast.api_a, response.json()["employees"][0]["id"]))


@pytest.mark.parametrize(
    "name", [*sorted(set(EmployeeSerializer().fields) - set(EmployeeUpdateSerializer().fields)), "nickname"]
)
def test_a_field_the_api_does_not_take_is_refused_by_name_everywhere(cast, name):
    employee = TraineeProfileFactory(employer=cast.hr_a.employer, employee_number="A-1")
    before = read_back(cast.api_a, employee.pk)
    new = {"employee_number": "A-2", "email": "new@bank.example", "display_name": "新人", name: "x"}
    for response, field in (
        (cast.api_a.post("/api/v1/employees/", new, format="json"), name),
        (cast.api_a.patch(f"/api/v1/employees/{employee.pk}/", {name: "x"}, format="json"), name),
        (
            cast.api_a.post(
                "/api/v1/employees/bulk/", {"employees": [{"employee_number": "A-1", name: "x"}]}, format="json"
            ),
            f"employees[0].{name}",
        ),
    ):
        body = assert_problem(response, 400)
        assert field in {e["field"] for e in body["errors"]}
    assert read_back(cast.api_a, employee.pk) == before
    assert TraineeProfile.objects.filter(employer=cast.hr_a.employer).count() == 1


@pytest.fixture
def in_use(cast):
    """An employee who has chosen a password: their log-in is in use."""
    return TraineeProfileFactory(
        employer=cast.hr_a.employer,
        employee_number="A-1",
        user__email="old@bank.example",
        user__preferred_language="en",
    )


def test_a_log_in_in_use_changes_only_after_the_person_confirms_and_verifies(
    cast, in_use, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.api_a.patch(f"/api/v1/employees/{in_use.pk}/", {"email": "New@Bank.example"}, format="json")
    assert response.status_code == 200, response.content
    shown = read_back(cast.api_a, in_use.pk)
    assert shown["email"] == "old@bank.example" and shown["pending_email"] == "new@bank.example"
    # 1. Asked at the current address, in the person's language.
    (ask,) = mail.outbox
    assert ask.to == ["old@bank.example"] and "log-in" in ask.subject and "new@bank.example" in ask.body
    web = Client()
    web.force_login(User.objects.get(pk=in_use.user_id))  # both links answer their owner only, signed in
    assert web.get(link_in(ask)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post(link_in(ask)).status_code == 200
    # 2. The new address proves it reaches them.
    verify = mail.outbox[1]
    assert verify.to == ["new@bank.example"]
    assert User.objects.get(pk=in_use.user_id).email == "old@bank.example"  # not before the second link
    assert web.post(link_in(verify)).status_code == 200
    user = User.objects.get(pk=in_use.user_id)
    assert user.email == "new@bank.example" and user.email_verified_at is not None and user.check_password(PASSWORD)
    shown = read_back(cast.api_a, in_use.pk)
    assert shown["email"] == "new@bank.example" and shown["pending_email"] == ""
    assert web.post(link_in(verify)).status_code == 400  # once


def test_bulk_upsert_asks_for_an_address_change_like_patch(cast, in_use, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.api_a.post(
            "/api/v1/employees/bulk/", {"employees": [{"employee_number": "A-1", "email": "new@bank.example"}]},
            format="json",
        )  # fmt: skip
    assert response.json()["updated"] == 1
    assert response.json()["employees"][0]["pending_email"] == "new@bank.example"
    assert [m.to for m in mail.outbox] == [["old@bank.example"]]
    # Sending the current address again withdraws the request.
    cast.api_a.post(
        "/api/v1/employees/bulk/",
        {"employees": [{"employee_number": "A-1", "email": "old@bank.example"}]},
        format="json",
    )
    assert read_back(cast.api_a, in_use.pk)["pending_email"] == ""


def test_a_new_address_another_employers_person_uses_answers_like_a_fresh_one(
    cast, in_use, employee_b, django_capture_on_commit_callbacks
):
    theirs = employee_b.user.email

    def new_employee(number):
        body = {"employee_number": number, "email": f"{number}@bank.example", "display_name": "新"}
        return cast.api_a.post("/api/v1/employees/", body, format="json").json()["id"]

    def shape(response, address):
        body = response.json()
        assert "pending_email" in body, body
        return response.status_code, sorted(body), body["pending_email"] == address, body["email"] == address

    unused, unused_too = new_employee("A-2"), new_employee("A-3")
    with django_capture_on_commit_callbacks(execute=True):
        # A log-in in use: a pending request, taken or not.
        taken = cast.api_a.patch(f"/api/v1/employees/{in_use.pk}/", {"email": theirs}, format="json")
        fresh = cast.api_a.patch(f"/api/v1/employees/{unused_too}/", {"email": "free@bank.example"}, format="json")
        assert shape(taken, theirs) == (200, sorted(fresh.json()), True, False)
        # A log-in nobody uses yet: the address shows at once, taken or not.
        taken = cast.api_a.patch(f"/api/v1/employees/{unused}/", {"email": theirs}, format="json")
        assert shape(taken, theirs) == shape(fresh, "free@bank.example") == (200, sorted(fresh.json()), False, True)
    # Bank B's person keeps their account and is asked; bank A sees none of their history.
    employee_b.refresh_from_db()
    assert employee_b.employer == cast.hr_b.employer and employee_b.user.email == theirs
    assert cast.api_a.get(f"/api/v1/enrollments/?employee={unused}").json()["results"] == []
    # The owner is asked, the in-use person asked to confirm; the unused log-in given a free address is welcomed.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([theirs, "old@bank.example", "free@bank.example"])
    # The in-use person confirms, but the address is someone else's: told only at that address.
    web = Client()
    web.force_login(User.objects.get(pk=in_use.user_id))  # both links answer their owner only, signed in
    ask = next(m for m in mail.outbox if m.to == ["old@bank.example"])
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post(link_in(ask)).status_code == 200
    verify = mail.outbox[-1]
    assert verify.to == [theirs]
    assert web.post(link_in(verify)).status_code == 400
    assert User.objects.get(pk=in_use.user_id).email == "old@bank.example"
