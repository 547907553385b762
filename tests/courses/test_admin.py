"""Institution admin of training delivery: scoped to the staff member's institution, actions via services."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from courses import services
from courses.models import Attendance, Cohort, Enrolment, PriorLearning, SelfStudyEntry
from tests.conftest import logged_in
from tests.courses.conftest import new_cohort_form
from tests.factories import CohortFactory, RemoteModuleFactory, TrainingSessionFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(institution_admin) -> Client:
    """admin@inst-a.demo.test, logged in"""
    return logged_in(institution_admin)


@pytest.fixture
def bob(other_institution_admin) -> Client:
    """admin@inst-b.demo.test, the outsider, logged in"""
    return logged_in(other_institution_admin)


@pytest.fixture
def office(program_office) -> Client:
    """office@demo.test, logged in"""
    return logged_in(program_office)


def approved(cohort, trainee=None) -> Enrolment:
    enrolment = services.do_enrol(trainee=trainee or UserFactory(), cohort=cohort)
    return services.do_approve_enrolment(enrolment=enrolment)


def assert_hidden(response) -> None:
    """Another institution's row: Django admin answers 404 or sends the user back to the index."""
    assert response.status_code in (302, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"].endswith("/admin/")


def test_each_institution_sees_only_its_own_cohorts_enrolments_and_sessions(alice, bob, institution, other_institution):
    mine = CohortFactory(institution=institution, code="A-1")
    theirs = CohortFactory(institution=other_institution, code="B-1")
    approved(mine, UserFactory(email="mine@example.test"))
    approved(theirs, UserFactory(email="theirs@example.test"))
    TrainingSessionFactory(cohort=mine, teacher="Teacher Mine")
    TrainingSessionFactory(cohort=theirs, teacher="Teacher Theirs")
    pages = {
        "/en/admin/courses/cohort/": ("A-1", "B-1"),
        "/en/admin/courses/enrolment/": ("mine@example.test", "theirs@example.test"),
        "/en/admin/courses/trainingsession/": ("Teacher Mine", "Teacher Theirs"),
    }
    for url, (visible, hidden) in pages.items():
        html = alice.get(url).content.decode()
        assert visible in html and hidden not in html, url


def test_another_institutions_rows_are_not_found_in_admin(alice, other_institution):
    cohort = CohortFactory(institution=other_institution)
    enrolment = approved(cohort)
    session = TrainingSessionFactory(cohort=cohort)
    module = RemoteModuleFactory(cohort=CohortFactory(institution=other_institution, offers_remote=True))
    entry = services.do_log_self_study(
        trainee=enrolment.trainee, enrolment=enrolment, course=session.course, studied_on=timezone.localdate(), hours=1
    )
    for model, pk in [
        ("cohort", cohort.pk),
        ("enrolment", enrolment.pk),
        ("trainingsession", session.pk),
        ("remotemodule", module.pk),
        ("selfstudyentry", entry.pk),
    ]:
        assert_hidden(alice.get(f"/en/admin/courses/{model}/{pk}/change/"))


def test_an_action_on_another_institutions_enrolment_changes_nothing(alice, other_institution):
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory(institution=other_institution))
    alice.post("/en/admin/courses/enrolment/", {"action": "approve", "_selected_action": [enrolment.pk]})
    enrolment.refresh_from_db()
    assert enrolment.state == "pending"


def test_a_new_cohort_belongs_to_the_staff_members_institution_and_starts_as_a_draft(alice, institution):
    response = alice.post("/en/admin/courses/cohort/add/", new_cohort_form("A-NEW"))
    assert response.status_code == 302, response.content.decode()[:3000]
    cohort = Cohort.objects.get(code="A-NEW")
    assert (cohort.institution, cohort.status) == (institution, "draft")
    alice.post("/en/admin/courses/cohort/", {"action": "open_cohorts", "_selected_action": [cohort.pk]})
    cohort.refresh_from_db()
    assert cohort.status == "open"


