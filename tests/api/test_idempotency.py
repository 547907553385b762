"""What a client relies on from ``Idempotency-Key`` (hr_api/idempotency.py), beyond the retry tests of
each endpoint: the 400 and 409 messages, the replayed status and ``Location``, what is stored, which
answers are stored, and that the answer of a twin that committed first is the answer.

Some tests call ``run_idempotently`` directly with a ``work`` of their own: how often the work runs
and a twin committing between the look-up and the insert cannot be seen from one HTTP client.
"""

from unittest import mock

import pytest
from django.utils import translation
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from courses.models import Enrolment
from hr_api import idempotency
from hr_api.errors import Conflict
from hr_api.models import IdempotencyRecord
from tests.factories import CohortFactory, TraineeProfileFactory

from .conftest import assert_problem

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def cohort(db):
    return CohortFactory(capacity=5)


def enrol(api, employee, cohort, key, **extra):
    payload = {"employee": employee.pk, "cohort": cohort.pk}
    return api.post("/api/v1/enrollments/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key, **EN, **extra)


def test_a_key_used_for_another_request_is_a_409_saying_so(cast, employee_a, cohort):
    assert enrol(cast.api_a, employee_a, cohort, "k-1").status_code == 201
    other = cast.api_a.post(
        "/api/v1/enrollments/", {"employee": employee_a.pk, "cohort": cohort.pk + 1000}, format="json",
        HTTP_IDEMPOTENCY_KEY="k-1", **EN,
    )  # fmt: skip
    body = assert_problem(other, 409)
    assert body["detail"] == "This Idempotency-Key was used for a different request."


@pytest.mark.parametrize("key", [" leading-space", "trailing-space ", "", "非ASCII", "x" * 256, "tab\there"])
def test_a_malformed_key_is_a_400_naming_the_header_and_writes_nothing(cast, employee_a, cohort, key):
    body = assert_problem(enrol(cast.api_a, employee_a, cohort, key), 400)
    assert [(e["field"], e["message"]) for e in body["errors"]] == [
        ("Idempotency-Key", "Give a key of 1 to 255 printable ASCII characters.")
    ]
    assert not Enrolment.objects.exists() and not IdempotencyRecord.objects.exists()


def test_the_replay_has_the_first_status_location_and_body_and_the_record_keeps_the_location(cast, employee_a, cohort):
    first = enrol(cast.api_a, employee_a, cohort, "k-loc")
    assert first.status_code == 201 and first["Location"].endswith(f"/{Enrolment.objects.get().pk}/")
    record = IdempotencyRecord.objects.get()
    assert (record.status_code, record.location, record.body) == (201, first["Location"], first.json())
    again = enrol(cast.api_a, employee_a, cohort, "k-loc")
    assert again.status_code == 201 and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()


def test_an_answer_without_location_is_stored_and_replayed_without_one(cast):
    payload = {"employee_number": "A-77", "email": "a77@bank-a.test", "display_name": "七七"}
    first = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [payload]}, format="json",
                            HTTP_IDEMPOTENCY_KEY="bulk-1", **EN)  # fmt: skip
    assert first.status_code == 200, first.content
    assert not first.has_header("Location") and IdempotencyRecord.objects.get().location == ""
    again = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [payload]}, format="json",
                            HTTP_IDEMPOTENCY_KEY="bulk-1", **EN)  # fmt: skip
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert not again.has_header("Location")


def test_two_keys_of_one_client_are_two_requests(cast, employee_a, cohort):
    colleague = TraineeProfileFactory(employer=cast.hr_a.employer)
    assert enrol(cast.api_a, employee_a, cohort, "k-a").status_code == 201
    other = enrol(cast.api_a, colleague, cohort, "k-b")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Enrolment.objects.count() == 2 and IdempotencyRecord.objects.count() == 2


def test_a_refusal_under_a_key_another_client_used_is_its_own_refusal(cast, employee_a, employee_b, cohort):
    assert enrol(cast.api_a, employee_a, cohort, "shared").status_code == 201
    # Bank B sends the very same body (bank A's employee) under the same key: not B's employee.
    refused = enrol(cast.api_b, employee_a, cohort, "shared")
    body = assert_problem(refused, 404)
    assert body["detail"] == "No employee with this id." and "Idempotent-Replayed" not in refused
    assert IdempotencyRecord.objects.count() == 1


