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


# --- the report pages' tables -------------------------------------------------------------------------------

# The model each page's tables are read from, as the trail names it (an institution's row for the side by side).
REPORT_DATA = {
    "pass_rates": dict.fromkeys(
        ["total", "by-course", "by-tier", "by-track", "by-institution", "by-cohort", "by-quarter"],
        "supervision.PassRateFigure",
    ),
    "training": dict.fromkeys(["states", "hours", "completion"], "supervision.TrainingFigure"),
    "certificates": {"status": "supervision.CertificateFigure", "months": "supervision.CertificateMonthFigure"},
    "exams": {
        "attempts": "supervision.AttemptFigure",
        "scores": "supervision.ScoreBinFigure",
        "backlog": "supervision.BacklogFigure",
    },
    "institutions": {"institutions": "accounts.Institution"},
}


def _download_each_table(client, user, page: str, query: dict, institution_id) -> int:
    """Every table of ``page`` in both formats: one entry each, naming the report, its table and the user."""
    shown = en(client, url(page), query).context["tables"]
    assert shown and set(shown) <= set(REPORT_DATA[page]), page
    downloads = 0
    for name, table in shown.items():
        for fmt in ("csv", "xlsx"):
            AuditEvent.objects.all().delete()
            response = en(client, url(page), {**query, "download": name, "format": fmt})
            assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
            rows = row_count(response)
            assert rows == len(table.rows), (page, name)
            (event,) = AuditEvent.objects.all()  # one entry, and nothing else
            assert event.action == EXPORT
            assert event.actor_id == user.pk and event.actor_label == user.email
            assert event.institution_id == institution_id
            assert event.detail == {
                "model": REPORT_DATA[page][name],
                "report": f"supervision:{page}",
                "table": name,
                "format": fmt,
                "rows": rows,
            }
            assert event.summary == f"{page}-{name}.{fmt}: {rows} {'row' if rows == 1 else 'rows'}" and event.request_id
            downloads += 1
    return downloads


def test_each_report_tables_download_writes_one_entry_naming_the_report_and_the_user(
    world, program_office, institution_admin, institution, other_institution
):
    office, staff = logged_in(program_office), logged_in(institution_admin)
    downloads = 0
    for page in REPORT_DATA:
        downloads += _download_each_table(office, program_office, page, {}, None)
        narrowed = {"institution": other_institution.pk}
        downloads += _download_each_table(office, program_office, page, narrowed, other_institution.pk)
        if page != "institutions":  # the office's page alone
            downloads += _download_each_table(staff, institution_admin, page, {}, institution.pk)
    # 16 tables for the office, 15 narrowed to one institution (no breakdown by institution), 14 for its staff.
    assert downloads == 2 * (16 + 15 + 14)


def test_a_report_download_reads_in_the_trail_in_both_languages(world, program_office):
    AuditEvent.objects.all().delete()
    response = en(logged_in(program_office), url("pass_rates"), {"download": "by-quarter", "format": "csv"})
    rows = row_count(response)
    (event,) = exports()
    with translation.override("en"):
        assert audit.describe(event) == f"pass-rate figures, {rows} rows"
        words = dict(audit.describe_detail(event))
        assert words["report"] == "supervision:pass_rates" and words["table"] == "by-quarter"
    with translation.override("zh-hant"):
        assert "supervision.PassRateFigure" not in audit.describe(event)


def test_a_refused_report_download_writes_no_export(world, program_office, institution_admin, trainee):
    office, staff = logged_in(program_office), logged_in(institution_admin)
    AuditEvent.objects.all().delete()
    # A table or a format the page does not offer: 404, nothing exported.
    assert en(office, url("pass_rates"), {"download": "by-nothing", "format": "csv"}).status_code == 404
    assert en(office, url("exams"), {"download": "attempts", "format": "pdf"}).status_code == 404
    assert not AuditEvent.objects.exists()
    # The office's page to an institution's admin, any page to a trainee: refused (403), no export.
    assert en(staff, url("institutions"), {"download": "institutions", "format": "csv"}).status_code == 403
    assert en(logged_in(trainee), url("training"), {"download": "states", "format": "xlsx"}).status_code == 403
    assert not exports()
    assert AuditEvent.objects.filter(action=audit.Action.ACCESS_REFUSED).count() == 2


@pytest.mark.parametrize("planted", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)"])
def test_a_report_download_keeps_a_formula_as_text(world, program_office, other_institution, planted):
    """An institution's name that a spreadsheet would run (it is typed in admin) stays text in every
    table that names it, as in the cohorts' exports."""
    import io

    import openpyxl

    from accounts.models import Institution

    Institution.objects.filter(pk=other_institution.pk).update(name_zh=planted, name_en=planted)
    office = logged_in(program_office)
    for page, name in (("institutions", "institutions"), ("pass_rates", "by-institution"), ("exams", "backlog")):
        csv_rows = rows_of(en(office, url(page), {"download": name, "format": "csv"}))
        assert f"'{planted}" in [row[0] for row in csv_rows[1:]], (page, name)
        xlsx = en(office, url(page), {"download": name, "format": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        cells = [row[0] for row in sheet.iter_rows(min_row=2)]
        (cell,) = [c for c in cells if c.value == planted]
        assert (cell.data_type, cell.quotePrefix) == ("s", True), (page, name)
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_a_one_row_export_reads_one_row_in_the_trail(world, program_office):
    AuditEvent.objects.all().delete()
    response = en(logged_in(program_office), url("pass_rates"), {"download": "total", "format": "csv"})
    assert row_count(response) == 1
    (event,) = exports()
    with translation.override("en"):
        assert audit.describe(event) == "pass-rate figures, 1 row"
    with translation.override("zh-hant"):
        assert "1" in audit.describe(event) and "rows" not in audit.describe(event)
