"""Bad input answers 4xx in the problem-details shape, never 5xx, and writes nothing."""

import pytest
from django.test import Client

from accounts.models import TraineeProfile

from .conftest import assert_problem


def test_malformed_json_is_a_400(cast):
    response = cast.api_a.post("/api/v1/employees/", data="{not json", content_type="application/json")
    assert_problem(response, 400)


def test_a_non_json_body_is_415(cast):
    response = cast.api_a.post("/api/v1/employees/", data="a=b", content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415)


def test_every_bad_and_unknown_field_is_named(cast):
    response = cast.api_a.post(
        "/api/v1/employees/", {"email": "nope", "display_name": "", "colour": "red"}, format="json"
    )
    body = assert_problem(response, 400)
    assert {"colour"} <= {e["field"] for e in body["errors"]}
    response = cast.api_a.post("/api/v1/employees/", {"email": "nope", "display_name": ""}, format="json")
    fields = {e["field"] for e in assert_problem(response, 400)["errors"]}
    assert fields == {"email", "display_name", "employee_number"}
    assert not TraineeProfile.objects.exists()


def test_an_oversized_body_is_413(cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = {"employees": [{"employee_number": f"N{i}", "email": f"p{i}@x.test"} for i in range(100)]}
    assert_problem(cast.api_a.post("/api/v1/employees/bulk/", big, format="json"), 413)


def test_an_invalid_date_or_page_size_is_a_400_and_a_cursor_we_did_not_give_a_404(cast):
    # A cursor is any string to the schema: the page it names does not exist (issue 15, item 10).
    assert_problem(cast.api_a.get("/api/v1/employees/?cursor=garbage"), 404)
    assert_problem(cast.api_a.get("/api/v1/employees/?updated_since=yesterday"), 400)
    assert_problem(cast.api_a.get("/api/v1/employees/?page_size=0"), 400)
    assert_problem(cast.api_a.get("/api/v1/employees/?page_size=501"), 400)


def test_an_unknown_id_is_a_404_in_the_error_shape(cast):
    assert_problem(cast.api_a.get("/api/v1/employees/999999/"), 404)


def test_odd_dates_and_nul_characters_are_a_400_not_a_database_error(cast):
    assert cast.api_a.get("/api/v1/catalog/cohorts/", {"updated_since": "1287-09-21T23:04:04+19:36"}).status_code == 200
    assert_problem(cast.api_a.get("/api/v1/catalog/cohorts/", {"tier": "a\x00b"}), 400)
    assert_problem(cast.api_a.get("/api/v1/certificates/a%00b/"), 400)


def test_a_service_refusal_is_409_for_a_conflict_and_else_400_naming_its_field():
    """hr_api.errors maps a refusal by its code: core.errors.DomainError, and the apps' own classes
    while they do not derive from it (issue 16)."""
    from rest_framework import exceptions

    from accounts.services import AccountError
    from core.errors import DomainError
    from courses.services import TrainingError
    from hr_api.errors import Conflict, problem_handler, refusal

    taken = refusal(AccountError("email_taken", "Taken.", field="email"), conflicts={"email_taken"})
    assert isinstance(taken, Conflict) and taken.get_codes() == "email_taken"
    bad = refusal(DomainError("bad_hours", "Too many.", field="hours"))
    assert isinstance(bad, exceptions.ValidationError) and bad.get_codes() == {"hours": ["bad_hours"]}
    worded = refusal(TrainingError("full", "You cannot."), conflicts={"full"}, detail="Cohort C1 is full.")
    assert str(worded.detail) == "Cohort C1 is full."
    # A view that lets a DomainError through still answers in the problem shape, not 500.
    response = problem_handler(DomainError("bad_hours", "Too many.", field="hours"), {})
    assert response.status_code == 400 and response.data["errors"][0]["field"] == "hours"


@pytest.mark.parametrize("url", ["/api/", "/api/v2/x", "/api/v10/employees/", "/api/v1", "/api/oauth/token/"])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_any_address_under_api_outside_v1_is_a_404_problem_not_the_sites_page(url, method):
    response = getattr(Client(), method)(url, HTTP_ACCEPT_LANGUAGE="en")
    body = assert_problem(response, 404)
    assert body["type"].endswith("/not_found")


def test_the_sites_own_pages_keep_the_sites_404():
    response = Client().get("/apis/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
