"""The change lists fit a laptop's screen (1366 px, the menu and the filters beside them) in both languages: a
row's cohort is its code, its full name (institution · tier · track · month) on hover; a course its code, its
title on hover; hours owed keep each part on one line; a session's day and time share a column; an institution's
staff see no column repeating their institution on certificates, and a holder is named, their address on hover.
The enrolment list with the cohort's full name was 795 px in a 717 px box, ten lines a row (measured with
Chromium at 1366 × 768: every list the demo's staff open now fits, static/css/admin.css scrolls one that does
not inside its box)."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import formats, translation

from courses import services
from courses.models import Enrolment
from tests.conftest import in_english, logged_in
from tests.factories import CertificateFactory, CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def result_rows(page: str) -> str:
    """The change list's table (not its filters, which name each cohort in full)."""
    return re.search(r'<table id="result_list">.*?</table>', page, re.S).group(0)


def approved(cohort) -> Enrolment:
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=UserFactory(), cohort=cohort))


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_enrolment_list_names_the_cohort_by_its_code_and_keeps_each_part_of_the_hours_whole(
    alice: Client, institution, language
):
    cohort = CohortFactory(institution=institution, code="A-STD-R-2027")
    approved(cohort)
    rows = result_rows(alice.get(f"/{language}/admin/courses/enrolment/").content.decode())
    with translation.override(language):
        name = cohort.name
    cell = f'<td class="field-cohort_by_code"><span title="{html.escape(name)}">A-STD-R-2027</span></td>'
    assert cell in rows  # the name on hover only
    assert re.search(r'<span class="no-break">\d+ \S+ / \d+ \S+</span> \+ <span class="no-break">', rows)


def test_the_session_list_shows_day_and_time_together_and_the_course_by_its_code(alice: Client, institution):
    cohort = CohortFactory(institution=institution, code="A-SESSIONS")
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(4), starts_at=datetime.time(9, 0))
    course = session.course
    rows = result_rows(alice.get("/en/admin/courses/trainingsession/").content.decode())
    with translation.override("en"):
        day = formats.date_format(session.held_on, "j M Y")  # "3 Feb 2027", as lists write a day in English
    assert f'<span class="no-break">{day} 09:00</span>' in rows and ">A-SESSIONS</span>" in rows
    assert f'<span class="no-break" title="{html.escape(course.title_en)}">{course.code}</span>' in rows


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_an_institution_sees_no_column_of_its_own_name_on_certificates_the_office_does(
    institution, institution_admin, program_office, language
):
    holder = UserFactory(display_name="林小華", email="lin.hsiao-hua@example.test")
    CertificateFactory(institution=institution, trainee=holder)
    pages = {}
    for who, person in (("institution", institution_admin), ("office", program_office)):
        pages[who] = result_rows(
            logged_in(person).get(f"/{language}/admin/certification/certificate/").content.decode()
        )
    assert "column-institution" not in pages["institution"] and "column-institution" in pages["office"]
    for rows in pages.values():
        assert '<span class="no-break" title="lin.hsiao-hua@example.test">林小華</span>' in rows


def test_the_audit_trail_shows_a_request_by_the_start_of_its_id(program_office):
    client = logged_in(in_english(program_office))
    assert client.get("/en/admin/axes/accessattempt/").status_code == 403  # refused: recorded with its request id
    rows = result_rows(client.get("/en/admin/accounts/auditevent/").content.decode())
    ids = re.findall(r'<span title="([0-9a-f]{32})">([0-9a-f]{8})…</span>', rows)
    assert ids and all(full.startswith(start) for full, start in ids)