def test_a_refusal_under_a_new_key_is_answered_and_not_stored(cast, employee_b, cohort):
    refused = enrol(cast.api_a, employee_b, cohort, "k-refused")
    assert_problem(refused, 404)
    assert not IdempotencyRecord.objects.exists()


# --- run_idempotently directly --------------------------------------------------------------------


def request_for(client, key, body=None):
    request = APIRequestFactory().post("/api/v1/things/", body or {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    request.user = client
    return request


def test_a_retry_does_not_run_the_work_again(cast):
    calls = []

    def work():
        calls.append(1)
        return Response({"n": len(calls)}, status=status.HTTP_201_CREATED, headers={"Location": "/things/1/"})

    first = idempotency.run_idempotently(request_for(cast.hr_a, "once"), work)
    again = idempotency.run_idempotently(request_for(cast.hr_a, "once"), work)
    assert calls == [1]
    assert (again.status_code, again.data, again["Location"]) == (201, {"n": 1}, "/things/1/")
    assert first.data == {"n": 1}


@pytest.mark.parametrize("code", [300, 302, 400, 409])
def test_only_a_success_is_stored(cast, code):
    def work():
        return Response({"detail": "no"}, status=code)

    assert idempotency.run_idempotently(request_for(cast.hr_a, "k"), work).status_code == code
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("code", [200, 201, 299])
def test_every_success_is_stored(cast, code):
    idempotency.run_idempotently(request_for(cast.hr_a, "k"), lambda: Response({"ok": True}, status=code))
    assert IdempotencyRecord.objects.get().status_code == code


class TwinCommittedFirst:
    """The first look-up misses (the twin had not committed yet); every later one sees the database."""

    def __init__(self):
        self.real = IdempotencyRecord.objects.filter
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == 1:
            return IdempotencyRecord.objects.none()
        return self.real(*args, **kwargs)


def twin_record(client, key, request, **fields):
    return IdempotencyRecord.objects.create(
        client=client, key=key, fingerprint=idempotency._fingerprint(request), **fields
    )


@pytest.fixture
def decoys(cast):
    """Records that a look-up by client alone or by key alone would find first."""
    IdempotencyRecord.objects.create(client=cast.hr_a, key="other-key", fingerprint="0" * 64, status_code=201,
                                     body={"decoy": "same client"}, location="/decoy/a/")  # fmt: skip
    IdempotencyRecord.objects.create(client=cast.hr_b, key="raced", fingerprint="0" * 64, status_code=201,
                                     body={"decoy": "same key"}, location="/decoy/b/")  # fmt: skip


@pytest.mark.parametrize("failure", ["insert", "refusal"])
def test_the_twin_that_committed_first_gives_the_answer(cast, decoys, failure):
    request = request_for(cast.hr_a, "raced")
    twin_record(cast.hr_a, "raced", request, status_code=201, body={"id": 7}, location="/things/7/")

    def work():
        if failure == "refusal":  # the twin's enrolment makes ours "already enrolled"
            raise Conflict("already enrolled")
        return Response({"id": 8}, status=status.HTTP_201_CREATED, headers={"Location": "/things/8/"})

    with mock.patch.object(IdempotencyRecord.objects, "filter", TwinCommittedFirst()):
        answer = idempotency.run_idempotently(request, work)
    assert (answer.status_code, answer.data, answer["Location"]) == (201, {"id": 7}, "/things/7/")
    assert answer["Idempotent-Replayed"] == "true"


def test_a_twin_with_another_body_is_a_409(cast, decoys):
    request = request_for(cast.hr_a, "raced", {"a": 2})
    twin_record(cast.hr_a, "raced", request_for(cast.hr_a, "raced", {"a": 1}), status_code=201, body={"id": 7})

    with (
        mock.patch.object(IdempotencyRecord.objects, "filter", TwinCommittedFirst()),
        pytest.raises(Conflict) as raised,
        translation.override("en"),
    ):
        idempotency.run_idempotently(request, lambda: Response({"id": 8}, status=201))
    with translation.override("en"):
        assert str(raised.value.detail) == "This Idempotency-Key was used for a different request."


def test_a_refusal_with_no_twin_is_raised_as_it_is(cast, decoys):
    def work():
        raise exceptions.NotFound("no such thing")

    with pytest.raises(exceptions.NotFound):
        idempotency.run_idempotently(request_for(cast.hr_a, "raced"), work)
