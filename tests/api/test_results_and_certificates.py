"""Exam results and certificates of the employer's employees: filters, lookup by number, the PDF."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import CertificateFactory, CohortFactory, TraineeProfileFactory

from .conftest import assert_problem


def published_result(profile, *, passed=True, course_code="BCM-101", published=True):
    """A graded attempt's result; with ``published=False``, one still being marked (an essay to grade):
    no score, no outcome, no publication time (as ``exams.services.grading`` leaves it)."""
    from courses.models import Course
    from exams.models import Attempt, CourseResult, ExamPaper, Sitting

    course = Course.objects.get(code=course_code)
    paper = ExamPaper.objects.get_or_create(course=course)[0]
    now = timezone.now()
    sitting = Sitting.objects.create(
        paper=paper, cohort=CohortFactory(), opens_at=now - datetime.timedelta(hours=2), closes_at=now, place="臺北"
    )
    number = Attempt.objects.filter(trainee=profile.user, paper=paper).count() + 1
    attempt = Attempt.objects.create(
        sitting=sitting,
        paper=paper,
        trainee=profile.user,
        number=number,
        seed=1,
        state="graded" if published else "grading",
        started_at=now - datetime.timedelta(hours=1),
        deadline=now,
        submitted_at=now,
    )
    if not published:
        return CourseResult.objects.create(attempt=attempt, trainee=profile.user, course=course, max_score=100)
    return CourseResult.objects.create(
        attempt=attempt,
        trainee=profile.user,
        course=course,
        score=80 if passed else 40,
        max_score=100,
        percent=80 if passed else 40,
        passed=passed,
        published_at=now,
    )


def test_it_lists_published_results_of_its_employees_only(cast, employee_a, employee_b):
    mine = published_result(employee_a)
    published_result(employee_b, passed=False)
    rows = cast.api_a.get("/api/v1/exam-results/").json()["results"]
    assert [(r["id"], r["passed"], r["course"]) for r in rows] == [(mine.pk, True, "BCM-101")]


def test_an_unpublished_result_of_its_own_employee_is_not_shown_until_published(cast, employee_a):
    """A result is nobody's to read before it is published: not listed (with or without filters), its
    id not found; once published it is both."""
    shown = published_result(employee_a)
    pending = published_result(employee_a, published=False)
    long_ago = (timezone.now() - datetime.timedelta(days=365)).isoformat()

    def listed(**params):
        return [r["id"] for r in cast.api_a.get("/api/v1/exam-results/", params).json()["results"]]

    for params in ({}, {"employee": employee_a.pk}, {"course": "BCM-101"}, {"updated_since": long_ago}):
        assert listed(**params) == [shown.pk], params
    missing = assert_problem(cast.api_a.get(f"/api/v1/exam-results/{pending.pk}/"), 404)
    assert missing == assert_problem(cast.api_a.get("/api/v1/exam-results/999999/"), 404)  # as if it did not exist

    # The last essay is marked: the result is published (as grading's _finalize writes it).
    type(pending).objects.filter(pk=pending.pk).update(
        score=55, percent=55, passed=False, published_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    assert listed() == [shown.pk, pending.pk]
    assert listed(employee=employee_a.pk) == [shown.pk, pending.pk]
    body = cast.api_a.get(f"/api/v1/exam-results/{pending.pk}/").json()
    assert (body["id"], body["employee"], body["score"], body["passed"]) == (pending.pk, employee_a.pk, 55, False)


def test_another_employers_result_is_not_found(cast, employee_b):
    theirs = published_result(employee_b)
    assert_problem(cast.api_a.get(f"/api/v1/exam-results/{theirs.pk}/"), 404)


@pytest.mark.parametrize("size", [2, 12])
def test_the_results_list_runs_a_fixed_number_of_queries(cast, size, django_assert_max_num_queries):
    for profile in TraineeProfileFactory.create_batch(size, employer=cast.hr_a.employer):
        published_result(profile)
    with django_assert_max_num_queries(4):
        response = cast.api_a.get("/api/v1/exam-results/?page_size=100")
    assert len(response.json()["results"]) == size


def test_certificates_filter_by_tier_track_status_and_expiry(cast, employee_a):
    soon = CertificateFactory(trainee=employee_a.user, valid_until=timezone.localdate() + datetime.timedelta(days=30))
    later_user = TraineeProfileFactory(employer=cast.hr_a.employer).user
    later = CertificateFactory(trainee=later_user, valid_until=timezone.localdate() + datetime.timedelta(days=900))

    def numbers(**params):
        return {r["number"] for r in cast.api_a.get("/api/v1/certificates/", params).json()["results"]}

    assert numbers() == {soon.number, later.number}
    assert numbers(expiring_before=(timezone.localdate() + datetime.timedelta(days=60)).isoformat()) == {soon.number}
    assert numbers(tier="standard", track="retail", status="active") == {soon.number, later.number}
    assert numbers(tier="senior") == set()
    assert_problem(cast.api_a.get("/api/v1/certificates/?expiring_before=soon"), 400)
    assert_problem(cast.api_a.get("/api/v1/certificates/?status=lost"), 400)


def test_a_certificate_is_fetched_by_number_with_its_pdf(cast, employee_a):
    certificate = CertificateFactory(trainee=employee_a.user)
    body = cast.api_a.get(f"/api/v1/certificates/{certificate.number}/").json()
    assert body["employee"] == employee_a.pk and body["status"] == "active"
    response = cast.api_a.get(body["pdf_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_employers_certificate_is_not_found(cast, employee_b):
    theirs = CertificateFactory(trainee=employee_b.user)
    assert_problem(cast.api_a.get(f"/api/v1/certificates/{theirs.number}/"), 404)
    assert_problem(cast.api_a.get(f"/api/v1/certificates/{theirs.number}/pdf/"), 404)
    assert cast.api_a.get("/api/v1/certificates/").json()["results"] == []


@pytest.mark.parametrize("size", [2, 12])
def test_the_certificate_list_runs_a_fixed_number_of_queries(cast, size, django_assert_max_num_queries):
    for profile in TraineeProfileFactory.create_batch(size, employer=cast.hr_a.employer):
        CertificateFactory(trainee=profile.user)
    with django_assert_max_num_queries(4):
        response = cast.api_a.get("/api/v1/certificates/?page_size=100")
    assert len(response.json()["results"]) == size
