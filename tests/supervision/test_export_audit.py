"""The supervision exports (a cohort's results and progress, the certificates expiring in a period:
names, employee numbers, scores) are in the audit trail like the admin's exports: who, which data,
which cohort or period, the format and the rows, one entry an export; and in the trail's admin in
the reader's language. A refused export writes no export, but the refusal, as another institution's
row answered 404 does everywhere else."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts import audit
from accounts.models import AuditEvent
from tests.conftest import logged_in
from tests.supervision.test_reports import en, rows_of, url

pytestmark = pytest.mark.django_db

EXPORT = audit.Action.ADMIN_EXPORT


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=EXPORT))


def row_count(response) -> int:
    if response["Content-Type"].startswith("text/csv"):
        return len(rows_of(response)) - 1
    import openpyxl

    sheet = openpyxl.load_workbook(__import__("io").BytesIO(response.content)).active
    return sheet.max_row - 1


@pytest.mark.parametrize(
    ("name", "model", "fmt"),
    [
        ("cohort_results", "exams.CourseResult", "csv"),
        ("cohort_results", "exams.CourseResult", "xlsx"),
        ("cohort_progress", "courses.Enrolment", "csv"),
        ("cohort_progress", "courses.Enrolment", "xlsx"),
    ],
)
def test_a_cohort_export_writes_one_entry_with_who_what_which_cohort_format_and_rows(
    world, institution_admin, institution, name, model, fmt
):
    cohort = next(c for c in world.cohorts if c.institution_id == institution.pk)
    AuditEvent.objects.all().delete()
    response = en(logged_in(institution_admin), url(name, cohort.pk), {"format": fmt})
    assert response.status_code == 200
    rows = row_count(response)
    assert rows > 0
    (event,) = exports()
    assert event.actor_id == institution_admin.pk and event.institution_id == institution.pk
    assert (event.object_type, event.object_id) == ("courses.Cohort", str(cohort.pk))
    assert event.detail == {"model": model, "cohort": cohort.code, "format": fmt, "rows": rows}
    assert event.request_id and cohort.code in event.summary


def test_the_offices_export_of_an_institutions_cohort_names_that_institution(world, program_office, other_institution):
    cohort = next(c for c in world.cohorts if c.institution_id == other_institution.pk)
    AuditEvent.objects.all().delete()
    assert en(logged_in(program_office), url("cohort_results", cohort.pk), {"format": "csv"}).status_code == 200
    (event,) = exports()
    assert event.actor_id == program_office.pk and event.institution_id == other_institution.pk


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_expiring_certificates_export_writes_one_entry_with_its_period(world, institution_admin, institution, fmt):
    today = timezone.localdate()
    starts, ends = today, today + datetime.timedelta(days=90)
    AuditEvent.objects.all().delete()
    response = en(logged_in(institution_admin), url("expiring"),
                  {"valid_from": starts.isoformat(), "valid_to": ends.isoformat(), "format": fmt})  # fmt: skip
    assert response.status_code == 200
    (event,) = exports()
    assert event.actor_id == institution_admin.pk and event.institution_id == institution.pk
    assert event.detail == {
        "model": "certification.Certificate",
        "period": f"{starts.isoformat()} – {ends.isoformat()}",
        "format": fmt,
        "rows": row_count(response),
    }
    assert event.detail["rows"] > 0


def test_a_refused_or_failed_export_writes_no_export(world, institution_admin, trainee, other_institution):
    theirs = next(c for c in world.cohorts if c.institution_id == other_institution.pk)
    AuditEvent.objects.all().delete()
    staff = logged_in(institution_admin)
    # Another institution's cohort: the same 404 as one that does not exist, and the refusal in the trail.
    assert en(staff, url("cohort_results", theirs.pk), {"format": "csv"}).status_code == 404
    assert not exports()
    (refused,) = AuditEvent.objects.filter(action=audit.Action.ACCESS_REFUSED)
    assert refused.actor_id == institution_admin.pk
    assert (refused.object_type, refused.object_id) == ("courses.Cohort", str(theirs.pk))
    assert refused.detail["status"] == 404
    # A cohort that does not exist, a format not offered, a period the form refuses: nothing exported.
    AuditEvent.objects.all().delete()
    assert en(staff, url("cohort_progress", 10**9), {"format": "csv"}).status_code == 404
    mine = next(c for c in world.cohorts if c.institution_id == institution_admin.staff_membership.institution_id)
    assert en(staff, url("cohort_progress", mine.pk), {"format": "pdf"}).status_code == 404
    assert en(staff, url("expiring"), {"valid_from": "2027-05-01", "valid_to": "2027-04-01"}).status_code == 400
    assert not AuditEvent.objects.exists()
    # Someone with no supervision role: refused (403) as every refusal is, no export.
    assert en(logged_in(trainee), url("cohort_results", mine.pk), {"format": "csv"}).status_code == 403
    assert not exports()
    assert AuditEvent.objects.filter(action=audit.Action.ACCESS_REFUSED).count() == 1


def test_the_trail_shows_a_supervision_export_like_an_admin_export_in_both_languages(
    world, institution_admin, institution, program_office
):
    cohort = next(c for c in world.cohorts if c.institution_id == institution.pk)
    AuditEvent.objects.all().delete()
    response = en(logged_in(institution_admin), url("cohort_results", cohort.pk), {"format": "csv"})
    rows = row_count(response)
    (event,) = exports()
    with translation.override("en"):
        assert audit.describe(event) == f"course results, {rows} rows"
        words = dict(audit.describe_detail(event))
        assert words["data"] == "course results" and words["format"] == "csv" and words["rows"] == str(rows)
    with translation.override("zh-hant"):
        assert "exams.CourseResult" not in audit.describe(event)
        assert str(rows) in audit.describe(event)
    office = Client()
    office.force_login(program_office)
    for language, action in (("en", "admin export"), ("zh-hant", "後台匯出")):
        with translation.override(language):
            page = office.get(reverse("admin:accounts_auditevent_changelist"), {"action__exact": EXPORT})
            detail = office.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
            expected = audit.describe(event)
        assert page.status_code == detail.status_code == 200
        assert page.context["cl"].result_count == 1
        body = page.content.decode()
        assert action in body and expected in body and cohort.code in detail.content.decode()
