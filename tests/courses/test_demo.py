"""The demo training loads on the demo people, shows the worked figure, and loads twice the same."""

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

import accounts.demo
import courses.demo
from accounts.models import User
from courses.models import (
    Attendance,
    Cohort,
    Curriculum,
    Enrolment,
    RemoteCompletion,
    SelfStudyEntry,
    TrainingSession,
)
from tests.page_text import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people():
    """accounts.demo's people, on whom the demo training loads."""
    accounts.demo.load()


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Cohort, Enrolment, TrainingSession, Attendance, SelfStudyEntry))


def test_every_demo_institution_has_an_open_cohort_for_every_tier_and_track(demo_people):
    courses.demo.load()
    for code, online in (("inst-a", False), ("inst-b", True)):
        cohorts = Cohort.objects.filter(institution__code=code, status="open")
        assert set(cohorts.values_list("curriculum", flat=True)) == set(Curriculum.objects.values_list("pk", flat=True))
        assert set(cohorts.values_list("is_online", flat=True)) == {online}
    assert set(Cohort.objects.filter(institution__code="inst-a", status="open").values_list("city", flat=True)) == {
        "TPE"
    }


def test_the_demo_class_has_approved_trainees_with_attendance_and_a_pending_one(demo_people):
    courses.demo.load()
    cohort = Cohort.objects.get(code="INST-A-STANDARD-RETAIL")
    states = dict(Enrolment.objects.filter(cohort=cohort).values_list("trainee__email", "state"))
    assert states == {
        "trainee01@demo.test": "approved",
        "trainee02@demo.test": "approved",
        "trainee03@demo.test": "approved",
        "trainee04@demo.test": "approved",
        "trainee05@demo.test": "pending",
    }
    assert Attendance.objects.filter(session__cohort=cohort, hours__gt=0).count() == 7


def test_trainee06_shows_the_credited_hours_on_the_dashboard(demo_people):
    courses.demo.load()
    trainee = User.objects.get(email="trainee06@demo.test")
    states = set(Enrolment.objects.filter(trainee=trainee).values_list("curriculum__tier__code", "state"))
    assert states == {("assistant", "completed"), ("standard", "approved")}
    client = Client()
    client.force_login(trainee)
    html = client.get("/en/dashboard/").content.decode()
    assert "Hours owed: teaching 6 days / 48 h + exam preparation 1 day / 8 h" in text_of(html)


def test_loading_the_demo_twice_changes_nothing(demo_people):
    courses.demo.load()
    first = counts()
    courses.demo.load()
    assert counts() == first


def test_the_demo_records_hours_only_for_days_that_have_come(demo_people):
    """The services' rules hold for the demo too: attendance of sessions held, completions and self-study
    not after today, self-study not before its cohort's first day; and its upcoming sessions still show."""
    courses.demo.load()
    today = timezone.localdate()
    assert Attendance.objects.exists() and SelfStudyEntry.objects.exists() and RemoteCompletion.objects.exists()
    assert not Attendance.objects.filter(session__held_on__gt=today).exists()
    assert not RemoteCompletion.objects.filter(completed_on__gt=today).exists()
    assert not SelfStudyEntry.objects.filter(studied_on__gt=today).exists()
    assert not SelfStudyEntry.objects.filter(studied_on__lt=F("enrolment__cohort__starts_on")).exists()
    assert TrainingSession.objects.filter(held_on__gt=today, cohort__code="INST-A-STANDARD-RETAIL").exists()
