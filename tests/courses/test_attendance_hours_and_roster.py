"""A teacher's view of their class in admin.

- Attendance hours out of range (−1 h) on a session's page: one message at the row, saying the range (0, absent,
  to the session's length). The model's own check (0 to 24) and the session's hours rule ("more than 0 and at most
  24 in a day") once showed as well, contradicting 0 being taken.
- A cohort's page lists its trainees (name, state, hours attended so far), read-only, to whoever sees the cohort:
  its teachers and its institution's staff; a teacher of another institution, or one not teaching the cohort, does
  not reach the page (404). Read in the same number of queries however many trainees.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import StaffMembership
from courses import services
from courses.models import Attendance, Enrolment
from tests.conftest import in_english, logged_in, make_staff
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

ATTENDED_RANGE = "Attended hours are between 0 (absent) and the session&#x27;s 8 hours; {} is outside that."
MODEL_CHECK = "Attended hours are between 0 and 24."
SESSION_RULE = "Hours must be more than 0 and at most 24 in a day."


def approved(cohort, name: str = "") -> Enrolment:
    trainee = UserFactory(display_name=name) if name else UserFactory()
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))


def teacher(institution, email: str) -> StaffMembership:
    user = make_staff(institution, StaffMembership.Role.TEACHER, email=email, display_name=email, is_staff=True)
    return in_english(user).staff_membership


@pytest.fixture
def wang(institution) -> StaffMembership:
    """teacher@inst-a: teaches the class below."""
    return teacher(institution, "teacher@inst-a.example.test")


@pytest.fixture
def class_of_wang(institution, wang):
    cohort = CohortFactory(institution=institution, code="A-CLASS")
    session = TrainingSessionFactory(cohort=cohort, teacher_person=wang, teacher="", hours=Decimal(8))
    return cohort, session


def rows(new: list[tuple[int, str]], recorded: list[tuple[Attendance, str]] = ()) -> dict:
    """The attendance inline as posted: the recorded rows first (their id), then new ones."""
    data = {
        "attendances-TOTAL_FORMS": len(recorded) + len(new),
        "attendances-INITIAL_FORMS": len(recorded),
        "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000,
    }
    for i, (attendance, hours) in enumerate(recorded):
        data[f"attendances-{i}-id"] = attendance.pk
        data[f"attendances-{i}-enrolment"] = attendance.enrolment_id
        data[f"attendances-{i}-hours"] = hours
    for i, (enrolment_id, hours) in enumerate(new, start=len(recorded)):
        data[f"attendances-{i}-enrolment"] = enrolment_id
        data[f"attendances-{i}-hours"] = hours
    return data


# --- attendance hours out of range -----------------------------------------------------------------


@pytest.mark.parametrize("hours", ["-1", "9", "25"])
def test_attendance_out_of_range_shows_one_message_saying_the_range(wang, class_of_wang, hours):
    cohort, session = class_of_wang
    enrolment = approved(cohort)
    url = f"/en/admin/courses/trainingsession/{session.pk}/change/"

    response = logged_in(wang.user).post(url, rows([(enrolment.pk, hours)]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(ATTENDED_RANGE.format(hours)) == 1
    assert MODEL_CHECK not in html and SESSION_RULE not in html
    assert not Attendance.objects.exists()


def test_a_recorded_rows_hours_corrected_below_0_shows_the_one_message_and_0_is_absent(wang, class_of_wang):
    cohort, session = class_of_wang
    enrolment = approved(cohort)
    attendance = services.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    client = logged_in(wang.user)
    url = f"/en/admin/courses/trainingsession/{session.pk}/change/"

    html = client.post(url, rows([], [(attendance, "-1")])).content.decode()
    assert html.count(ATTENDED_RANGE.format("-1")) == 1
    assert MODEL_CHECK not in html and SESSION_RULE not in html
    assert Attendance.objects.get().hours == Decimal(8)

    response = client.post(url, rows([], [(attendance, "0")]))  # absent: taken
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Attendance.objects.get().hours == Decimal(0)


def test_the_sessions_own_hours_rule_still_shows_when_its_hours_are_wrong(alice: Client, institution):
    cohort = CohortFactory(institution=institution)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    form = {
        "cohort": cohort.pk, "purpose": session.purpose, "mode": session.mode, "course": session.course_id,
        "held_on": session.held_on.isoformat(), "starts_at": "", "hours": "0", "teacher": session.teacher,
        "location": session.location, **rows([]),
    }  # fmt: skip
    html = alice.post(f"/en/admin/courses/trainingsession/{session.pk}/change/", form).content.decode()
    assert SESSION_RULE in html


# --- the cohort's trainees on its page ------------------------------------------------------------------


def roster_of(html: str) -> str:
    start = html.index('<table class="cohort-roster">')
    return html[start : html.index("</table>", start)]


def test_a_teacher_sees_the_trainees_of_a_cohort_they_teach_with_state_and_hours(wang, class_of_wang):
    cohort, session = class_of_wang
    first, second = approved(cohort, "陳小明"), approved(cohort, "林美玲")
    pending = services.do_enrol(trainee=UserFactory(display_name="張志豪"), cohort=cohort)
    rejected = services.do_reject_enrolment(
        enrolment=services.do_enrol(trainee=UserFactory(display_name="王落選"), cohort=cohort), reason="Full."
    )
    services.do_record_attendance(session=session, enrolment=first, hours="6.5")
    services.do_record_attendance(session=session, enrolment=second, hours=0)

    response = logged_in(wang.user).get(f"/en/admin/courses/cohort/{cohort.pk}/change/")

    assert response.status_code == 200
    table = roster_of(response.content.decode())
    assert "陳小明" in table and "林美玲" in table and "張志豪" in table
    assert rejected.trainee.display_name not in table
    assert "<td>6.5</td>" not in table and '<td class="number">6.5</td>' in table
    assert table.count('<td class="number">0</td>') == 2  # absent, and pending with nothing yet
    assert "pending approval" in table and "approved" in table
    assert "<input" not in table and "<select" not in table
    assert pending.state == Enrolment.State.PENDING


def test_institution_staff_see_the_trainees_too(alice: Client, institution):
    cohort = CohortFactory(institution=institution)
    approved(cohort, "陳小明")
    html = alice.get(f"/en/admin/courses/cohort/{cohort.pk}/change/").content.decode()
    assert "陳小明" in roster_of(html)


def test_a_cohort_without_trainees_says_so(alice: Client, institution):
    cohort = CohortFactory(institution=institution)
    html = alice.get(f"/en/admin/courses/cohort/{cohort.pk}/change/").content.decode()
    assert "No trainees yet." in html


def test_the_roster_stays_with_the_cohorts_teachers_and_institution(
    institution, other_institution, wang, class_of_wang, bob: Client
):
    cohort, _session = class_of_wang
    approved(cohort, "陳小明")
    url = f"/en/admin/courses/cohort/{cohort.pk}/change/"
    elsewhere = teacher(other_institution, "teacher@inst-b.example.test")
    TrainingSessionFactory(cohort=CohortFactory(institution=other_institution), teacher_person=elsewhere, teacher="")
    colleague = teacher(institution, "colleague@inst-a.example.test")  # inst-a, teaching none of this cohort
    TrainingSessionFactory(cohort=CohortFactory(institution=institution), teacher_person=colleague, teacher="")

    for outsider in (logged_in(elsewhere.user), logged_in(colleague.user), bob):
        response = outsider.get(url)
        assert response.status_code == 404
        assert "陳小明" not in response.content.decode()
    assert "陳小明" in roster_of(logged_in(wang.user).get(url).content.decode())


def test_the_cohort_page_reads_its_trainees_in_the_same_queries_however_many(
    wang, class_of_wang, django_assert_max_num_queries
):
    cohort, session = class_of_wang
    client = logged_in(wang.user)
    url = f"/en/admin/courses/cohort/{cohort.pk}/change/"
    for enrolment in [approved(cohort) for _ in range(2)]:
        services.do_record_attendance(session=session, enrolment=enrolment, hours=4)
    client.get(url)  # the session's first page: what is read once per login
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for enrolment in [approved(cohort) for _ in range(6)]:
        services.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert roster_of(response.content.decode()).count("<tr>") == 1 + 8