def test_a_lapsed_institution_is_told_why_it_cannot_open_a_cohort(institution, alice):
    cohort = CohortFactory(institution=institution, status="draft")
    institution.status = "suspended"
    institution.save()
    response = alice.post(
        "/en/admin/courses/cohort/", {"action": "open_cohorts", "_selected_action": [cohort.pk]}, follow=True
    )
    assert "is not authorized today" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.status == "draft"


def test_bulk_approval_fixes_hours_owed_and_shows_the_worked_figure(alice, institution):
    trainee = UserFactory()
    PriorLearning.objects.create(trainee=trainee, curriculum=curriculum_of("assistant"), completed_on="2020-01-01")
    cohort = CohortFactory(institution=institution)
    enrolments = [services.do_enrol(trainee=t, cohort=cohort) for t in (trainee, UserFactory())]
    response = alice.post(
        "/en/admin/courses/enrolment/",
        {"action": "approve", "_selected_action": [e.pk for e in enrolments]},
        follow=True,
    )
    assert "Approved 2 enrolments." in response.content.decode()
    assert set(Enrolment.objects.filter(cohort=cohort).values_list("state", flat=True)) == {"approved"}
    text = re.sub(r"<[^>]+>", "", alice.get("/en/admin/courses/enrolment/").content.decode())  # parts kept whole
    assert "48 h / 6 d + 8 h / 1 d" in text
    assert "64 h / 8 d + 8 h / 1 d" in text
    detail = alice.get(f"/en/admin/courses/enrolment/{enrolments[0].pk}/change/").content.decode()
    assert "0 of 56 h (" in detail


def test_bulk_rejection_reports_what_it_could_not_reject(alice, institution):
    cohort = CohortFactory(institution=institution)
    pending = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    already = approved(cohort)
    selected = {"action": "reject", "_selected_action": [pending.pk, already.pk]}
    asked = alice.post("/en/admin/courses/enrolment/", selected)  # the reason's page (courses.admin.actions)
    ask = alice.get(asked["Location"])
    assert (
        ask.status_code == 200
        and "in the e-mail that tells them the enrolment was not approved" in ask.content.decode()
    )
    pending.refresh_from_db()
    assert pending.state == "pending"  # nothing happens before the reason is given
    response = alice.post(asked["Location"], {"apply": "1", "reason": "Seats are for member banks."}, follow=True)
    html = response.content.decode()
    assert "Rejected 1 enrolment." in html
    assert "Only an enrolment pending approval can be rejected; this one is approved." in html
    pending.refresh_from_db()
    assert (pending.state, pending.decision_note) == ("rejected", "Seats are for member banks.")


def test_attendance_is_marked_for_the_whole_session_in_one_action(alice, institution):
    cohort = CohortFactory(institution=institution)
    enrolments = [approved(cohort) for _ in range(3)]
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    alice.post(
        "/en/admin/courses/trainingsession/",
        {"action": "mark_whole_session_attended", "_selected_action": [session.pk]},
    )
    assert sorted(Attendance.objects.filter(session=session).values_list("enrolment_id", flat=True)) == sorted(
        e.pk for e in enrolments
    )


def session_form(session, rows):
    data = {
        "cohort": session.cohort_id,
        "purpose": session.purpose,
        "mode": session.mode,
        "course": session.course_id,
        "held_on": session.held_on.isoformat(),
        "starts_at": "",
        "hours": session.hours,
        "teacher": session.teacher,
        "location": session.location,
        "location_en": session.location_en,
        "attendances-TOTAL_FORMS": len(rows),
        "attendances-INITIAL_FORMS": 0,
        "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000,
    }
    for i, (enrolment_id, hours) in enumerate(rows):
        data[f"attendances-{i}-enrolment"] = enrolment_id
        data[f"attendances-{i}-hours"] = hours
        data[f"attendances-{i}-session"] = session.pk
    return data


