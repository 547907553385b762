"""Sittings and training sessions are deleted in admin the same way (core.admin_deletion): a row the
service refuses is listed with the refusal's words, not with the related rows Django would name; the page
offers no button and deletes nothing, for one row or a selection; deleting goes through the service, all
or nothing."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from courses import services as courses_services
from courses.models import Attendance, TrainingSession
from exams.models import Attempt, Sitting
from exams.services import attempts
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

from .conftest import client_of, open_sitting

pytestmark = pytest.mark.django_db


def sittings(world, program_office) -> SimpleNamespace:
    """A sitting with an attempt (stays) and one nobody started (may go)."""
    attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    spare = open_sitting(world.paper, world.cohort, opens_at=world.sitting.opens_at + datetime.timedelta(hours=2))
    return SimpleNamespace(
        model=Sitting, refused=world.sitting, free=spare, refusal="has 1 attempt; it cannot be deleted.",
        related="Attempt:", records=Attempt.objects.all,
    )  # fmt: skip


def sessions(world, program_office) -> SimpleNamespace:
    """A session with attendance (stays) and one nobody's attendance is on (may go)."""
    cohort = CohortFactory(institution=world.inst_a)
    enrolment = courses_services.do_approve_enrolment(
        enrolment=courses_services.do_enrol(trainee=UserFactory(), cohort=cohort)
    )
    attended, free = TrainingSessionFactory(cohort=cohort), TrainingSessionFactory(cohort=cohort)
    courses_services.do_record_attendance(session=attended, enrolment=enrolment, hours=8)
    return SimpleNamespace(
        model=TrainingSession, refused=attended, free=free, refusal="has 1 attendance record; it cannot be deleted.",
        related="Attendance:", records=Attendance.objects.all,
    )  # fmt: skip


KINDS = [sittings, sessions]


def admin_url(rows: SimpleNamespace, name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{rows.model._meta.app_label}_{rows.model._meta.model_name}_{name}", args=args)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_it_says_why_a_row_stays_and_deletes_nothing(kind, world, program_office):
    rows = kind(world, program_office)
    office = client_of(program_office)
    records = rows.records().count()

    page = office.get(admin_url(rows, "delete", rows.refused.pk)).content.decode()
    assert "cannot be deleted:" in page and rows.refusal in page
    assert rows.related not in page  # the refusal says it, not the list of related rows
    assert 'name="post"' not in page
    office.post(admin_url(rows, "delete", rows.refused.pk), {"post": "yes"})

    selection = {"action": "delete_selected", "_selected_action": [rows.refused.pk, rows.free.pk]}
    page = office.post(admin_url(rows, "changelist"), selection).content.decode()
    assert "Some of the selected" in page and "so none will be:" in page
    assert page.count("it cannot be deleted.") == 1 and rows.refusal in page  # the free row is not refused
    assert rows.related not in page and 'name="post"' not in page
    office.post(admin_url(rows, "changelist"), {**selection, "post": "yes"})

    assert rows.model.objects.filter(pk__in=[rows.refused.pk, rows.free.pk]).count() == 2
    assert rows.records().count() == records


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_a_row_refused_after_the_page_was_shown_rolls_the_selection_back(kind, world, program_office, monkeypatch):
    """Nothing stood in the way when the page was shown (here: always); the service refuses under its lock, so
    the row deleted before it comes back, and the admin says why."""
    rows = kind(world, program_office)
    model_admin = admin.site._registry[rows.model]
    monkeypatch.setattr(model_admin, "get_deleted_objects", lambda objs, request: ([], {}, set(), []))
    office = client_of(program_office)
    selection = {"action": "delete_selected", "_selected_action": [rows.free.pk, rows.refused.pk], "post": "yes"}
    response = office.post(admin_url(rows, "changelist"), selection, follow=True)
    assert rows.refusal in response.content.decode()
    assert rows.model.objects.filter(pk__in=[rows.refused.pk, rows.free.pk]).count() == 2

    response = office.post(admin_url(rows, "delete", rows.refused.pk), {"post": "yes"}, follow=True)
    assert rows.refusal in response.content.decode()
    assert rows.model.objects.filter(pk=rows.refused.pk).exists()


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_a_row_nobody_needs_is_deleted_alone_or_in_a_selection(kind, world, program_office):
    rows = kind(world, program_office)
    office = client_of(program_office)
    assert office.post(admin_url(rows, "delete", rows.free.pk), {"post": "yes"}).status_code == 302
    assert not rows.model.objects.filter(pk=rows.free.pk).exists()
