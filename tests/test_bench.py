"""The benchmark's own logic that needs no data set: which supervision pages it measures, the
sessions it logs staff in with, and how issue 18's targets are judged and written."""

import pytest
from django.urls import include, path, reverse

from bench import run, supervision
from bench.sessions import logged_in_client
from tests.conftest import make_program_office


def view(request):  # pragma: no cover - never called, the patterns are only read
    raise AssertionError


def test_every_supervision_url_is_found_from_the_resolver_and_no_other():
    found = {page.name: page for page in supervision.pages()}
    assert {"index", "recompute", "recompute_status"} <= set(found)
    # The per-cohort exports name a cohort; the bench lists them as not measured.
    assert {name for name, page in found.items() if page.needs_arguments} == {"cohort_results", "cohort_progress"}
    for name, page in found.items():
        reverse(f"supervision:{name}", args=[1] if page.needs_arguments else [])  # a URL name of the namespace


def test_a_page_that_needs_an_argument_is_named_apart_and_other_namespaces_are_left_out():
    inner = (
        [
            path("", view, name="index"),
            path("items/<int:pk>/", view, name="item"),
            path("more/", include(([path("deep/", view, name="deep")], "nested"))),
        ],
        "supervision",
    )
    patterns = [
        path("cohorts/", include(([path("", view, name="index")], "courses"))),
        path("by/<slug:who>/supervision/", include(inner)),
        path("supervision/", include(inner)),
        path("floor/", view, name="floor"),
    ]
    found = supervision.walk(patterns)
    assert [(p.name, p.route, p.needs_arguments) for p in found] == [
        ("index", "by/<slug:who>/supervision/", True),
        ("item", "by/<slug:who>/supervision/items/<int:pk>/", True),
        ("nested:deep", "by/<slug:who>/supervision/more/deep/", True),
        ("index", "supervision/", False),
        ("item", "supervision/items/<int:pk>/", True),
        ("nested:deep", "supervision/more/deep/", False),
    ]
    ready, apart = supervision.measurable(found)
    assert [p.route for p in ready] == ["supervision/", "supervision/more/deep/"]
    assert len(apart) == 4


@pytest.mark.django_db
def test_the_bench_logs_the_office_in_past_the_second_factor(real_second_factor):
    office = make_program_office(email="office@bench.test")
    response = logged_in_client(office.pk).get(reverse("supervision:index"))
    assert response.status_code == 200  # not the redirect to the second step


def recompute_report(seconds: float, peak: float, state: str = "done", error: str | None = None) -> dict:
    return {
        "seconds": seconds,
        "peak_rss_mb": peak,
        "baseline_rss_mb": 100,
        "state": state,
        "error": error,
        "steps": [
            {
                "step": "item analysis",
                "seconds": seconds - 1,
                "peak_rss_mb": peak,
                "statements": 9,
                "slowest_statements": [{"seconds": seconds - 2, "sql": "CREATE TEMP TABLE totals AS SELECT 1"}],
            },
            {
                "step": "training",
                "seconds": 0.5,
                "peak_rss_mb": peak,
                "statements": 4,
                "slowest_statements": [{"seconds": 0.4, "sql": "INSERT INTO training SELECT 1"}],
            },
        ],
    }


def load_row(name: str, ratio: float) -> dict:
    return {"endpoint": name, "label": name, "rps": 100 * ratio, "p50_ms": 1, "p95_ms": 2, "errors": 0,
            "ratio_to_floor": ratio, "ratio_to_bare": ratio / 7}  # fmt: skip


def test_the_recomputation_targets_are_60_seconds_and_300_megabytes():
    checks = run.evaluate(
        {"recompute": {"small": recompute_report(6.0, 150), "full": recompute_report(60.5, 300)}, "load": []}
    )
    held = {c["target"]: c["ok"] for c in checks}
    assert held == {
        "recomputation (small) <= 60 s": True,
        "recomputation (small) peak RSS < 300 MB": True,
        "recomputation (full) <= 60 s": False,
        "recomputation (full) peak RSS < 300 MB": False,
    }


def test_a_failed_recomputation_does_not_hold_however_fast():
    checks = run.evaluate({"recompute": {"full": recompute_report(3.0, 120, "failed", "ZeroDivisionError()")}})
    failed = [c for c in checks if not c["ok"]]
    assert [c["target"] for c in failed] == ["recomputation (full) finishes"]
    assert "ZeroDivisionError" in failed[0]["figure"]


def test_every_supervision_page_under_load_is_held_to_a_third_of_the_floor():
    report = {"load": [load_row("floor", 1.0), load_row("supervision_index", 0.34), load_row("supervision_items", 0.3)]}
    report["instructions"] = {"endpoints": {"supervision_items": {"ratio_to_floor": 0.4, "ratio_to_bare": 0.05}}}
    held = {c["target"]: c["ok"] for c in run.evaluate(report)}
    assert held["supervision_index throughput >= 1/3 of the floor (req/s)"] is True
    assert held["supervision_items throughput >= 1/3 of the floor (req/s)"] is False
    # the same target judged on instructions per request, a column that does not move with the machine
    assert held["supervision_items throughput >= 1/3 of the floor (instructions)"] is True
    assert held["the portal's floor >= 0.35 of bare Django (req/s)"] is False


def test_the_markdown_shows_each_step_and_the_whole_run():
    text = "\n".join(run.recompute_markdown({"full": recompute_report(42.0, 180)}))
    assert "| full | item analysis | 41.0 | 180 |" in text
    assert "| full | **whole run** (done; baseline RSS 100 MB) | **42.0** | **180** |" in text
    assert "at most 60 s, peak RSS under 300 MB" in text
    # where the time goes: the slow step's slowest statement, not the quick step's
    assert "- full, item analysis (9 statements): 40.0 s `CREATE TEMP TABLE totals AS SELECT 1…`" in text
    assert "INSERT INTO training" not in text


@pytest.mark.django_db
def test_the_statement_clock_names_the_slowest_statements_first():
    from django.db import connection

    clock = supervision.StatementClock()
    with connection.execute_wrapper(clock), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.execute("SELECT   2\n  + 3")
    clock.statements[1] = (5.0, clock.statements[1][1])  # as if the second were slow
    assert [s["sql"] for s in clock.slowest(0)] == ["SELECT 2 + 3", "SELECT 1"]  # whitespace made one line
    assert clock.slowest(1) == [{"seconds": 5.0, "sql": "SELECT 2 + 3"}]
