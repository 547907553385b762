"""An import's file that holds nothing is called empty (not "no file was submitted"); a cohort's code typed in
another case than stored still finds the institution's cohort when only one of its cohorts has that code."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Enrolment
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

TRAINEES = "/{lang}/admin/accounts/traineeprofile/import/"
ENROLMENTS = "/{lang}/admin/courses/enrolment/import/"
ENROLMENT_HEADER = "email,display_name,preferred_language,cohort\n"


def post_file(client, url: str, content: bytes, lang: str = "en", name: str = "people.csv"):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(url.format(lang=lang), {"import_file": upload, "format": "0", "resource": "0"})


@pytest.mark.parametrize("url", [TRAINEES, ENROLMENTS])
def test_an_empty_file_is_called_empty(alice, url):
    english = post_file(alice, url, b"").content.decode()
    assert "The file is empty: it holds not even a header row." in english
    chinese = post_file(alice, url, b"", lang="zh-hant").content.decode()
    assert "檔案是空的" in chinese and "沒有任何檔案被提交" not in chinese


def test_a_cohort_code_in_another_case_finds_the_institutions_cohort(alice, institution):
    cohort = CohortFactory(institution=institution, code="INST-A-STANDARD-RETAIL")
    text = ENROLMENT_HEADER + "ann@example.test,Ann,en,inst-a-standard-retail\n"
    response = post_file(alice, ENROLMENTS, text.encode())
    assert "confirm_form" in response.context, response.content.decode()[:3000]
    confirm = response.context["confirm_form"].initial
    assert alice.post("/en/admin/courses/enrolment/process_import/", confirm).status_code == 302
    assert Enrolment.objects.filter(cohort=cohort, trainee__email="ann@example.test").exists()


def test_codes_that_differ_only_in_case_are_told_apart_as_stored(alice, institution):
    upper = CohortFactory(institution=institution, code="Ab-1")
    lower = CohortFactory(institution=institution, code="aB-1")
    as_stored = ENROLMENT_HEADER + "ann@example.test,Ann,en,Ab-1\ncat@example.test,Cat,en,aB-1\n"
    confirm = post_file(alice, ENROLMENTS, as_stored.encode()).context["confirm_form"].initial
    assert alice.post("/en/admin/courses/enrolment/process_import/", confirm).status_code == 302
    assert Enrolment.objects.get(trainee__email="ann@example.test").cohort == upper
    assert Enrolment.objects.get(trainee__email="cat@example.test").cohort == lower
    neither = ENROLMENT_HEADER + "dan@example.test,Dan,en,ab-1\n"
    response = post_file(alice, ENROLMENTS, neither.encode())
    assert "confirm_form" not in response.context
    assert "Your cohorts Ab-1, aB-1 differ from ab-1 only in case" in response.content.decode()


def test_another_institutions_cohort_is_not_found_in_any_case(alice, other_institution):
    CohortFactory(institution=other_institution, code="B-1")
    response = post_file(alice, ENROLMENTS, (ENROLMENT_HEADER + "ann@example.test,Ann,en,b-1\n").encode())
    assert "There is no cohort b-1 of yours." in response.content.decode()


def test_the_column_guide_gives_one_of_the_institutions_own_cohorts_as_the_example(
    alice, institution, other_institution
):
    CohortFactory(institution=institution, code="INST-A-STANDARD-RETAIL", status="open")
    CohortFactory(institution=other_institution, code="INST-B-SECRET", status="open")
    page = alice.get(ENROLMENTS.format(lang="en")).content.decode()
    assert "INST-A-STANDARD-RETAIL" in page and "INST-B-SECRET" not in page and "A-STD-R" not in page
