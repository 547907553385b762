"""Item analysis (supervision/figures/items.py, the page /supervision/items/): the figures against a
matrix whose statistics this test computes itself, what counts, the minimum, the flags, the page."""

from __future__ import annotations

import csv
import io
import statistics
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from exams.models import Attempt, CourseResult
from supervision.figures import items as figures
from supervision.figures import steps
from supervision.figures.items import ItemStatistic, OptionStatistic, PaperStatistic
from supervision.models import RecomputeRun
from tests.conftest import logged_in

from .items_support import KEY, paper_of, plant_matrix, sit_matrix

pytestmark = pytest.mark.django_db

ITEMS = "/en/supervision/items/"

# 10 trainees × 5 single-choice questions: 1 right, 0 wrong. Totals 5 4 4 3 2 2 2 1 1 0: the upper
# 27 % (round(2.7) = 3 attempts) and the lower 27 % are not split by a tie.
MATRIX = [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0],
    [1, 1, 1, 0, 1],
    [1, 1, 0, 1, 0],
    [1, 0, 1, 0, 0],
    [1, 1, 0, 0, 0],
    [0, 1, 0, 1, 0],
    [1, 0, 0, 0, 0],
    [0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0],
]
WRONG = "c"  # every wrong answer; "a" and "d" are never chosen


@pytest.fixture
def few(settings):
    settings.SUPERVISION_MIN_RESPONSES = 5


@pytest.fixture
def sat(few, django_capture_on_commit_callbacks):
    cohort, paper, questions = paper_of(5)
    answers = [[KEY if right else WRONG for right in row] for row in MATRIX]
    sit_matrix(answers, questions, paper, cohort, django_capture_on_commit_callbacks)
    assert CourseResult.objects.filter(published_at__isnull=False).count() == 10
    figures.recompute()
    return paper, questions


def expected():
    """The figures of MATRIX, computed here with ``statistics`` only."""
    totals = [sum(row) for row in MATRIX]
    columns = list(zip(*MATRIX, strict=True))
    order = sorted(range(10), key=lambda i: -totals[i])  # no tie at the groups' edges
    upper, lower = order[:3], order[-3:]
    k = len(columns)
    alpha = k / (k - 1) * (1 - sum(statistics.pvariance(c) for c in columns) / statistics.pvariance(totals))
    items = []
    for column in columns:
        rest = [t - x for t, x in zip(totals, column, strict=True)]
        items.append(
            {
                "facility": statistics.mean(column),
                "discrimination": statistics.correlation(column, rest),
                "upper_lower": statistics.mean(column[i] for i in upper) - statistics.mean(column[i] for i in lower),
                "wrong_discrimination": statistics.correlation([1 - x for x in column], rest),
            }
        )
    sem = statistics.pstdev(totals) * (1 - alpha) ** 0.5
    return alpha, sem, items, totals


def test_the_figures_match_an_independent_computation(sat):
    paper, questions = sat
    alpha, sem, items, totals = expected()
    stats = PaperStatistic.objects.get(paper=paper)
    assert stats.attempts == 10 and stats.items == 5 and stats.dichotomous
    assert stats.alpha == pytest.approx(alpha, abs=1e-9)
    assert stats.sem == pytest.approx(sem, abs=1e-9)
    assert stats.histogram == [sum(1 for t in totals if min(t * 2, 9) == tenth) for tenth in range(10)]
    for question, want in zip(questions, items, strict=True):
        row = ItemStatistic.objects.get(paper=paper, question=question)
        assert row.responses == 10 and row.exposure_rate == 1 and row.blank_rate == 0
        assert row.facility == pytest.approx(want["facility"], abs=1e-9)
        assert row.discrimination == pytest.approx(want["discrimination"], abs=1e-9)
        assert row.upper_lower == pytest.approx(want["upper_lower"], abs=1e-9)
        options = {o.key: o for o in OptionStatistic.objects.filter(item=row)}
        assert options[KEY].is_key and options[KEY].choice_rate == pytest.approx(want["facility"])
        # choosing the key is scoring the item: its option discrimination is the item's
        assert options[KEY].discrimination == pytest.approx(want["discrimination"], abs=1e-9)
        assert options[WRONG].discrimination == pytest.approx(want["wrong_discrimination"], abs=1e-9)
        assert options["a"].chosen == options["d"].chosen == 0


