"""The demo's certificates earned in the portal come from passed exam results, as a tester reads them: trainee06's
assistant certificate (and trainee08's) stands beside the published results of every course of the training that
earned it, on the day of the last of them; each bank's HR system reads those results; My exams lists them. Loading
twice changes nothing.

Before: trainee06 held BCM-AST-G-…, written by certification's demo, while /api/v1/exam-results/ was empty for
both banks and /en/exams/ said "You have not sat an exam yet"."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from certification import services
from certification.models import Certificate, ContinuingEducation
from certification.numbers import NUMBER_RE, is_valid_number
from courses.models import Enrolment
from exams.models import Attempt, CourseResult, Sitting
from hr_api.management.commands.load_demo import load_named
from hr_api.models import ApiClient
from tests.api.conftest import http
from tests.page_text import text_of

pytestmark = pytest.mark.django_db

EARNERS = {"trainee06@demo.test": "bank-a", "trainee08@demo.test": "bank-b"}


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Certificate, CourseResult, Attempt, Sitting, ContinuingEducation))


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    # As `manage.py load_demo` runs it: what each app's demo enqueues after its commit runs too.
    with django_capture_on_commit_callbacks(execute=True):
        load_named()


def earned(email: str) -> Certificate:
    return Certificate.objects.select_related("curriculum", "enrolment__cohort").get(
        trainee__email=email, tier__code="assistant"
    )


@pytest.mark.parametrize("email", EARNERS)
def test_each_certificate_earned_in_the_demo_stands_on_published_passed_results(demo, email):
    certificate = earned(email)
    courses = set(certificate.curriculum.entries.values_list("course_id", flat=True))
    results = list(
        CourseResult.objects.filter(trainee=certificate.trainee, course_id__in=courses).select_related(
            "attempt__sitting"
        )
    )
    assert courses and {r.course_id for r in results if r.passed and r.published_at} == courses
    # Sat in the training that earned it, every answer scored (the essay by the institution's grader), published;
    # then the training was marked complete.
    assert {r.attempt.sitting.cohort_id for r in results} == {certificate.enrolment.cohort_id}
    assert not Attempt.objects.filter(trainee=certificate.trainee, items__score__isnull=True).exists()
    assert certificate.enrolment.state == Enrolment.State.COMPLETED
    # Issued, and valid from, the day the last of them was published; numbered in that year.
    issued = timezone.localdate(max(r.published_at for r in results))
    assert certificate.issued_on == certificate.period_starts_on == issued
    assert is_valid_number(certificate.number) and NUMBER_RE.match(certificate.number).group(3) == str(issued.year)


def test_trainee06s_certificate_is_from_the_earlier_training_and_keeps_its_continuing_education(demo):
    certificate = earned("trainee06@demo.test")
    assert certificate.enrolment.cohort.code == "INST-A-ASSISTANT-EARLIER"
    assert certificate.issued_on < timezone.localdate() - datetime.timedelta(days=30)
    assert services.ce_hours_in_period(certificate) == 14  # 8 reported before, 6 attended at inst-b's course


@pytest.mark.parametrize(("email", "bank"), EARNERS.items())
def test_each_bank_reads_its_trainees_results(demo, email, bank):
    client = ApiClient.objects.get(employer__code=bank, application__client_id=f"demo-hr-{bank[-1]}")
    rows = http(client).get("/api/v1/exam-results/").json()["results"]
    certificate = earned(email)
    number = certificate.trainee.trainee_profile.employee_number
    theirs = [row for row in rows if row["employee_number"] == number]
    assert len(theirs) == certificate.curriculum.entries.count() and all(row["passed"] for row in theirs)


def test_my_exams_lists_trainee06s_results(demo):
    client = Client()
    client.force_login(earned("trainee06@demo.test").trainee)
    page = text_of(client.get("/en/exams/").content.decode())
    assert "You have not sat an exam yet" not in page
    for code in earned("trainee06@demo.test").curriculum.entries.values_list("course__code", flat=True):
        assert code in page


def test_loading_twice_changes_nothing(demo, django_capture_on_commit_callbacks):
    first = counts()
    numbers = list(Certificate.objects.order_by("pk").values_list("number", "issued_on"))
    with django_capture_on_commit_callbacks(execute=True):
        load_named()
    assert counts() == first
    assert list(Certificate.objects.order_by("pk").values_list("number", "issued_on")) == numbers
