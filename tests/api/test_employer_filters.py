"""The ``employee`` filter of the lists (``employee_filter`` in hr_api/views/base.py): one employee's rows of
the employer, nobody else's, and a 400 naming the field for anything that is not an employee id (issue 23:
mutation testing of the employer scoping).

Every list whose schema documents the filter is here (``ENDPOINTS``); the expected rows are those the test
made for each person, never what a selector answers."""

import pytest
import yaml

from accounts.converters import MAX_ID
from career.services import evaluations
from courses import services as training
from tests.factories import CertificateFactory, CohortFactory, TraineeProfileFactory, curriculum_of

from .conftest import assert_problem
from .test_results_and_certificates import published_result

Q1 = {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}
Q2 = {"kind": "quarterly", "starts_on": "2026-04-01", "ends_on": "2026-06-30"}
SCORES = {"performance": 90, "ethics": 80, "basic_management": 70, "credit": 85, "service": 75}


# Each makes the ``n``-th row of a person (0 or 1: one person has two rows of each) and answers its key.
CURRICULA = [("standard", "retail"), ("standard", "corporate")]  # one active enrolment, one certificate each


def enrolment(cast, profile, n):
    return training.do_enrol(trainee=profile.user, cohort=CohortFactory(curriculum=curriculum_of(*CURRICULA[n]))).pk


def result(cast, profile, n):
    return published_result(profile).pk


def certificate(cast, profile, n):
    return CertificateFactory(trainee=profile.user, curriculum=curriculum_of(*CURRICULA[n])).number


def evaluation(cast, profile, n):
    """An evaluation of ``profile`` recorded by its own bank's HR system (the endpoint's own write)."""
    api = cast.api_a if profile.employer == cast.hr_a.employer else cast.api_b
    item = {"employee": profile.pk, "period": [Q1, Q2][n], "scores": SCORES}
    response = api.post("/api/v1/evaluations/", {"evaluations": [item]}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["evaluations"][0]["id"]


# list path -> (the maker of a person's rows, the key of a listed row)
ENDPOINTS = {
    "/api/v1/enrollments/": (enrolment, "id"),
    "/api/v1/exam-results/": (result, "id"),
    "/api/v1/certificates/": (certificate, "number"),
    "/api/v1/evaluations/": (evaluation, "id"),
}


@pytest.fixture
def schemes(cast):
    for employer in (cast.hr_a.employer, cast.hr_b.employer):
        evaluations.do_save_scheme(employer=employer, name=f"{employer.pk} 考核", period_kinds=["quarterly"])


@pytest.fixture
def colleague(cast):
    """Another employee of bank A."""
    return TraineeProfileFactory(employer=cast.hr_a.employer)


def test_every_list_that_documents_an_employee_filter_is_covered(client):
    """The lists whose schema documents ``employee`` (``employee_filter(``) are the ones tested here."""
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    documented = {
        path
        for path, operations in schema["paths"].items()
        for p in operations.get("get", {}).get("parameters", [])
        if p["name"] == "employee" and p["in"] == "query"
    }
    assert documented == set(ENDPOINTS)


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_the_employee_filter_gives_that_employees_rows_only(cast, schemes, employee_a, colleague, employee_b, path):
    make, key = ENDPOINTS[path]
    mine = {make(cast, employee_a, 0), make(cast, employee_a, 1)}
    theirs = {make(cast, colleague, 0)}
    make(cast, employee_b, 0)  # bank B's: never in bank A's lists, filtered or not

    def listed(**params):
        response = cast.api_a.get(path, params)
        assert response.status_code == 200, response.content
        return [row[key] for row in response.json()["results"]]

    assert sorted(listed()) == sorted(mine | theirs)
    assert sorted(listed(employee=employee_a.pk)) == sorted(mine)
    assert sorted(listed(employee=str(colleague.pk))) == sorted(theirs)
    # Every listed row is the named employee's.
    rows = cast.api_a.get(path, {"employee": colleague.pk}).json()["results"]
    assert {row["employee"] for row in rows} == {colleague.pk}
    # Bank B's employee, an id nobody has, the largest id: a filter matching nothing, not an error.
    assert listed(employee=employee_b.pk) == []
    assert listed(employee=MAX_ID) == []
    # An empty value is no filter.
    assert sorted(listed(employee="")) == sorted(mine | theirs)


BAD_IDS = ["abc", "0", "-1", "1.5", "٣", " 1", str(MAX_ID + 1), "99999999999999999999999"]
MESSAGES = {"en": "Give an employee id.", "zh-Hant": "請提供員工代碼。"}
DETAILS = {"en": "The request has invalid fields; see errors.", "zh-Hant": "請求有無效的欄位，詳見 errors。"}


@pytest.mark.parametrize("language", sorted(MESSAGES))
@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_an_employee_that_is_not_an_id_is_a_400_naming_the_field(cast, employee_a, path, language):
    for bad in BAD_IDS:
        response = cast.api_a.get(path, {"employee": bad}, HTTP_ACCEPT_LANGUAGE=language)
        body = assert_problem(response, 400)
        assert body["type"].endswith("/invalid"), bad
        assert body["detail"] == DETAILS[language], bad
        assert body["errors"] == [{"field": "employee", "code": "invalid", "message": MESSAGES[language]}], bad