def test_the_page_shows_the_same_figures(sat, program_office):
    paper, _questions = sat
    alpha, sem, items, _totals = expected()
    page = logged_in(program_office).get(ITEMS, {"paper": paper.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{alpha:.3f}" in html and f"{sem:.2f} points" in html
    assert "KR-20" in html  # every answer scored 0 or full marks
    for want in items:
        assert f"<td>{round(want['facility'], 3)}</td>" in html
        assert f"<td>{round(want['discrimination'], 3)}</td>" in html


def test_ungraded_and_unpublished_attempts_do_not_count(sat):
    paper, _questions = sat
    # A result graded but not published, and an attempt still awaiting essay grading:
    counted = set(Attempt.objects.values_list("pk", flat=True))
    first, second = Attempt.objects.order_by("pk")[:2]
    CourseResult.objects.filter(attempt=first).update(published_at=None)
    Attempt.objects.filter(pk=second.pk).update(state=Attempt.State.GRADING)
    figures.recompute()
    assert PaperStatistic.objects.get(paper=paper).attempts == len(counted) - 2
    assert {row.responses for row in ItemStatistic.objects.filter(paper=paper)} == {8}


def test_flags_find_a_miskeyed_question_and_an_option_nobody_chooses(few, django_capture_on_commit_callbacks):
    cohort, paper, questions = paper_of(5)
    miskeyed = questions[4]
    miskeyed.correct = ["a"]  # the right answer is KEY ("b"), which the better half choose
    miskeyed.save()
    answers = [[KEY if right else WRONG for right in row[:4]] + [KEY if i < 5 else "a"] for i, row in enumerate(MATRIX)]
    sit_matrix(answers, questions, paper, cohort, django_capture_on_commit_callbacks)
    figures.recompute()
    row = ItemStatistic.objects.get(question=miskeyed)
    assert "top_prefers_wrong" in row.flags and "negative" in row.flags and row.flagged
    assert "unchosen_option" in row.flags  # "c" and "d"
    for question in questions[:4]:
        flags = ItemStatistic.objects.get(question=question).flags
        assert "top_prefers_wrong" not in flags
        assert "unchosen_option" in flags  # "a" and "d": every wrong answer was "c"
    options = {o.key: o for o in OptionStatistic.objects.filter(item=row)}
    assert (options["b"].upper_chosen, options["a"].upper_chosen) == (3, 0)


def test_the_flagged_filter_and_the_rules_in_words(few, program_office, django_capture_on_commit_callbacks):
    cohort, paper, questions = paper_of(5)
    questions[4].correct = ["a"]  # miskeyed: the better half choose "b"
    questions[4].save()
    wrong = "acd"  # row i's wrong answers are wrong[i % 3]: questions 1 and 3 have every option chosen
    answers = [
        [KEY if right else wrong[i % 3] for right in row[:4]] + [KEY if i < 5 else "a"] for i, row in enumerate(MATRIX)
    ]
    sit_matrix(answers, questions, paper, cohort, django_capture_on_commit_callbacks)
    figures.recompute()
    client = logged_in(program_office)
    everything = client.get(ITEMS, {"paper": paper.pk}).context["item_rows"]
    flagged = client.get(ITEMS, {"paper": paper.pk, "flagged": "1"})
    rows = {row["pk"]: row for row in flagged.context["item_rows"]}
    assert len(everything) == 5
    assert set(rows) == set(ItemStatistic.objects.filter(flagged=True).values_list("question_id", flat=True))
    assert questions[1].pk not in rows and questions[3].pk not in rows  # facility 0.6 and 0.4, r 0.53 and 0.26
    # The rules are listed above the tables too: look at the row's own flags.
    miskeyed = rows[questions[4].pk]
    assert "the upper 27 % chose a wrong option more often than the key" in miskeyed["flags"]
    html = flagged.content.decode()
    assert f"<td>{'; '.join(miskeyed['flags'])}</td>" in html
    assert reverse("admin:exams_question_change", args=[questions[4].pk]) in html  # to revise or retire it


def test_a_figure_needs_the_minimum_number_of_responses(settings, program_office, django_capture_on_commit_callbacks):
    settings.SUPERVISION_MIN_RESPONSES = 11
    cohort, paper, questions = paper_of(5)
    sit_matrix(
        [[KEY if right else WRONG for right in row] for row in MATRIX],
        questions,
        paper,
        cohort,
        django_capture_on_commit_callbacks,
    )
    figures.recompute()
    assert not ItemStatistic.objects.filter(flagged=True).exists()
    page = logged_in(program_office).get(ITEMS)
    html = page.content.decode()
    assert "not enough responses (10 of 11)" in html
    assert all(row["cells"][6] is None and row["cells"][7] is None for row in page.context["item_rows"])
    assert page.context["histogram"] is None
    settings.SUPERVISION_MIN_RESPONSES = 10
    page = logged_in(program_office).get(ITEMS)
    assert "not enough responses" not in page.content.decode()
    assert all(row["cells"][6] is not None for row in page.context["item_rows"])


def test_only_the_program_office_sees_the_item_analysis(institution_admin, institution_grader, trainee, client):
    for person in (institution_admin, institution_grader, trainee):
        assert logged_in(person).get(ITEMS).status_code == 403
    response = client.get(ITEMS)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_institution_staff_have_no_item_analysis_tab(institution_admin, program_office):
    assert "/supervision/items/" not in logged_in(institution_admin).get("/en/supervision/").content.decode()
    assert "/supervision/items/" in logged_in(program_office).get("/en/supervision/").content.decode()


def test_the_page_is_in_both_languages(sat, program_office):
    client = logged_in(program_office)
    english = client.get("/en/supervision/items/")
    chinese = client.get("/zh-hant/supervision/items/")
    assert english.status_code == chinese.status_code == 200
    assert "Item analysis" in english.content.decode() and "Download:" in english.content.decode()
    assert 'lang="zh-hant"' in chinese.content.decode().lower()


def _numbers(cells: list[str]) -> list[float | str]:
    def number(cell: str) -> float | str:
        try:
            return float(cell)
        except ValueError:
            return cell

    return [number(cell) for cell in cells]


def _download(client, table: str, fmt: str, paper) -> list[list[str]]:
    response = client.get(ITEMS, {"paper": paper.pk, "download": table, "format": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exports_have_the_numbers_of_the_page(sat, program_office, fmt):
    paper, _questions = sat
    client = logged_in(program_office)
    page = client.get(ITEMS, {"paper": paper.pk})
    shown = [[("" if v is None else str(v)) for v in row["cells"]] for row in page.context["item_rows"]]
    html = page.content.decode()
    for row in shown:
        for value in row[3:9]:
            assert f"<td>{value or '—'}</td>" in html
    header, *rows = _download(client, "items", fmt, paper)  # the page's columns after the question's id and family
    assert header[8:11] == ["Facility", "Discrimination", "Upper–lower index"]
    assert [_numbers(row[5:11]) for row in rows] == [_numbers(row[3:9]) for row in shown]
    for row, stats in zip(rows, figures.item_statistics(paper_id=paper.pk), strict=True):
        assert float(row[8]) == round(stats.facility, 3) and float(row[9]) == round(stats.discrimination, 3)
    header, *scores = _download(client, "scores", fmt, paper)
    assert [int(r[1]) for r in scores] == PaperStatistic.objects.get(paper=paper).histogram
    assert len(_download(client, "options", fmt, paper)) == 1 + 5 * 4
    assert len(_download(client, "papers", fmt, paper)) == 2


def _page_queries(client, paper) -> int:
    """The queries of the page built from nothing, as its first reader after a recomputation."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ITEMS, {"paper": paper.pk}).status_code == 200
    return len(queries)


def test_the_page_asks_the_same_number_of_queries_whatever_the_data(program_office, django_assert_max_num_queries):
    client = logged_in(program_office)
    cohort, small, questions = paper_of(3)
    plant_matrix([[Decimal(1), Decimal(0), Decimal(1)]] * 4, questions, small, cohort)
    figures.recompute()
    few = _page_queries(client, small)
    cohort, large, questions = paper_of(12, cohort=cohort)
    plant_matrix([[Decimal((i + j) % 2) for j in range(12)] for i in range(30)], questions, large, cohort)
    figures.recompute()
    assert _page_queries(client, large) == few
    with django_assert_max_num_queries(12):
        client.get(ITEMS, {"paper": large.pk, "flagged": "1"})


def test_the_recomputation_runs_the_item_analysis(few, program_office, django_capture_on_commit_callbacks):
    cohort, paper, questions = paper_of(3)
    plant_matrix([[Decimal(i % 2), Decimal(1), Decimal(0)] for i in range(6)], questions, paper, cohort)
    with translation.override("en"):
        assert "Item analysis" in [str(step.label) for step in steps()]
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(program_office).post(reverse("supervision:recompute"))
    assert RecomputeRun.objects.get().state == "done"
    assert PaperStatistic.objects.get(paper=paper).attempts == 6
    assert ItemStatistic.objects.filter(paper=paper).count() == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_download_writes_one_entry_naming_the_report_and_the_user(sat, program_office, fmt):
    from accounts import audit
    from accounts.models import AuditEvent

    paper, _questions = sat
    client = logged_in(program_office)
    data = {
        "papers": "supervision.PaperStatistic",
        "scores": "supervision.PaperStatistic",
        "items": "supervision.ItemStatistic",
        "options": "supervision.OptionStatistic",
    }
    for table, model in data.items():
        AuditEvent.objects.all().delete()
        rows = len(_download(client, table, fmt, paper)) - 1
        (event,) = AuditEvent.objects.all()
        assert (event.action, event.actor_id) == (audit.Action.ADMIN_EXPORT, program_office.pk)
        of_paper = {"paper": paper.course.code} if table != "papers" else {}  # the list of papers is of none
        assert event.detail == {
            "model": model,
            "report": "supervision:items",
            "table": table,
            **of_paper,
            "format": fmt,
            "rows": rows,
        }


def test_a_download_names_the_paper_and_the_filter_it_was_narrowed_to(sat, program_office, institution):
    """As a cohort's export names the cohort and the expiring certificates' their period: a table of one
    paper names it (its course's code, and the paper as the event's object), with the flagged filter
    when the page shows the flagged question versions alone. The bank is national: an institution
    chosen above the page narrows nothing, and the trail names none."""
    from accounts import audit
    from accounts.models import AuditEvent

    paper, _questions = sat
    ItemStatistic.objects.filter(pk=ItemStatistic.objects.filter(paper=paper).first().pk).update(flagged=False)
    flagged = ItemStatistic.objects.filter(paper=paper, flagged=True)
    assert 0 < flagged.count() < ItemStatistic.objects.filter(paper=paper).count()  # the filter narrows
    client = logged_in(program_office)
    narrowed = {"paper": paper.pk, "flagged": "1", "institution": institution.pk}
    expected = {
        "papers": ({}, PaperStatistic.objects.count()),
        "scores": ({"paper": paper.course.code}, 10),
        "items": ({"paper": paper.course.code, "flagged": True}, flagged.count()),
        "options": (
            {"paper": paper.course.code, "flagged": True},
            OptionStatistic.objects.filter(item__in=flagged).count(),
        ),
    }
    for table, (of_rows, rows) in expected.items():
        AuditEvent.objects.all().delete()
        response = client.get(ITEMS, {**narrowed, "download": table, "format": "csv"})
        assert response.status_code == 200
        assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) - 1 == rows, table
        (event,) = AuditEvent.objects.filter(action=audit.Action.ADMIN_EXPORT)
        assert event.detail == {
            "model": event.detail["model"],
            "report": "supervision:items",
            "table": table,
            **of_rows,
            "format": "csv",
            "rows": rows,
        }, table
        assert event.institution_id is None, table
        paper_object = ("exams.ExamPaper", str(paper.pk)) if of_rows else ("", "")
        assert (event.object_type, event.object_id) == paper_object, table
        assert table == "papers" or paper.course.code in dict(audit.describe_detail(event)).values()
