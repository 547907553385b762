"""Teachers as people (issue 22, item 2): a session names its teacher's account; the teacher sees in
admin only the sessions they teach and those sessions' cohorts, and records their attendance; a
teacher of another institution is refused on a session and sees nothing; trainees read the name."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.utils import timezone, translation

from accounts.models import StaffMembership
from accounts.scoping import EmployerScopedAdmin, InstitutionScopedAdmin
from courses import selectors, services
from courses.models import Attendance, Enrolment, TrainingSession
from courses.services import TrainingError
from tests.conftest import in_english, logged_in, make_staff
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def approved(cohort, trainee=None) -> Enrolment:
    enrolment = services.do_enrol(trainee=trainee or UserFactory(), cohort=cohort)
    return services.do_approve_enrolment(enrolment=enrolment)


def teacher(institution, name: str, email: str) -> StaffMembership:
    return make_staff(
        institution, StaffMembership.Role.TEACHER, email=email, display_name=name, is_staff=True
    ).staff_membership


@pytest.fixture
def chen(institution) -> StaffMembership:
    """陳志明, teacher at inst-a."""
    return teacher(institution, "陳志明", "chen@inst-a.example.test")


@pytest.fixture
def lin(other_institution) -> StaffMembership:
    """林淑華, teacher at inst-b: the outsider to inst-a's cohorts."""
    return teacher(other_institution, "林淑華", "lin@inst-b.example.test")


@pytest.fixture
def classes(institution, chen):
    """Chen teaches one session of cohort A-TAUGHT; A-OTHER (same institution) has only someone else's session.
    A-TAUGHT's are today's: held (attendance is recorded) and still among a trainee's upcoming sessions."""
    taught = CohortFactory(institution=institution, code="A-TAUGHT")
    other = CohortFactory(institution=institution, code="A-OTHER")
    today = timezone.localdate()
    mine = TrainingSessionFactory(cohort=taught, teacher_person=chen, teacher="", hours=Decimal(4), held_on=today)
    colleague = TrainingSessionFactory(cohort=taught, teacher="Guest Lecturer Wu", hours=Decimal(4), held_on=today)
    elsewhere = TrainingSessionFactory(cohort=other, teacher="Guest Lecturer Ho")
    return taught, other, mine, colleague, elsewhere


def attendance_form(rows) -> dict:
    data = {
        "attendances-TOTAL_FORMS": len(rows),
        "attendances-INITIAL_FORMS": 0,
        "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000,
    }
    for i, (enrolment_id, hours) in enumerate(rows):
        data[f"attendances-{i}-enrolment"] = enrolment_id
        data[f"attendances-{i}-hours"] = hours
    return data


# --- who sees what in admin --------------------------------------------------------------------------


def test_a_teacher_sees_only_the_sessions_they_teach_and_those_cohorts(chen, classes, django_assert_max_num_queries):
    taught, other, mine, colleague, elsewhere = classes
    client = logged_in(chen.user)
    with django_assert_max_num_queries(25):
        sessions = client.get("/en/admin/courses/trainingsession/")
    assert sessions.status_code == 200
    html = sessions.content.decode()
    assert f"/trainingsession/{mine.pk}/change/" in html
    assert f"/trainingsession/{colleague.pk}/change/" not in html
    assert f"/trainingsession/{elsewhere.pk}/change/" not in html
    cohorts = client.get("/en/admin/courses/cohort/").content.decode()
    assert "A-TAUGHT" in cohorts and "A-OTHER" not in cohorts
    for url in (
        f"/en/admin/courses/trainingsession/{colleague.pk}/change/",
        f"/en/admin/courses/trainingsession/{elsewhere.pk}/change/",
        f"/en/admin/courses/cohort/{other.pk}/change/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/en/admin/courses/cohort/{taught.pk}/change/").status_code == 200


