"""The dashboard's cached parts (courses.caching, issue 9): every change shows at once, nobody sees another's."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from courses import caching, services
from courses.models import Enrolment, PriorLearning, TrainingSession
from tests.conftest import logged_in
from tests.factories import CohortFactory, RemoteModuleFactory, TrainingSessionFactory, UserFactory, curriculum_of
from tests.page_text import text_of

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def setup(institution, trainee):
    """A trainee approved in inst-a's cohort offering remote learning and self-study; their dashboard is cached."""
    cohort = CohortFactory(code="STD-1", institution=institution, offers_remote=True, offers_self_study=True)
    enrolment = services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))
    client = logged_in(trainee)
    page = text_of(client.get("/en/dashboard/").content.decode())
    assert "0 of" in page and "hours done" in page
    return trainee, enrolment, client


def page(client: Client, language: str = "en") -> str:
    return client.get(f"/{language}/dashboard/").content.decode()


def hours_done(html: str) -> str:
    """The hours done, as the page reads (the figures are kept with their units: "6 of <span …>56 hours</span>")."""
    return re.search(r"([\d.]+) of \d+ hours done", text_of(html)).group(1)


def test_a_second_visit_reads_nothing_from_the_database_but_the_session(setup, django_assert_max_num_queries):
    _trainee, _enrolment, client = setup
    first = page(client)
    with django_assert_max_num_queries(2):  # the session and the user
        second = page(client)
    assert CSRF.sub("", first) == CSRF.sub("", second)


def test_attendance_recorded_through_the_service_shows_at_once(setup):
    _trainee, enrolment, client = setup
    session = TrainingSessionFactory(cohort=enrolment.cohort, hours=8)
    services.do_record_attendance(session=session, enrolment=enrolment, hours=6)
    assert hours_done(page(client)) == "6"
    services.do_record_attendance(session=session, enrolment=enrolment, hours=8)  # corrected
    assert hours_done(page(client)) == "8"


def test_attendance_recorded_in_the_admin_for_a_whole_session_shows_at_once(setup, institution_admin):
    _trainee, enrolment, client = setup
    # Today's: among the upcoming sessions, and held, so its attendance can be recorded.
    session = TrainingSessionFactory(cohort=enrolment.cohort, held_on=timezone.localdate(), hours=8)
    assert "陳老師" in page(client)
    alice = logged_in(institution_admin)
    alice.post(
        "/en/admin/courses/trainingsession/",
        {"action": "mark_whole_session_attended", "_selected_action": [session.pk]},
    )
    assert hours_done(page(client)) == "8"


def test_sessions_added_changed_and_deleted_in_bulk_show_at_once(setup, program_office):
    _trainee, enrolment, client = setup
    later = timezone.localdate() + datetime.timedelta(days=2)
    session = TrainingSessionFactory(cohort=enrolment.cohort, held_on=later, teacher="張老師")
    assert "張老師" in page(client)
    session.teacher = "林老師"
    session.save()
    html = page(client)
    assert "林老師" in html and "張老師" not in html
    office = logged_in(program_office)  # an institution admin may not delete sessions; the office may
    office.post(
        "/en/admin/courses/trainingsession/",
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
    )
    assert not TrainingSession.objects.filter(pk=session.pk).exists()
    assert "林老師" not in page(client) and "No sessions scheduled." in page(client)


def test_a_session_moved_to_another_cohort_leaves_the_first_cohorts_dashboards(setup):
    _trainee, enrolment, client = setup
    session = TrainingSessionFactory(
        cohort=enrolment.cohort, held_on=timezone.localdate() + datetime.timedelta(days=1), teacher="張老師"
    )
    assert "張老師" in page(client)
    session.cohort = CohortFactory(institution=enrolment.cohort.institution)
    session.save()
    assert "張老師" not in page(client)


def test_remote_learning_and_self_study_show_at_once(setup, institution_admin):
    _trainee, enrolment, client = setup
    module = RemoteModuleFactory(cohort=enrolment.cohort, hours=4)
    services.do_record_remote_completion(module=module, enrolment=enrolment)
    assert hours_done(page(client)) == "4"
    module.hours = 5
    module.save()
    assert hours_done(page(client)) == "5"

    course = enrolment.curriculum.entries.first().course
    form = {"enrolment": enrolment.pk, "course": course.pk, "studied_on": timezone.localdate(), "hours": "2"}
    response = client.post("/en/dashboard/self-study/", form, follow=True)
    html = response.content.decode()
    assert "Your self-study is logged" in html and "2 h of self-study awaiting confirmation" in text_of(html)
    assert "Your self-study is logged" not in page(client)  # the message is the frame's, once

    alice = logged_in(institution_admin)
    entry = enrolment.self_study.get()
    alice.post("/en/admin/courses/selfstudyentry/", {"action": "confirm", "_selected_action": [entry.pk]})
    html = page(client)
    assert hours_done(html) == "7" and "awaiting confirmation" not in html


