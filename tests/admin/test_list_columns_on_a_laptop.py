"""The change lists an institution's staff and the program office work in, as a laptop (1366 × 768) shows them
(courses/admin/columns.py, static/css/admin.css; tests/browser/test_admin_laptop_lists.py measures them).

Outside testing found enrolments, self-study, sessions, cohorts, certificates and continuing education cramped
or scrolling sideways: a day broken after each word ("16 / November / 2029"), a trainee's address broken
anywhere, a certificate's number broken at each hyphen, the institution's own name on every row of its staff's
lists. Each list keeps its columns (in the order below); a day is on one line, the month abbreviated in English,
never the ISO form; a moment is its day with the whole moment on hover; a person is a name with the address on
hover (and the search finds the address), on enrolments also under the name (staff approve the trainees a class
list named by address); a figure is right-aligned under a short heading with the full one on
hover; the institution's column is the office's only. What a list no longer writes is on the row's page. The
lists read as many queries as before, however many rows.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from certification import services as ce
from certification.models import CECourse
from courses import services
from courses.models import Enrolment
from tests.conftest import logged_in
from tests.factories import CertificateFactory, CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "en"]
DAY = datetime.date(2025, 2, 3)  # its figures read differently in each format
DAY_AS_LISTS_WRITE_IT = {"zh-hant": "2025年2月3日", "en": "3 Feb 2025"}

#: Each list's columns: the office's; an institution's staff see them without the institution's.
COLUMNS = {
    "courses/enrolment": ["trainee", "cohort_by_code", "state", "hours_owed_display", "credited_hours", "created_at"],
    "courses/selfstudyentry": [
        "studied_on", "trainee", "cohort", "course_by_code", "hours", "what_was_studied", "status",
    ],
    "courses/trainingsession": [
        "held", "cohort_by_code", "purpose", "mode", "course_by_code", "hours", "taught_by", "attended",
    ],
    "courses/cohort": ["code", "curriculum", "institution", "place", "starts_on", "ends_on", "status", "seats"],
    "certification/certificate": [
        "number", "holder", "tier_and_track", "institution", "issued_on", "valid_until", "status_badge",
    ],
    "certification/continuingeducation": [
        "trainee", "title", "completed_on", "hours", "institution", "self_reported", "status",
    ],
    "certification/cecourse": ["title_shown", "institution", "starts_on", "ends_on", "hours", "seats", "is_published"],
    "certification/ceenrolment": ["holder", "course_and_day", "state", "hours_attended", "confirmed_at"],
}  # fmt: skip


def result_table(page: str) -> str:
    """The change list's table (not its filters or its date links)."""
    return re.search(r'<table id="result_list">.*?</table>', page, re.S).group(0)


def columns_of(page: str) -> list[str]:
    return re.findall(r'<th scope="col" class="[^"]*column-(\w+)', result_table(page))


def make_rows(institution, numbers: range, *, course: CECourse) -> list[Enrolment]:
    """Trainees of ``institution`` (one per number), each with a row in every list: an enrolment in a cohort of
    their own, a self-study entry, a session, a certificate, a continuing-education activity, a place on
    ``course``."""
    enrolments = []
    for i in numbers:
        trainee = UserFactory(display_name=f"王建宏{i}", email=f"wang.chien-hung.{i}@customer-bank.example.test")
        cohort = CohortFactory(institution=institution, code=f"INST-A-STANDARD-CORPORATE-{i}", offers_self_study=True)
        enrolment = services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))
        entry_course = enrolment.curriculum.entries.order_by("course__code").first().course
        services.do_log_self_study(
            trainee=trainee, enrolment=enrolment, course=entry_course, studied_on=cohort.starts_on,
            hours=Decimal(3), note="第三章 客戶關係管理",
        )  # fmt: skip
        TrainingSessionFactory(cohort=cohort, course=entry_course, hours=Decimal(4), starts_at=datetime.time(9))
        CertificateFactory(institution=institution, trainee=trainee, issued_on=DAY)
        ce.do_record_continuing_education(
            trainee=trainee, institution=institution, title="金融消費者保護法實務研習", completed_on=DAY,
            hours=Decimal(6),
        )  # fmt: skip
        ce.do_enrol_ce(holder=trainee, course=course)
        enrolments.append(enrolment)
    return enrolments


def a_course(institution) -> CECourse:
    starts_on = timezone.localdate() + datetime.timedelta(days=7)
    course = CECourse.objects.create(
        institution=institution, title_zh="業務風險防範", title_en="Risk prevention", hours=Decimal(6),
        starts_on=starts_on, ends_on=starts_on, capacity=10,
    )  # fmt: skip
    ce.do_publish_ce_course(course=course, today=timezone.localdate())
    return course


@pytest.fixture
def scene(institution) -> list[Enrolment]:
    return make_rows(institution, range(1), course=a_course(institution))