def test_every_scoped_admin_shows_a_teacher_only_rows_that_name_them(rf, chen, classes):
    approved(classes[0])
    request = rf.get("/")
    request.user = chen.user
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, (InstitutionScopedAdmin, EmployerScopedAdmin)):
            rows = model_admin.get_queryset(request)
            if getattr(model_admin, "teacher_paths", ()):
                assert rows.exists(), model._meta.label
            else:
                assert not rows.exists(), model._meta.label


def test_a_teacher_sees_nothing_else_of_their_institution(chen, classes):
    approved(classes[0])
    client = logged_in(chen.user)
    for url in (
        "/en/admin/courses/enrolment/",
        "/en/admin/courses/remotemodule/",
        "/en/admin/accounts/traineeprofile/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/en/admin/courses/trainingsession/add/").status_code == 403
    assert client.get("/en/admin/courses/cohort/add/").status_code == 403


def test_another_institutions_teacher_sees_none_of_its_cohorts_or_sessions(lin, classes):
    taught, _other, mine, _colleague, _elsewhere = classes
    client = logged_in(lin.user)
    assert "A-TAUGHT" not in client.get("/en/admin/courses/cohort/").content.decode()
    listing = client.get("/en/admin/courses/trainingsession/").content.decode()
    assert f"/trainingsession/{mine.pk}/change/" not in listing
    assert client.get(f"/en/admin/courses/trainingsession/{mine.pk}/change/").status_code == 404
    assert client.get(f"/en/admin/courses/cohort/{taught.pk}/change/").status_code == 404


