"""Probe findings on the training session form: hours outside a day were refused twice in two wordings (the
service's, then the model's range check); the cohort list offered ended cohorts among the others, in no useful
order. Ended cohorts stay offered, last: a session is entered once held and its attendance from its day on, so a
cohort's last sessions are often entered after it ended."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.models import RemoteModule, TrainingSession
from tests.courses.test_admin_session_place import session_form
from tests.factories import CohortFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

SERVICE = "Hours must be more than 0 and at most 24 in a day."
MODEL = "A session lasts more than 0 and at most 24 hours."


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("hours", ["0", "25"])
def test_hours_outside_a_day_are_refused_once_at_the_hours_field(alice: Client, institution, language, hours):
    cohort = CohortFactory(institution=institution)
    response = alice.post(
        f"/{language}/admin/courses/trainingsession/add/", session_form(cohort, hours=hours, location="301 教室")
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    with translation.override(language):
        said, not_said = gettext(SERVICE), gettext(MODEL)
    assert form.errors == {"hours": [said]}
    html = response.content.decode()
    assert html.count(said) == 1 and not_said not in html
    assert not TrainingSession.objects.exists()


def test_a_remote_module_of_no_hours_is_refused_once(alice: Client, institution):
    cohort = CohortFactory(institution=institution, offers_remote=True)
    module = {"cohort": cohort.pk, "purpose": "exam_prep", "title_zh": "考前輔導", "title_en": "Exam preparation"}
    response = alice.post("/en/admin/courses/remotemodule/add/", module | {"hours": "0", "url": ""})

    assert response.context["adminform"].form.errors == {"hours": [SERVICE]}
    assert not RemoteModule.objects.exists()


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def ended_cohort(institution, code: str, *, ended: int) -> object:
    """A cohort whose last day was ``ended`` days ago."""
    closes = timezone.now() - datetime.timedelta(days=ended + 10)
    return CohortFactory(
        institution=institution,
        code=code,
        starts_on=days(-ended - 30),
        ends_on=days(-ended),
        status="running",
        enrolment_opens_at=closes - datetime.timedelta(days=30),
        enrolment_closes_at=closes,
    )


@pytest.fixture
def cohorts(institution) -> list:
    """inst-a's cohorts in the order the session form offers them: under way (earliest start first), to come,
    then ended (the most recent first; one finished early, by its status)."""
    under_way = CohortFactory(institution=institution, code="A-NOW", starts_on=days(-7))
    started_earlier = CohortFactory(institution=institution, code="A-EARLIER", starts_on=days(-20))
    to_come = CohortFactory(institution=institution, code="A-NEXT", starts_on=days(30), ends_on=days(40), status="open")
    finished_early = CohortFactory(institution=institution, code="A-FIN", starts_on=days(-10), status="finished")
    long_ago = ended_cohort(institution, "A-OLD", ended=200)
    last_week = ended_cohort(institution, "A-LASTWEEK", ended=7)
    return [started_earlier, under_way, to_come, finished_early, last_week, long_ago]


def offered(html: str) -> list[str]:
    select = re.search(r'<select name="cohort"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r"\(([A-Z-]+)\)</option>", select.group(1))


def test_the_cohort_list_puts_the_ended_cohorts_last(alice: Client, cohorts, other_institution):
    CohortFactory(institution=other_institution, code="B-NOW")  # not inst-a's: never offered

    html = alice.get("/en/admin/courses/trainingsession/add/").content.decode()

    assert offered(html) == [cohort.code for cohort in cohorts]


def test_a_session_of_a_stored_cohort_that_ended_is_shown_with_its_cohort(alice: Client, cohorts):
    session = TrainingSessionFactory(cohort=cohorts[-1])

    html = alice.get(f"/en/admin/courses/trainingsession/{session.pk}/change/").content.decode()

    assert offered(html) == [cohort.code for cohort in cohorts]
    assert re.search(rf'<option value="{cohorts[-1].pk}" selected>', html)


def test_a_session_held_before_its_cohort_ended_is_still_entered_afterwards(alice: Client, institution):
    cohort = ended_cohort(institution, "A-LATE", ended=2)
    form = session_form(cohort, held_on=cohort.ends_on.isoformat(), location="301 教室")

    assert alice.post("/en/admin/courses/trainingsession/add/", form).status_code == 302
    assert TrainingSession.objects.get().cohort == cohort


def test_the_form_reads_the_cohorts_in_a_fixed_number_of_queries(
    alice: Client, institution, cohorts, django_assert_max_num_queries
):
    alice.get("/en/admin/courses/trainingsession/add/")  # the session's first page loads what it caches
    with django_assert_max_num_queries(25) as counted:
        alice.get("/en/admin/courses/trainingsession/add/")
    few = len(counted)
    for n in range(10):
        CohortFactory(institution=institution, code=f"A-MORE{n}")
    with django_assert_max_num_queries(few):
        alice.get("/en/admin/courses/trainingsession/add/")
