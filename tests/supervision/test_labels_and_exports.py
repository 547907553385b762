"""What an outside tester found in the supervision reports: a count of trainee–course pairs headed
"trainees", raw decimals in a CSV, item-analysis exports that cannot be matched to the question bank,
a table wider than the screen, a percentage of nothing, and "1 rows" in the audit trail. Every
expected value here comes from the ledger of what the test made or from a plain query."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import AuditEvent
from exams.models import Attempt, CourseResult, Question
from supervision.figures import items as item_figures
from supervision.html import cell
from supervision.tables import Table
from tests.conftest import logged_in
from tests.supervision import report_data
from tests.supervision.report_data import first_attempts
from tests.supervision.test_reports import en, rows_of, url

from .items_support import KEY, paper_of, sit_matrix

pytestmark = pytest.mark.django_db

FIGURE_PAGES = ["pass_rates", "training", "certificates", "exams", "institutions"]


def _xlsx(response) -> list[list]:
    assert response.status_code == 200
    return [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


# --- 1. the pass rates count trainee–course pairs, and say so ----------------------------------------------


def test_the_pass_rates_count_is_headed_by_what_it_counts(world, program_office, institution, other_institution):
    pairs = len(first_attempts(world))
    trainees = len({r["trainee"] for r in first_attempts(world)})
    assert trainees < pairs  # a trainee sat several courses: "trainees" would be the wrong word
    client = logged_in(program_office)
    page = en(client, url("pass_rates"))
    body = page.content.decode()
    assert f"{pairs} trainee–course pairs counted" in body
    for name, table in page.context["tables"].items():
        assert str(table.columns[1]) == "Trainee–course pairs", name
        rows = rows_of(en(client, url("pass_rates"), {"download": name, "format": "csv"}))
        assert rows[0][1] == "Trainee–course pairs", name
        assert sum(int(row[1]) for row in rows[1:]) == pairs, name  # every breakdown adds up to the pairs
    side = en(client, url("institutions"))
    (table,) = side.context["tables"].values()
    assert str(table.columns[1]) == "Trainee–course pairs"
    assert sum(row[1] for row in table.rows) == pairs
    assert rows_of(en(client, url("institutions"), {"download": "institutions", "format": "csv"}))[0][1] == (
        "Trainee–course pairs"
    )


def test_no_figure_page_heads_a_column_trainees(world, program_office):
    """A column headed "trainees" would count people; no figure of these pages does (cohort exports list
    one trainee a row, under "Trainee")."""
    client = logged_in(program_office)
    for name in FIGURE_PAGES:
        page = en(client, url(name))
        body = page.content.decode()
        for table in page.context["tables"].values():
            headings = [str(c) for c in table.columns] + [str(getattr(c, "short", "") or "") for c in table.columns]
            assert not [h for h in headings if re.search(r"\btrainees\b", h, re.I)], (name, table.name)
        assert "Trainees who sat" not in body, name


# --- 2. a CSV writes numbers as the page does ----------------------------------------------------------------


def _best_of_one_trainee(world, institution):
    """An admitted trainee of a cohort of ``institution`` (listed in its exports) with a published
    result, their scores at that course made 78.95: a value whose float has no short binary form, which
    SQLite's MAX returns with fifteen digits."""
    from courses.models import Enrolment

    result = next(
        r
        for r in first_attempts(world)
        if r["institution"] == institution.pk
        and Enrolment.objects.filter(
            cohort_id=r["cohort"], trainee_id=r["trainee"], state__in=report_data.ADMITTED
        ).exists()
    )
    scores = CourseResult.objects.filter(trainee_id=result["trainee"], course_id=result["course"])
    assert scores.update(percent=Decimal("78.95")) >= 1
    return result


