"""Trainee pages: finding cohorts, enrolling with a reason when refused, the dashboard."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from courses import services
from courses.models import Enrolment, SelfStudyEntry
from tests.conftest import logged_in
from tests.factories import (
    CohortFactory,
    InstitutionFactory,
    RemoteModuleFactory,
    TrainingSessionFactory,
    UserFactory,
    curriculum_of,
)

pytestmark = pytest.mark.django_db


def approved(trainee, cohort) -> Enrolment:
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))


def named(cohort, language: str = "en") -> str:
    """The cohort as messages name it on a page in ``language``: human name, then the code."""
    with translation.override(language):
        return escape(str(cohort))


def test_open_cohorts_are_filtered_by_tier_track_city_and_mode(client):
    CohortFactory(code="TPE-RETAIL", city="TPE")
    CohortFactory(code="KHH-CORP", city="KHH", curriculum=curriculum_of("standard", "corporate"))
    CohortFactory(code="WEB-ASSIST", city="", is_online=True, offers_remote=True, curriculum=curriculum_of("assistant"))
    CohortFactory(code="DRAFT-1", status="draft")
    CohortFactory(
        code="LATE-1",
        enrolment_closes_at=timezone.now() - datetime.timedelta(hours=1),
        enrolment_opens_at=timezone.now() - datetime.timedelta(days=5),
    )

    def codes(query: str) -> set[str]:
        html = client.get(f"/en/cohorts/{query}").content.decode()
        return {c for c in ("TPE-RETAIL", "KHH-CORP", "WEB-ASSIST", "DRAFT-1", "LATE-1") if c in html}

    assert codes("") == {"TPE-RETAIL", "KHH-CORP", "WEB-ASSIST"}
    assert codes("?tier=standard") == {"TPE-RETAIL", "KHH-CORP"}
    assert codes("?track=corporate") == {"KHH-CORP"}
    assert codes("?city=KHH") == {"KHH-CORP"}
    assert codes("?city=online") == {"WEB-ASSIST"}
    assert codes("?mode=remote") == {"WEB-ASSIST"}


@pytest.mark.parametrize(("language", "heading"), [("en", "Open cohorts"), ("zh-hant", "開放報名的梯次")])
def test_the_cohort_finder_speaks_both_languages(client, language, heading):
    CohortFactory(code="TPE-1")
    html = client.get(f"/{language}/cohorts/").content.decode()
    assert heading in html and "TPE-1" in html


def test_a_trainee_enrols_from_the_cohort_page_and_sees_the_pending_enrolment():
    cohort = CohortFactory(code="TPE-1")
    trainee = UserFactory()
    client = logged_in(trainee)
    page = client.get("/en/cohorts/TPE-1/").content.decode()
    assert 'action="/en/cohorts/TPE-1/enrol/"' in page
    response = client.post("/en/cohorts/TPE-1/enrol/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/en/dashboard/"
    assert f"You are enrolled in {named(cohort)}" in html and "pending approval" in html
    assert Enrolment.objects.get(trainee=trainee, cohort=cohort).state == "pending"


def test_a_full_cohort_tells_the_trainee_why_and_enrols_nobody():
    cohort = CohortFactory(code="TPE-1", capacity=1)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    client = logged_in(UserFactory())
    assert "is full" in client.get("/en/cohorts/TPE-1/").content.decode()
    response = client.post("/en/cohorts/TPE-1/enrol/", follow=True)
    assert f"Cohort {named(cohort)} is full." in response.content.decode()
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


@pytest.mark.parametrize(
    ("cohort_kwargs", "institution_kwargs", "reason"),
    [
        ({"status": "closed"}, {}, "is not open for enrolment"),
        (
            {
                "enrolment_opens_at": timezone.now() - datetime.timedelta(days=9),
                "enrolment_closes_at": timezone.now() - datetime.timedelta(days=1),
            },
            {},
            "closed on",
        ),
        ({}, {"status": "suspended"}, "is not authorized"),
    ],
)
def test_the_reason_is_shown_when_enrolment_is_impossible(cohort_kwargs, institution_kwargs, reason):
    CohortFactory(code="TPE-1", institution=InstitutionFactory(**institution_kwargs), **cohort_kwargs)
    client = logged_in(UserFactory())
    assert reason in client.get("/en/cohorts/TPE-1/").content.decode()
    assert reason in client.post("/en/cohorts/TPE-1/enrol/", follow=True).content.decode()


def test_already_enrolled_is_explained():
    trainee = UserFactory()
    services.do_enrol(trainee=trainee, cohort=CohortFactory())
    CohortFactory(code="TPE-2")
    client = logged_in(trainee)
    assert "You already have an active enrolment" in client.get("/en/cohorts/TPE-2/").content.decode()


def test_a_draft_cohort_is_not_found(client):
    CohortFactory(code="SECRET", status="draft")
    assert client.get("/en/cohorts/SECRET/").status_code == 404


def test_enrolling_needs_a_log_in_and_a_post(client, settings):
    settings.LOGIN_URL = "/en/admin/login/"  # the accounts pages may mount elsewhere; the redirect is what matters
    CohortFactory(code="TPE-1")
    response = client.post("/en/cohorts/TPE-1/enrol/")
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not Enrolment.objects.exists()
    assert logged_in(UserFactory()).get("/en/cohorts/TPE-1/enrol/").status_code == 405


def test_the_dashboard_needs_a_log_in(client, settings):
    settings.LOGIN_URL = "/en/admin/login/"
    response = client.get("/en/dashboard/")
    assert response.status_code == 302 and "next=/en/dashboard/" in response["Location"]


def trainee_with_credit_in_training():
    """The worked figure: assistant training completed, then approved for standard retail."""
    trainee = UserFactory(display_name="林雅婷")
    assistant = CohortFactory(curriculum=curriculum_of("assistant"))
    done = approved(trainee, assistant)
    services.do_record_attendance(session=TrainingSessionFactory(cohort=assistant, hours=16), enrolment=done, hours=16)
    prep = TrainingSessionFactory(cohort=assistant, purpose="exam_prep", hours=8)
    services.do_record_attendance(session=prep, enrolment=done, hours=8)
    services.do_complete_enrolment(enrolment=done)
    # Under way: it began a week ago (sessions and attendance fall within a cohort's dates).
    cohort = CohortFactory(
        code="STD-R-1", offers_remote=True, starts_on=timezone.localdate() - datetime.timedelta(days=7)
    )
    enrolment = approved(trainee, cohort)
    return trainee, enrolment


def test_the_dashboard_shows_the_credited_hours_owed_and_progress_by_mode_and_course():
    trainee, enrolment = trainee_with_credit_in_training()
    cohort = enrolment.cohort
    past = TrainingSessionFactory(
        cohort=cohort,
        hours=8,
        held_on=timezone.localdate() - datetime.timedelta(days=1),
        course=cohort.curriculum.entries.get(course__code="BCM-201").course,
    )
    services.do_record_attendance(session=past, enrolment=enrolment, hours=6)
    module = RemoteModuleFactory(cohort=cohort, hours=4, course=past.course)
    services.do_record_remote_completion(module=module, enrolment=enrolment)
    TrainingSessionFactory(cohort=cohort, held_on=timezone.localdate() + datetime.timedelta(days=3), teacher="張老師")

    html = logged_in(trainee).get("/en/dashboard/").content.decode()
    assert "Hours owed: teaching 6 days / 48 h + exam preparation 1 day / 8 h" in html
    assert "16 h credited for earlier training" in html
    assert "10 of 56 hours done" in html
    assert "張老師" in html  # the upcoming session
    assert "6 / 16 h" not in html and "10 / 16 h" in html  # BCM-201: 6 face-to-face + 4 remote of its 16
    assert "credited" in html
    zh = logged_in(trainee).get("/zh-hant/dashboard/").content.decode()
    # Training hours are class hours (課時) throughout, never "h" or clock hours (小時).
    assert "應修時數: 授課 6 天 / 48 課時 + 考前輔導 1 天 / 8 課時" in zh
    assert "先前培訓抵免 16 課時" in zh and 'lang="zh-Hant"' in zh
    assert "應修 56 課時，已完成 10 課時" in zh
    assert "10 / 16 課時" in zh and " h<" not in zh and " h " not in zh and "小時" not in zh


def test_a_refusal_is_explained_in_the_trainees_language():
    cohort = CohortFactory(code="TPE-1", capacity=1)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    response = logged_in(UserFactory()).post("/zh-hant/cohorts/TPE-1/enrol/", follow=True)
    assert f"梯次 {named(cohort, 'zh-hant')} 已額滿。" in response.content.decode()


def test_a_trainee_logs_self_study_from_the_dashboard():
    trainee, enrolment = trainee_with_credit_in_training()
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    client = logged_in(trainee)
    data = {
        "enrolment": enrolment.pk,
        "course": course.pk,
        "studied_on": timezone.localdate().isoformat(),
        "hours": "2.5",
        "note": "案例研讀",
    }
    response = client.post("/en/dashboard/self-study/", data, follow=True)
    assert "counts once your institution confirms it" in response.content.decode()
    entry = SelfStudyEntry.objects.get()
    assert (entry.enrolment, entry.hours, entry.status) == (enrolment, Decimal("2.5"), "logged")
    assert "2.5 h of self-study awaiting confirmation" in response.content.decode()


@pytest.mark.parametrize(
    ("hours", "message"), [("30", "less than or equal to 24"), ("0", "greater than or equal to 0.1")]
)
def test_self_study_with_bad_hours_is_refused_with_the_reason(hours, message):
    trainee, enrolment = trainee_with_credit_in_training()
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    response = logged_in(trainee).post(
        "/en/dashboard/self-study/",
        {
            "enrolment": enrolment.pk,
            "course": course.pk,
            "studied_on": timezone.localdate().isoformat(),
            "hours": hours,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SelfStudyEntry.objects.exists()


def test_self_study_over_24_hours_a_day_is_refused_by_the_rule():
    trainee, enrolment = trainee_with_credit_in_training()
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    data = {
        "enrolment": enrolment.pk,
        "course": course.pk,
        "studied_on": timezone.localdate().isoformat(),
        "hours": "20",
    }
    client = logged_in(trainee)
    client.post("/en/dashboard/self-study/", data)
    response = client.post("/en/dashboard/self-study/", data)
    assert response.status_code == 400 and "a day has 24" in response.content.decode()
    assert SelfStudyEntry.objects.count() == 1


def test_a_trainee_cannot_log_self_study_on_someone_elses_enrolment():
    _other, enrolment = trainee_with_credit_in_training()
    intruder = UserFactory()
    approved(intruder, CohortFactory())
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    response = logged_in(intruder).post(
        "/en/dashboard/self-study/",
        {"enrolment": enrolment.pk, "course": course.pk, "studied_on": timezone.localdate().isoformat(), "hours": "1"},
    )
    assert response.status_code == 400
    assert not SelfStudyEntry.objects.exists()


def test_a_trainee_sees_only_their_own_enrolments_and_cannot_withdraw_anyone_elses():
    _alice, alice_enrolment = trainee_with_credit_in_training()
    bob = UserFactory(display_name="Bob")
    approved(bob, CohortFactory(code="BOB-COHORT"))
    client = logged_in(bob)
    html = client.get("/en/dashboard/").content.decode()
    assert "BOB-COHORT" in html and "STD-R-1" not in html
    assert client.post(f"/en/enrolments/{alice_enrolment.pk}/withdraw/").status_code == 404
    alice_enrolment.refresh_from_db()
    assert alice_enrolment.state == "approved"


def test_a_trainee_withdraws_and_may_enrol_again():
    trainee = UserFactory()
    cohort = CohortFactory(code="TPE-1", capacity=1)
    enrolment = approved(trainee, cohort)
    client = logged_in(trainee)
    response = client.post(f"/en/enrolments/{enrolment.pk}/withdraw/", follow=True)
    assert f"You withdrew from {named(cohort)}" in response.content.decode()
    response = client.post("/en/cohorts/TPE-1/enrol/", follow=True)
    assert f"You are enrolled in {named(cohort)}" in response.content.decode()


def make_trainee_rows(trainee, rows: range) -> None:
    """Enrolments in cohorts of each curriculum with attendance, remote and self-study; then withdrawn ones."""
    curricula = [
        curriculum_of("assistant"),
        curriculum_of("standard", "retail"),
        curriculum_of("standard", "corporate"),
        curriculum_of("senior", "retail"),
        curriculum_of("senior", "corporate"),
    ]
    for i in rows:
        cohort = CohortFactory(
            curriculum=curricula[i % len(curricula)],
            offers_remote=True,
            starts_on=timezone.localdate() - datetime.timedelta(days=7),
        )
        for earlier in Enrolment.objects.filter(trainee=trainee, curriculum=cohort.curriculum, state="approved"):
            services.do_withdraw_enrolment(enrolment=earlier)  # its rows stay on the dashboard
        enrolment = approved(trainee, cohort)
        for day in range(3):
            session = TrainingSessionFactory(
                cohort=cohort, held_on=timezone.localdate() + datetime.timedelta(days=day - 1)
            )
            services.do_record_attendance(session=session, enrolment=enrolment, hours=3)
        services.do_record_remote_completion(module=RemoteModuleFactory(cohort=cohort), enrolment=enrolment)
        services.do_log_self_study(
            trainee=trainee, enrolment=enrolment, course=session.course, studied_on=timezone.localdate(), hours=2
        )


def test_the_dashboard_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    trainee = UserFactory()
    client = logged_in(trainee)
    make_trainee_rows(trainee, range(1))
    with django_assert_max_num_queries(16) as small:
        assert client.get("/en/dashboard/").status_code == 200
    make_trainee_rows(trainee, range(1, 9))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/en/dashboard/").status_code == 200


def test_the_cohort_finder_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(2):
        CohortFactory()
    with django_assert_max_num_queries(8) as small:
        client.get("/en/cohorts/")
    for _ in range(10):
        CohortFactory()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/en/cohorts/")