def test_enrolment_decisions_in_the_admin_and_a_withdrawal_show_at_once(setup, institution_admin):
    trainee, enrolment, client = setup
    cohort = CohortFactory(code="SR-2", institution=enrolment.cohort.institution, curriculum=curriculum_of("assistant"))
    pending = services.do_enrol(trainee=trainee, cohort=cohort)
    html = page(client)
    assert "SR-2" in html and "fixed when the institution approves" in html
    alice = logged_in(institution_admin)
    alice.post("/en/admin/courses/enrolment/", {"action": "approve", "_selected_action": [pending.pk]})
    assert "fixed when the institution approves" not in page(client)

    confirm = re.search(rf'href="([^"]*/{pending.pk}/withdraw/)"', page(client)).group(1)
    action = re.search(r'action="([^"]*/withdraw/)"', client.get(confirm).content.decode()).group(1)
    response = client.post(action, follow=True)
    assert response.status_code == 200
    Enrolment.objects.get(pk=pending.pk, state="withdrawn")
    card = page(client).split(f'id="enrolment-{pending.pk}"')[1].split('class="card mb-3')[0]
    assert "Withdraw from this cohort" not in card and ">Withdrawn<" in card


def test_prior_learning_makes_the_trainees_dashboard_rebuild(setup):
    trainee, _enrolment, _client = setup
    before = cache.get(caching.trainee_key(trainee.pk))
    PriorLearning.objects.create(trainee=trainee, curriculum=curriculum_of("assistant"), completed_on="2020-01-01")
    assert cache.get(caching.trainee_key(trainee.pk)) != before


def test_catalog_names_cohort_codes_and_institution_names_show_at_once(setup):
    _trainee, enrolment, client = setup
    course = enrolment.curriculum.entries.first().course
    course.title_en = "Renamed course"
    course.save()
    assert "Renamed course" in page(client)
    cohort = enrolment.cohort
    cohort.code = "STD-RENAMED"
    cohort.save()
    assert "STD-RENAMED" in page(client)
    institution = cohort.institution
    institution.name_en = "Renamed Institute"
    institution.save()
    assert "Renamed Institute" in page(client)


def test_a_new_day_rebuilds_the_dashboard(setup):
    _trainee, enrolment, client = setup
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with freeze_time(timezone.now() - datetime.timedelta(days=1)):
        TrainingSessionFactory(cohort=enrolment.cohort, held_on=timezone.localdate(), teacher="昨日老師")
    TrainingSessionFactory(cohort=enrolment.cohort, held_on=tomorrow, teacher="明日老師")
    assert "昨日老師" not in page(client) and "明日老師" in page(client)
    with freeze_time(timezone.now() + datetime.timedelta(days=2)):
        html = page(client)
        assert "明日老師" not in html and tomorrow.isoformat() not in html


def test_nobody_sees_another_trainees_dashboard_and_each_language_is_its_own(setup):
    _trainee, _enrolment, client = setup
    other = UserFactory()
    services.do_enrol(trainee=other, cohort=CohortFactory(code="THEIRS-1"))
    theirs = page(logged_in(other))
    assert "THEIRS-1" in theirs and "STD-1" not in theirs
    mine = page(client)
    assert "STD-1" in mine and "THEIRS-1" not in mine
    nobody = page(logged_in(UserFactory()))
    assert "You have not enrolled in a cohort yet." in nobody and "STD-1" not in nobody
    assert "我的培訓" in page(client, "zh-hant") and 'lang="zh-Hant"' in page(client, "zh-hant")


def test_a_new_account_never_sees_a_dashboard_cached_for_an_earlier_holder_of_its_id(setup):
    trainee, _enrolment, _client = setup
    cache.set(caching.trainee_key(trainee.pk), "left-over")
    cache.set(caching.entry_key(trainee.pk, "en"), ("left-over", {}))
    caching._user_saved(sender=type(trainee), instance=trainee, created=True)
    assert cache.get(caching.trainee_key(trainee.pk)) != "left-over"


def test_the_csrf_token_and_a_form_with_errors_are_never_cached(setup):
    trainee, enrolment, client = setup
    other_session = logged_in(trainee)
    mine, theirs = page(client), page(other_session)
    assert set(CSRF.findall(mine)) and set(CSRF.findall(mine)).isdisjoint(CSRF.findall(theirs))
    entry = cache.get(caching.entry_key(trainee.pk, "en"))
    assert entry is not None and "csrfmiddlewaretoken" not in repr(entry)

    bad = {"enrolment": enrolment.pk, "studied_on": timezone.localdate(), "hours": "99"}
    response = client.post("/en/dashboard/self-study/", bad)
    assert response.status_code == 400 and "is-invalid" in response.content.decode()
    assert "is-invalid" not in page(client)


def test_a_writes_second_invalidation_after_commit_outdates_a_page_built_before_the_commit(
    setup, django_capture_on_commit_callbacks
):
    """A request between the write and its commit may cache the old rows under the first new token."""
    trainee, enrolment, _client = setup
    session = TrainingSessionFactory(cohort=enrolment.cohort, hours=8)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.do_record_attendance(session=session, enrolment=enrolment, hours=6)
    during = cache.get(caching.trainee_key(trainee.pk))
    for callback in callbacks:
        callback()
    assert cache.get(caching.trainee_key(trainee.pk)) != during


def test_the_dashboard_is_built_from_the_database_when_the_cache_fails(setup, monkeypatch):
    _trainee, _enrolment, client = setup

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    html = page(client)
    assert "STD-1" in html and "0 of" in html
