"""The catalog is the same for every employer; open cohorts sync like every other list."""

import pytest

from tests.factories import CohortFactory

from .conftest import http


def test_the_catalog_lists_tiers_tracks_courses_and_curricula_with_hour_plans(cast, db):
    tiers = cast.api_a.get("/api/v1/catalog/tiers/").json()["results"]
    assert [t["code"] for t in tiers] == ["assistant", "standard", "senior"]
    assert {t["code"] for t in cast.api_a.get("/api/v1/catalog/tracks/").json()["results"]} == {"corporate", "retail"}
    assert len(cast.api_a.get("/api/v1/catalog/courses/").json()["results"]) == 12
    curricula = cast.api_a.get("/api/v1/catalog/curricula/").json()["results"]
    standard_retail = next(c for c in curricula if c["tier"] == "standard" and c["track"] == "retail")
    assert standard_retail["teaching_hours"] == 64 and standard_retail["exam_prep_hours"] == 8
    assert len(standard_retail["courses"]) == 6


def test_open_cohorts_are_the_same_for_every_employer_and_hide_drafts(cast):
    open_cohort = CohortFactory()
    CohortFactory(status="draft")
    for api in (cast.api_a, cast.api_b):
        rows = api.get("/api/v1/catalog/cohorts/").json()["results"]
        assert [r["code"] for r in rows] == [open_cohort.code]
        assert rows[0]["seats_left"] == 20


def test_a_read_only_client_reads_the_catalog(cast):
    assert http(cast.hr_a, scopes=["read"]).get("/api/v1/catalog/cohorts/").status_code == 200


@pytest.mark.parametrize("size", [2, 25])
def test_the_cohort_list_runs_a_fixed_number_of_queries(cast, size, django_assert_max_num_queries):
    CohortFactory.create_batch(size)
    with django_assert_max_num_queries(3):
        response = cast.api_a.get("/api/v1/catalog/cohorts/?page_size=100")
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("path", ["tiers", "tracks", "courses", "curricula"])
def test_catalog_lists_run_a_fixed_number_of_queries(cast, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert cast.api_a.get(f"/api/v1/catalog/{path}/").status_code == 200
