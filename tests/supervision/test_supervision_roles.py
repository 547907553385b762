"""Who has a supervision role: the program office, and an institution's admins and graders. A teacher is
institution staff too, but sees in admin only the sessions they teach and those cohorts; the supervision
area (every trainee of every cohort, names, employers, employee numbers) refuses them, as it refuses
trainees and employer HR staff: every page and download of the URL conf answers 403 to each, whatever
the query string asks, and the navigation bar does not offer them the link."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse
from django.utils import translation
from django.utils.http import urlencode

from accounts.models import StaffMembership
from courses import services as training
from supervision import urls as supervision_urls
from supervision.models import RecomputeRun
from tests.conftest import logged_in, make_staff
from tests.factories import CohortFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(institution):
    """A teacher of inst-a, 陳志明."""
    return make_staff(
        institution, StaffMembership.Role.TEACHER, email="chen@inst-a.example.test", display_name="陳志明",
        is_staff=True,
    )  # fmt: skip


@pytest.fixture
def cohorts(institution, teacher, trainee):
    """inst-a's cohort the teacher teaches, and one they do not teach, whose trainee is the cast's."""
    taught = CohortFactory(institution=institution, code="A-TAUGHT")
    TrainingSessionFactory(cohort=taught, teacher_person=teacher.staff_membership, teacher="", hours=Decimal(4))
    untaught = CohortFactory(institution=institution, code="A-UNTAUGHT")
    TrainingSessionFactory(cohort=untaught, teacher="Guest Lecturer Ho")
    training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=untaught))
    return taught, untaught


def supervision_urls_for(cohort_id: int) -> Iterator[str]:
    """Every URL of the supervision URL conf (a new page is swept as soon as it exists)."""
    assert supervision_urls.urlpatterns
    for pattern in supervision_urls.urlpatterns:
        assert isinstance(pattern, URLPattern), pattern
        arguments = set(pattern.pattern.converters)
        assert arguments <= {"cohort_id"}, f"{pattern.name} takes {arguments}: say here what it is given"
        with translation.override("en"):
            yield reverse(f"supervision:{pattern.name}", kwargs=dict.fromkeys(arguments, cohort_id))


def query_strings(institution, other_institution) -> list[dict[str, str]]:
    return [
        {},
        {"format": "csv"},
        {"download": "by-course", "format": "csv"},
        {"institution": str(institution.pk), "format": "xlsx"},
        {"institution": str(other_institution.pk)},
        {"institution": "²"},
        {"institution": "9" * 5000},
        {"valid_from": "2000-01-01", "valid_to": "2100-01-01", "format": "csv"},
    ]


@pytest.mark.parametrize("who", ["teacher", "trainee", "hr_staff"])
def test_every_supervision_page_and_download_refuses_those_without_a_supervision_role(
    request, who, cohorts, institution, other_institution
):
    person = request.getfixturevalue(who)
    client = logged_in(person)
    trainee_name = request.getfixturevalue("trainee").display_name
    asked = 0
    for cohort in cohorts:
        for url in supervision_urls_for(cohort.pk):
            for data in query_strings(institution, other_institution):
                answers = {
                    "GET": client.get(url, data, HTTP_ACCEPT_LANGUAGE="en"),
                    "POST": client.post(f"{url}?{urlencode(data)}"),
                }
                statuses = {method: answer.status_code for method, answer in answers.items()}
                # The method the view takes is refused with 403; the other one is not allowed (405).
                assert set(statuses.values()) - {405} == {403}, (who, url, data, statuses)
                for answer in answers.values():
                    assert trainee_name not in answer.content.decode("utf-8", "replace")
                asked += 1
    assert asked >= 2 * 12 * 8
    assert not RecomputeRun.objects.exists()


def test_a_teacher_is_refused_even_the_exports_of_the_cohort_they_teach(teacher, cohorts):
    taught, untaught = cohorts
    client = logged_in(teacher)
    for cohort in (taught, untaught):
        for name in ("cohort_results", "cohort_progress"):
            with translation.override("en"):
                url = reverse(f"supervision:{name}", args=[cohort.pk])
            assert client.get(url, {"format": "csv"}).status_code == 403
    # In admin they still see the cohort they teach, and not the other one (accounts.scoping).
    assert client.get(f"/en/admin/courses/cohort/{taught.pk}/change/").status_code == 200
    assert client.get(f"/en/admin/courses/cohort/{untaught.pk}/change/").status_code == 404


def test_institution_admins_and_graders_still_read_their_institutions_exports(
    institution_admin, institution_grader, cohorts, trainee
):
    _taught, untaught = cohorts
    for person in (institution_admin, institution_grader):
        with translation.override("en"):
            url = reverse("supervision:cohort_progress", args=[untaught.pk])
        answer = logged_in(person).get(url, {"format": "csv"})
        assert answer.status_code == 200
        assert trainee.display_name in answer.content.decode("utf-8-sig")


def nav_of(client) -> str:
    body = client.get("/en/").content.decode()
    return body[body.index("<nav") : body.index("</nav>")]


def test_the_navigation_offers_supervision_only_to_those_it_admits(
    program_office, institution_admin, institution_grader, teacher, trainee, hr_staff
):
    with translation.override("en"):
        link = f'href="{reverse("supervision:index")}"'
    for _round in range(2):  # the second round reads the bars rendered in the first
        for person in (program_office, institution_admin, institution_grader):
            client = logged_in(person)
            assert link in nav_of(client)
            assert client.get(reverse("supervision:index")).status_code == 200
        for person in (teacher, trainee, hr_staff):
            client = logged_in(person)
            assert link not in nav_of(client)
            assert client.get(reverse("supervision:index")).status_code == 403