@pytest.fixture
def clients(institution_admin, program_office) -> dict[str, Client]:
    return {"institution": logged_in(institution_admin), "office": logged_in(program_office)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", list(COLUMNS))
def test_each_list_keeps_its_columns_and_only_the_office_sees_the_institutions(scene, clients, url, language):
    for who, client in clients.items():
        response = client.get(f"/{language}/admin/{url}/")
        assert response.status_code == 200
        expected = [c for c in COLUMNS[url] if who == "office" or c != "institution"]
        assert columns_of(response.content.decode()) == expected, (who, url)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_day_is_written_on_one_line_and_never_in_its_iso_form(scene, clients, language):
    day = DAY_AS_LISTS_WRITE_IT[language]
    for url, column in (
        ("certification/certificate", "issued_on"),
        ("certification/continuingeducation", "completed_on"),
    ):
        table = result_table(clients["institution"].get(f"/{language}/admin/{url}/").content.decode())
        assert f'<td class="field-{column}"><span class="no-break">{day}</span></td>' in table, url
    for url in COLUMNS:
        table = result_table(clients["office"].get(f"/{language}/admin/{url}/").content.decode())
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", re.sub(r"<[^>]+>", " ", table)), url


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_moment_is_its_day_the_whole_moment_on_hover_and_on_the_rows_page(scene, clients, language):
    enrolment = scene[0]
    with translation.override(language):
        created = timezone.localtime(enrolment.created_at)
        whole = formats.date_format(created, "DATETIME_FORMAT")
        day = formats.date_format(created, "j M Y" if language == "en" else "DATE_FORMAT")
    table = result_table(clients["institution"].get(f"/{language}/admin/courses/enrolment/").content.decode())
    assert f'<td class="field-created_at"><span class="no-break" title="{whole}">{day}</span></td>' in table
    page = clients["institution"].get(f"/{language}/admin/courses/enrolment/{enrolment.pk}/change/")
    assert whole in page.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_session_is_its_day_and_time_on_one_line(scene, clients, language):
    session = scene[0].cohort.sessions.get()
    with translation.override(language):
        day = formats.date_format(session.held_on, "j M Y" if language == "en" else "DATE_FORMAT")
        time = formats.time_format(session.starts_at)
    table = result_table(clients["institution"].get(f"/{language}/admin/courses/trainingsession/").content.decode())
    assert '<th class="field-held"><a href="' in table
    assert f'<span class="no-break">{day} {time}</span>' in table


@pytest.mark.parametrize(
    ("url", "column", "search"),
    [
        ("courses/enrolment", "trainee", "wang.chien-hung.0@"),
        ("courses/selfstudyentry", "trainee", "wang.chien-hung.0@"),
        ("certification/certificate", "holder", "wang.chien-hung.0@"),
        ("certification/continuingeducation", "trainee", "wang.chien-hung.0@"),
        ("certification/ceenrolment", "holder", "wang.chien-hung.0@"),
    ],
)
def test_a_person_is_their_name_their_address_on_hover_and_the_search_finds_the_address(
    scene, clients, url, column, search
):
    name = '<span class="no-break" title="wang.chien-hung.0@customer-bank.example.test">王建宏0</span>'
    for client in clients.values():
        table = result_table(client.get(f"/zh-hant/admin/{url}/").content.decode())
        cell = re.search(rf'<t[hd] class="field-{column}">(.*?)</t[hd]>', table, re.S).group(1)
        assert name in cell and "&lt;" not in cell, url
        found = result_table(client.get(f"/zh-hant/admin/{url}/", {"q": search}).content.decode())
        assert name in found, url


def test_the_enrolment_list_shows_the_address_under_the_name_breaking_before_its_at_only(scene, clients):
    table = result_table(clients["institution"].get("/zh-hant/admin/courses/enrolment/").content.decode())
    address = (
        '<br><span class="person-address"><span class="no-break">wang.chien-hung.0</span><wbr>'
        '<span class="no-break">@customer-bank.example.test</span></span>'
    )
    assert address in table


def test_the_enrolments_page_names_the_trainees_address(scene, clients):
    enrolment = scene[0]
    page = clients["institution"].get(f"/en/admin/courses/enrolment/{enrolment.pk}/change/").content.decode()
    assert "wang.chien-hung.0@customer-bank.example.test" in page


HEADINGS = {
    "zh-hant": (
        '<span class="number" title="抵免時數">已抵免</span>',
        '<span class="number" title="出席學員數">已出席</span>',
    ),
    "en": (
        '<span class="number" title="Credited hours">Credited</span>',
        '<span class="number" title="Trainees attended">Attended</span>',
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_figures_are_right_aligned_under_short_headings_the_full_ones_on_hover(scene, clients, language):
    credited, attended = HEADINGS[language]
    enrolments = result_table(clients["institution"].get(f"/{language}/admin/courses/enrolment/").content.decode())
    assert credited in enrolments
    assert '<td class="field-credited_hours"><span class="number">0</span></td>' in enrolments
    sessions = result_table(clients["institution"].get(f"/{language}/admin/courses/trainingsession/").content.decode())
    assert attended in sessions
    assert '<td class="field-attended"><span class="number">0</span></td>' in sessions
    assert '<td class="field-hours"><span class="number">4.0</span></td>' in sessions
    cohorts = result_table(clients["office"].get(f"/{language}/admin/courses/cohort/").content.decode())
    assert re.search(r'<td class="field-seats"><span class="number">1 / \d+</span></td>', cohorts)


def test_a_certificates_number_and_a_sessions_delivery_are_kept_on_one_line(scene, clients):
    number = scene[0].trainee.certificates.get().number
    table = result_table(clients["office"].get("/en/admin/certification/certificate/").content.decode())
    assert f'<span class="no-break">{number}</span>' in table
    sessions = result_table(clients["office"].get("/en/admin/courses/trainingsession/").content.decode())
    assert '<td class="field-mode"><span class="no-break">face-to-face</span></td>' in sessions


@pytest.mark.parametrize("url", list(COLUMNS))
def test_the_lists_read_as_many_queries_for_three_rows_as_for_one(institution, clients, url):
    course = a_course(institution)
    make_rows(institution, range(1), course=course)
    counts = {}
    for rows in (1, 3):
        if rows == 3:
            make_rows(institution, range(1, 3), course=course)
        for who, client in clients.items():
            client.get(f"/zh-hant/admin/{url}/")  # the session's and the caches' first reads
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/zh-hant/admin/{url}/").status_code == 200
            counts[who, rows] = len(queries)
    for who in clients:
        assert counts[who, 3] == counts[who, 1], (url, who, counts)