def test_a_cohorts_results_csv_has_the_score_as_stored(world, institution_admin, institution):
    mine = _best_of_one_trainee(world, institution)
    client = logged_in(institution_admin)
    from accounts.models import User
    from courses.models import Cohort, Course

    cohort = Cohort.objects.get(pk=mine["cohort"])
    code = Course.objects.get(pk=mine["course"]).code
    name = User.objects.get(pk=mine["trainee"]).display_name
    header, *body = rows_of(en(client, url("cohort_results", cohort.pk), {"format": "csv"}))
    row = next(r for r in body if r[0] == name)
    assert row[header.index(f"{code} score (%)")] == "78.95"
    header, *sheet = _xlsx(en(client, url("cohort_results", cohort.pk), {"format": "xlsx"}))
    row = next(r for r in sheet if r[0] == name)
    assert row[header.index(f"{code} score (%)")] == 78.95


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_csv_cell_reads_as_the_page_writes_the_number(language):
    """Django writes a Decimal's digits and a float without its exponent; a CSV writer writes ``str()``."""
    numbers = [0, 7, -3, 0.125, 12.0, 1e-05, 3.2e20, -2.5e-07, Decimal("1.50"), Decimal("-0.001"),
               Decimal("9.4E+3"), Decimal("78.95"), Decimal("1E-7")]  # fmt: skip
    table = Table("t", "t", ["n"], [[n] for n in numbers], source=CourseResult)
    with translation.override(language):
        written = [str(row[0]) for row in table.dataset("csv")]
        assert written == [cell(n) for n in numbers]
    assert written[5:7] == ["0.00001", "320000000000000000000"] and written[10] == "9400"
    assert [row[0] for row in table.dataset("xlsx")] == numbers  # numbers, as numbers


# A number as no page writes it: trailing zeros past the fourth place, or an exponent.
RAW_NUMBER = re.compile(r"^-?\d+\.\d*0000$|^-?\d+(\.\d+)?[eE][+-]?\d+$")


def test_no_supervision_csv_has_raw_decimals(world, program_office, institution):
    _best_of_one_trainee(world, institution)
    client = logged_in(program_office)
    files = []
    for name in FIGURE_PAGES:
        for table in en(client, url(name)).context["tables"].values():
            files.append(en(client, url(name), {"download": table.name, "format": "csv"}))
    for cohort in world.cohorts:
        files += [en(client, url(kind, cohort.pk), {"format": "csv"}) for kind in ("cohort_results", "cohort_progress")]
    today = timezone.localdate()
    period = {"valid_from": today - datetime.timedelta(days=365), "valid_to": today + datetime.timedelta(days=730)}
    files.append(en(client, url("expiring"), {**period, "format": "csv"}))
    cells = [value for response in files for row in rows_of(response) for value in row]
    assert "78.95" in cells
    assert [value for value in cells if RAW_NUMBER.match(value)] == []


# --- 3. the item analysis's exports: the question's id and family, the whole texts ---------------------------

LONG_QUESTION = "Which of these is the bank's duty when a customer " + "asks about a structured product " * 4 + "?"
LONG_OPTION = "The customer manager explains the product's risks, its fees and the conditions of early redemption"


@pytest.fixture
def long_texts(settings, django_capture_on_commit_callbacks):
    settings.SUPERVISION_MIN_RESPONSES = 3
    cohort, paper, questions = paper_of(3)
    for question in questions:
        question.text_en = f"{LONG_QUESTION} ({question.pk})"
        question.options = [{**o, "en": f"{LONG_OPTION} {o['key']}"} for o in question.options]
        question.save(update_fields=["text_en", "options"])
    sit_matrix([[KEY, KEY, "c"], [KEY, "c", "c"], ["c", KEY, KEY], [KEY, KEY, KEY]], questions, paper, cohort,
               django_capture_on_commit_callbacks)  # fmt: skip
    assert Attempt.objects.filter(paper=paper, state="graded").count() == 4
    item_figures.recompute()
    return paper


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_item_exports_name_each_question_version_and_give_its_whole_text(long_texts, program_office, fmt):
    paper = long_texts
    client = logged_in(program_office)
    page = en(client, url("items"), {"paper": paper.pk})
    assert all(row["cells"][0].endswith("…") and len(row["cells"][0]) == 80 for row in page.context["item_rows"])

    def download(table):
        response = en(client, url("items"), {"paper": paper.pk, "download": table, "format": fmt})
        if fmt == "csv":
            return rows_of(response)
        return [["" if v is None else str(v) for v in row] for row in _xlsx(response)]

    bank = {q.pk: q for q in Question.objects.filter(course=paper.course)}
    header, *items = download("items")
    assert header[:4] == ["Question ID", "Question family", "Question", "Version"]
    assert sorted(int(row[0]) for row in items) == sorted(bank)
    for row in items:
        question = bank[int(row[0])]
        assert row[1:4] == [str(question.family), question.text_en, str(question.version)]
    header, *options = download("options")
    assert header[:6] == ["Question ID", "Question family", "Question", "Version", "Option", "Text"]
    assert len(options) == 4 * len(bank)
    for row in options:
        question = bank[int(row[0])]
        assert row[1] == str(question.family) and row[2] == question.text_en
        assert row[5] == question.options["ABCD".index(row[4])]["en"]  # the options in their stored order
        assert row[5].startswith(LONG_OPTION)