def test_attendance_beyond_the_session_is_refused_in_the_form_and_nothing_is_saved(alice, institution):
    cohort = CohortFactory(institution=institution)
    a, b = approved(cohort), approved(cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(4))
    url = f"/en/admin/courses/trainingsession/{session.pk}/change/"
    response = alice.post(url, session_form(session, [(a.pk, "4"), (b.pk, "6")]))
    assert response.status_code == 200
    assert "Attended hours are between 0 (absent) and the session&#x27;s 4 hours; 6 is outside that." in (
        response.content.decode()
    )
    assert not Attendance.objects.exists()
    response = alice.post(url, session_form(session, [(a.pk, "4"), (b.pk, "3.5")]))
    assert response.status_code == 302
    assert sorted(Attendance.objects.values_list("hours", flat=True)) == [Decimal("3.5"), Decimal(4)]


def test_attendance_for_a_trainee_outside_the_cohort_is_refused(alice, institution):
    cohort = CohortFactory(institution=institution)
    outsider = approved(CohortFactory(institution=institution))
    session = TrainingSessionFactory(cohort=cohort)
    response = alice.post(
        f"/en/admin/courses/trainingsession/{session.pk}/change/", session_form(session, [(outsider.pk, "2")])
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_a_session_for_a_course_outside_the_curriculum_is_refused(alice, institution):
    cohort = CohortFactory(institution=institution)
    senior_only = curriculum_of("senior", "retail").entries.get(course__code="BCM-302").course
    response = alice.post(
        "/en/admin/courses/trainingsession/add/",
        {
            "cohort": cohort.pk,
            "purpose": "teaching",
            "mode": "face_to_face",
            "course": senior_only.pk,
            "held_on": "2027-01-05",
            "hours": "8",
            "teacher": "Ms Lin",
        },
    )
    assert response.status_code == 200
    assert "is not part of" in response.content.decode()


def test_a_session_cannot_be_scheduled_in_another_institutions_cohort(alice, other_institution):
    theirs = CohortFactory(institution=other_institution)
    response = alice.post(
        "/en/admin/courses/trainingsession/add/",
        {
            "cohort": theirs.pk,
            "purpose": "exam_prep",
            "mode": "face_to_face",
            "held_on": "2027-01-05",
            "hours": "8",
            "teacher": "Ms Lin",
        },
    )
    assert response.status_code == 200  # the form shows the cohort as an invalid choice
    assert not theirs.sessions.exists()


def test_self_study_is_confirmed_in_bulk(alice, institution):
    enrolment = approved(CohortFactory(institution=institution))
    course = enrolment.curriculum.entries.first().course
    entries = [
        services.do_log_self_study(
            trainee=enrolment.trainee, enrolment=enrolment, course=course, studied_on=timezone.localdate(), hours=h
        )
        for h in (2, 3)
    ]
    alice.post("/en/admin/courses/selfstudyentry/", {"action": "confirm", "_selected_action": [e.pk for e in entries]})
    assert set(SelfStudyEntry.objects.values_list("status", flat=True)) == {"confirmed"}


def test_prior_learning_is_for_the_program_office_only(alice, office):
    PriorLearning.objects.create(
        trainee=UserFactory(), curriculum=curriculum_of("assistant"), completed_on="2020-01-01"
    )
    assert alice.get("/en/admin/courses/priorlearning/").status_code == 403
    assert office.get("/en/admin/courses/priorlearning/").status_code == 200


@pytest.mark.parametrize(
    ("url", "make_rows"),
    [
        ("/en/admin/courses/enrolment/", "enrolments"),
        ("/en/admin/courses/cohort/", "cohorts"),
        ("/en/admin/courses/trainingsession/", "sessions"),
        ("/en/admin/courses/selfstudyentry/", "self_study"),
        ("/en/admin/courses/remotemodule/", "modules"),
    ],
)
def test_admin_lists_run_a_fixed_number_of_queries(alice, institution, django_assert_max_num_queries, url, make_rows):
    def make(n: int) -> None:
        for _ in range(n):
            cohort = CohortFactory(institution=institution, offers_remote=True)
            enrolment = approved(cohort)
            session = TrainingSessionFactory(cohort=cohort)
            services.do_record_attendance(session=session, enrolment=enrolment, hours=2)
            services.do_log_self_study(
                trainee=enrolment.trainee,
                enrolment=enrolment,
                course=session.course,
                studied_on=timezone.localdate(),
                hours=1,
            )
            RemoteModuleFactory(cohort=cohort)

    make(2)
    # 15: django-otp's middleware reads the session's verified device on every staff request.
    with django_assert_max_num_queries(15) as small:
        assert alice.get(url).status_code == 200
    make(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert alice.get(url).status_code == 200


def test_a_trainee_without_staff_rights_is_sent_to_the_admin_log_in():
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/en/admin/courses/enrolment/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_remote_completions_are_recorded_on_the_module_and_refused_outside_its_cohort(alice, institution):
    module = RemoteModuleFactory(cohort=CohortFactory(institution=institution, offers_remote=True), hours=Decimal(4))
    enrolment = approved(module.cohort)
    stranger = approved(CohortFactory(institution=institution))
    url = f"/en/admin/courses/remotemodule/{module.pk}/change/"

    def form(enrolment_id):
        return {
            "cohort": module.cohort_id,
            "purpose": "teaching",
            "course": module.course_id,
            "title_zh": module.title_zh,
            "title_en": module.title_en,
            "hours": "4",
            "url": "",
            "completions-TOTAL_FORMS": 1,
            "completions-INITIAL_FORMS": 0,
            "completions-MIN_NUM_FORMS": 0,
            "completions-MAX_NUM_FORMS": 1000,
            "completions-0-enrolment": enrolment_id,
            "completions-0-completed_on": timezone.localdate().isoformat(),
            "completions-0-module": module.pk,
        }

    assert alice.post(url, form(stranger.pk)).status_code == 200
    assert not module.completions.exists()
    assert alice.post(url, form(enrolment.pk)).status_code == 302
    assert list(module.completions.values_list("enrolment_id", flat=True)) == [enrolment.pk]


def test_a_remote_module_needs_a_cohort_that_offers_remote_learning(alice, institution):
    cohort = CohortFactory(institution=institution, offers_remote=False)
    course = cohort.curriculum.entries.first().course
    response = alice.post(
        "/en/admin/courses/remotemodule/add/",
        {
            "cohort": cohort.pk,
            "purpose": "teaching",
            "course": course.pk,
            "title_zh": "單元",
            "title_en": "Unit",
            "hours": "3",
            "completions-TOTAL_FORMS": 0,
            "completions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200 and "has no remote learning" in response.content.decode()


def test_the_capacity_cannot_drop_below_the_seats_taken(alice, institution):
    cohort = CohortFactory(institution=institution, capacity=3, code="A-CAP")
    for _ in range(2):
        approved(cohort)
    cohort.refresh_from_db()
    now = timezone.localtime()
    response = alice.post(
        f"/en/admin/courses/cohort/{cohort.pk}/change/",
        {
            "code": "A-CAP",
            "offers_face_to_face": "on",
            "starts_on": cohort.starts_on.isoformat(),
            "ends_on": cohort.ends_on.isoformat(),
            "city": "TPE",
            "capacity": 1,
            "enrolment_opens_at_0": now.date().isoformat(),
            "enrolment_opens_at_1": "00:00:00",
            "enrolment_closes_at_0": cohort.starts_on.isoformat(),
            "enrolment_closes_at_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "2 seats are taken" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.capacity == 3


def test_the_program_office_records_prior_learning_and_is_named_on_it(office, program_office, trainee):
    response = office.post(
        "/en/admin/courses/priorlearning/add/",
        {
            "trainee": trainee.pk,
            "curriculum": curriculum_of("assistant").pk,
            "completed_on": "2019-06-30",
            "evidence": "結業證書 2019-123",
        },
    )
    assert response.status_code == 302
    record = PriorLearning.objects.get()
    assert record.trainee == trainee and record.recorded_by == program_office


def test_the_worked_figure_shows_in_admin_for_a_real_completed_assistant_training(alice, institution):
    trainee = UserFactory()
    assistant = CohortFactory(institution=institution, curriculum=curriculum_of("assistant"))
    done = approved(assistant, trainee)
    teaching = TrainingSessionFactory(cohort=assistant, hours=Decimal(16))
    prep = TrainingSessionFactory(cohort=assistant, purpose="exam_prep", hours=Decimal(8))
    services.do_record_session_attendance(session=teaching, hours_by_enrolment={done.pk: None})
    services.do_record_session_attendance(session=prep, hours_by_enrolment={done.pk: None})
    services.do_complete_enrolment(enrolment=done)
    standard = approved(CohortFactory(institution=institution), trainee)
    html = re.sub(r"<[^>]+>", "", alice.get(f"/en/admin/courses/enrolment/{standard.pk}/change/").content.decode())
    assert "48 h / 6 d + 8 h / 1 d" in html
    assert "0 of 56 h (" in html
    zh = re.sub(r"<[^>]+>", "", alice.get(f"/zh-hant/admin/courses/enrolment/{standard.pk}/change/").content.decode())
    assert "48 課時 / 6 天 + 8 課時 / 1 天" in zh


def test_the_prior_learning_list_runs_a_fixed_number_of_queries(django_assert_max_num_queries, office):

    def make(n):
        for _ in range(n):
            PriorLearning.objects.create(
                trainee=UserFactory(), curriculum=curriculum_of("assistant"), completed_on="2020-01-01"
            )

    make(2)
    with django_assert_max_num_queries(12) as small:
        assert office.get("/en/admin/courses/priorlearning/").status_code == 200
    make(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert office.get("/en/admin/courses/priorlearning/").status_code == 200


def test_the_institution_admin_group_can_run_training_but_not_enter_prior_learning(institution, institution_admin):
    client = logged_in(institution_admin)
    cohort = CohortFactory(institution=institution)
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    for url in ["cohort/", "cohort/add/", "enrolment/", "trainingsession/add/", "selfstudyentry/", "remotemodule/"]:
        assert client.get(f"/en/admin/courses/{url}").status_code == 200, url
    client.post("/en/admin/courses/enrolment/", {"action": "approve", "_selected_action": [enrolment.pk]})
    enrolment.refresh_from_db()
    assert enrolment.state == "approved"
    assert client.get("/en/admin/courses/priorlearning/").status_code == 403
    assert client.get("/en/admin/courses/tier/1/change/").status_code == 200  # read only
    assert client.post("/en/admin/courses/tier/1/change/", {"code": "x"}).status_code == 403


def test_program_office_staff_see_every_institutions_cohorts_and_prior_learning(institution, other_institution, office):
    client = office
    CohortFactory(institution=institution, code="A-1")
    CohortFactory(institution=other_institution, code="B-1")
    html = client.get("/en/admin/courses/cohort/").content.decode()
    assert "A-1" in html and "B-1" in html
    assert client.get("/en/admin/courses/priorlearning/").status_code == 200


def test_the_session_page_lists_every_trainee_for_attendance_and_saves_only_typed_hours(alice, institution):
    cohort = CohortFactory(institution=institution)
    a, b, c = (approved(cohort, UserFactory(display_name=name)) for name in ("甲", "乙", "丙"))
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    services.do_record_attendance(session=session, enrolment=c, hours=8)
    url = f"/en/admin/courses/trainingsession/{session.pk}/change/"
    page = alice.get(url)
    formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is Attendance).formset
    preselected = [form.initial.get("enrolment") for form in formset.extra_forms]
    assert sorted(preselected) == sorted([a.pk, b.pk])  # c already has attendance
    typed = {a.pk: "8", b.pk: ""}  # the rows come back in the order the page listed them
    response = alice.post(url, session_form(session, [(pk, typed[pk]) for pk in preselected]))
    assert response.status_code == 302
    assert dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "hours")) == {
        a.pk: Decimal(8),
        c.pk: Decimal(8),
    }