def test_a_teacher_records_attendance_of_their_session_but_not_its_details(chen, classes):
    taught, _other, mine, _colleague, _elsewhere = classes
    a, b = approved(taught), approved(taught)
    client = logged_in(chen.user)
    url = f"/en/admin/courses/trainingsession/{mine.pk}/change/"
    form = client.get(url).content.decode()
    assert 'name="attendances-TOTAL_FORMS"' in form and 'name="hours"' not in form  # the session's hours are read-only
    # The session's own fields come along too; they are read-only to a teacher and stay as they were.
    response = client.post(
        url, {"hours": "9", "teacher": "Someone else", **attendance_form([(a.pk, "4"), (b.pk, "2.5")])}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert dict(Attendance.objects.values_list("enrolment_id", "hours")) == {a.pk: Decimal(4), b.pk: Decimal("2.5")}
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {chen.user.pk}
    mine.refresh_from_db()
    assert (mine.hours, mine.teacher, mine.teacher_person) == (Decimal(4), "", chen)


def test_a_teacher_records_no_attendance_of_a_session_they_do_not_teach(chen, lin, classes):
    taught, _other, _mine, colleague, _elsewhere = classes
    a = approved(taught)
    for person in (chen, lin):
        response = logged_in(person.user).post(
            f"/en/admin/courses/trainingsession/{colleague.pk}/change/", attendance_form([(a.pk, "4")])
        )
        assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_teacher_records_attendance_of_the_whole_session_by_the_action(chen, classes):
    taught, _other, mine, colleague, _elsewhere = classes
    enrolments = [approved(taught), approved(taught)]
    logged_in(chen.user).post(
        "/en/admin/courses/trainingsession/",
        {"action": "mark_whole_session_attended", "_selected_action": [mine.pk, colleague.pk]},
    )
    # The colleague's session is not among the teacher's rows: only their own is recorded.
    assert set(Attendance.objects.values_list("session_id", "enrolment_id")) == {(mine.pk, e.pk) for e in enrolments}


# --- naming a teacher on a session -------------------------------------------------------------------


def test_a_teacher_of_another_institution_is_refused_on_a_session(institution, lin):
    cohort = CohortFactory(institution=institution)
    with pytest.raises(TrainingError) as refused:
        services.check_session(
            cohort=cohort, purpose="exam_prep", course=None, hours=8, held_on=cohort.starts_on, teacher_person=lin
        )
    assert refused.value.code == "foreign_teacher"
    with translation.override("zh-hant"):
        assert "林淑華" in str(refused.value.message)


def test_staff_without_the_teacher_role_are_refused_as_teachers(institution, institution_admin):
    cohort = CohortFactory(institution=institution)
    with pytest.raises(TrainingError) as refused:
        services.check_session_teacher(cohort=cohort, teacher_person=institution_admin.staff_membership)
    assert refused.value.code == "not_a_teacher"


def test_the_admin_form_refuses_another_institutions_teacher_and_writes_nothing(office, institution, lin):
    cohort = CohortFactory(institution=institution)
    response = office.post(
        "/en/admin/courses/trainingsession/add/",
        {
            "cohort": cohort.pk,
            "purpose": "exam_prep",
            "mode": "face_to_face",
            "held_on": cohort.starts_on.isoformat(),
            "hours": "8",
            "teacher_person": lin.pk,
        },
    )
    assert response.status_code == 200
    assert "teaches at another institution" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_an_institution_admin_names_their_own_teacher(alice, institution, chen, lin):
    cohort = CohortFactory(institution=institution)
    form = alice.get("/en/admin/courses/trainingsession/add/").content.decode()
    choices = re.search(r'<select name="teacher_person".*?</select>', form, re.S).group(0)
    assert f'<option value="{chen.pk}">' in choices and f'<option value="{lin.pk}">' not in choices
    response = alice.post(
        "/en/admin/courses/trainingsession/add/",
        {
            "cohort": cohort.pk,
            "purpose": "exam_prep",
            "mode": "face_to_face",
            "held_on": cohort.starts_on.isoformat(),
            "hours": "8",
            "teacher_person": chen.pk,
            "location": "301 教室",
        },
    )
    assert response.status_code == 302
    assert TrainingSession.objects.get().teacher_person == chen


def test_a_session_names_a_teacher_by_account_or_by_name(alice, institution):
    cohort = CohortFactory(institution=institution)
    response = alice.post(
        "/en/admin/courses/trainingsession/add/",
        {
            "cohort": cohort.pk,
            "purpose": "exam_prep",
            "mode": "face_to_face",
            "held_on": cohort.starts_on.isoformat(),
            "hours": "8",
        },
    )
    assert response.status_code == 200
    assert "Name the session&#x27;s teacher" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_named_teacher_cannot_be_deleted_from_under_their_sessions(chen, classes):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        chen.delete()


# --- what trainees read ------------------------------------------------------------------------------


def test_trainees_read_the_teachers_name_on_the_dashboard_and_the_cohort_page(institution, chen, classes):
    taught, *_ = classes
    trainee = approved(taught).trainee
    client = logged_in(in_english(trainee))
    dashboard = client.get("/en/dashboard/").content.decode()
    assert "陳志明" in dashboard and "Guest Lecturer Wu" in dashboard
    cohort_page = client.get(f"/en/cohorts/{taught.code}/").content.decode()
    assert 'id="cohort-teachers"' in cohort_page
    assert cohort_page.index("陳志明") < cohort_page.index("Guest Lecturer Wu")


def test_the_account_name_and_its_english_name_are_shown(chen, classes):
    mine = classes[2]
    mine.teacher_en = "Chen Chih-ming"
    mine.save(update_fields=["teacher_en"])
    with translation.override("en"):
        assert selectors.teachers_of_cohort(mine.cohort_id)[0] == "Chen Chih-ming"
    with translation.override("zh-hant"):
        assert selectors.teachers_of_cohort(mine.cohort_id)[0] == "陳志明"


@pytest.mark.parametrize("how", ["create", "update"])
def test_the_database_refuses_another_institutions_teacher_written_past_the_service(how, institution, lin, chen):
    from django.db import IntegrityError, transaction

    cohort = CohortFactory(institution=institution)
    with pytest.raises(IntegrityError), transaction.atomic():
        if how == "create":
            TrainingSessionFactory(cohort=cohort, teacher_person=lin, teacher="")
        else:
            session = TrainingSessionFactory(cohort=cohort, teacher_person=chen, teacher="")
            TrainingSession.objects.filter(pk=session.pk).update(teacher_person=lin)
    assert not TrainingSession.objects.filter(teacher_person=lin).exists()