# --- 4. the institutions side by side fits the screen ----------------------------------------------------------


def test_the_institutions_table_heads_its_columns_short_under_groups_and_downloads_the_full_headings(
    world, program_office
):
    client = logged_in(program_office)
    page = en(client, url("institutions"))
    body = page.content.decode()
    head = body[body.index("<thead>") : body.index("</thead>")]
    full = rows_of(en(client, url("institutions"), {"download": "institutions", "format": "csv"}))[0]
    assert full == [
        "Institution", "Trainee–course pairs", "First-attempt pass rate (%)", "95 % interval, low (%)",
        "95 % interval, high (%)", "Enrolments admitted", "Enrolments completed", "Completion rate (%)",
        "95 % interval, low (%)", "95 % interval, high (%)", "Essays waiting", "Past the service level",
        "Oldest waits (days)", "Authorized until", "Days of authorization left",
    ]  # fmt: skip
    groups = re.findall(r'<th scope="colgroup" colspan="(\d+)">([^<]*)</th>', head)
    assert groups == [("4", "First-attempt pass rate"), ("5", "Completion"), ("3", "Essays waiting"),
                      ("2", "Authorization")]  # fmt: skip
    # Each column's heading on the page is its short form, the full heading its title; none is long.
    shown = re.findall(r'<th scope="col"(?: rowspan="2")?>(?:<abbr title="([^"]*)">)?([^<]*)', head)
    assert len(shown) == len(full)
    titles = {title for title, _short in shown if title}
    assert titles == set(full) - {"Institution", "Trainee–course pairs"}
    assert max(len(short) for _title, short in shown) <= len("Trainee–course pairs")
    assert sorted(short for _title, short in shown) == sorted(
        ["Institution", "Trainee–course pairs", "%", "low", "high", "Admitted", "Completed", "%", "low", "high",
         "All", "Overdue", "Oldest (days)", "Until", "Days left"]
    )  # fmt: skip


# --- 5. training: done of owed only where hours are owed -------------------------------------------------------


def test_the_hours_table_gives_a_share_of_owed_only_where_hours_are_owed(world, program_office):
    admitted = [e for e in world.enrolments if e["state"] in report_data.ADMITTED]  # withdrawn ones left out
    teaching_owed = sum(Decimal(e["teaching_owed"]) for e in admitted)
    teaching_done = sum(e["face_to_face"] + e["remote"] + e["self_study"] for e in admitted)
    client = logged_in(program_office)
    rows = rows_of(en(client, url("training"), {"download": "hours", "format": "csv"}))
    assert rows[0] == ["Mode", "Class hours done", "Class hours owed", "Done of owed (%)"]
    by_mode = {row[0]: row[1:] for row in rows[1:]}
    for mode in ("Face-to-face", "Remote learning", "Self-study (confirmed)"):
        assert by_mode[mode][1:] == ["", ""], mode  # no hours owed by mode: no share of them
    done, owed, share = by_mode["Teaching, every mode"]
    assert (Decimal(done), Decimal(owed)) == (teaching_done, teaching_owed)
    assert float(share) == round(float(100 * teaching_done / teaching_owed), 1)
    for row in en(client, url("training")).context["tables"]["hours"].rows:
        assert (row[2] == "") == (row[3] == ""), row


# --- 6. the audit trail: one row is a row ------------------------------------------------------------------------


def test_a_one_row_export_is_one_row_in_the_trail(world, program_office):
    AuditEvent.objects.all().delete()
    rows = rows_of(en(logged_in(program_office), url("pass_rates"), {"download": "total", "format": "csv"}))
    assert len(rows) == 2  # the heading and the one row of every course
    (event,) = AuditEvent.objects.filter(action="admin_export")
    assert event.summary == "pass_rates-total.csv: 1 row"
    assert event.detail["rows"] == 1
