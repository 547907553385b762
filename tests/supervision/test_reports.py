"""The report figures (pass rates, training, certificates, exams, institutions side by side) and the
cohorts' exports: each figure against the same figure computed here from the ledger of what the test
made (tests/supervision/report_data.py), whose figures each reader sees, the queries a page makes,
and the downloads."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from supervision.figures import certificates, papers, pass_rates, training
from supervision.figures.scope import Scope
from supervision.models import PassRateFigure
from tests.conftest import logged_in
from tests.factories import InstitutionFactory
from tests.supervision import report_data
from tests.supervision.report_data import first_attempts, quarter_of, recompute_all

pytestmark = pytest.mark.django_db

PAGES = ["pass_rates", "training", "certificates", "exams", "cohorts"]


def en(client, url, data=None):
    return client.get(url, data or {}, HTTP_ACCEPT_LANGUAGE="en")


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"supervision:{name}", args=args)


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- the figures against the ledger --------------------------------------------------------------------


def expected_pass_rates(ledger, key, institution=None) -> dict:
    out: dict = defaultdict(lambda: [0, 0, 0])
    for r in first_attempts(ledger):
        if institution is not None and r["institution"] != institution:
            continue
        k = quarter_of(r["published_at"]) if key == "quarter" else r[key]
        out[k][0] += 1
        out[k][1] += r["passed"]
        out[k][2] += r["passed_ever"]
    return dict(out)


@pytest.mark.parametrize("breakdown", ["course", "tier", "track", "institution", "cohort", "quarter"])
def test_pass_rates_match_the_independent_count(world, breakdown, institution):
    for scope, only in ((Scope(None), None), (Scope(institution.pk), institution.pk)):
        got = {r.key: [r.candidates, r.first.successes, r.overall.successes] for r in pass_rates.by(scope, breakdown)}
        if breakdown == "quarter":  # every quarter up to this one is a row, one nobody sat in a row of zeros
            assert all(v == [0, 0, 0] for k, v in got.items() if k not in expected_pass_rates(world, breakdown, only))
            got = {k: v for k, v in got.items() if v[0]}
        assert got == expected_pass_rates(world, breakdown, only)


def test_the_first_attempt_is_the_first_published_one(world):
    """A trainee whose first attempt's result is not out counts by the next one, once."""
    total = pass_rates.total(Scope(None))
    firsts = first_attempts(world)
    assert total.candidates == len(firsts) > 0
    assert total.first.successes == sum(r["passed"] for r in firsts)
    assert total.overall.successes == sum(r["passed_ever"] for r in firsts)
    assert any(r["number"] > 1 for r in firsts), "the world should hold a first attempt whose result is not out"


def test_training_figures_match_the_independent_count(world, institution):
    for only in (None, institution.pk):
        rows = [e for e in world.enrolments if only is None or e["institution"] == only]
        t = training.totals(Scope(only))
        assert {s: n for s, _l, n in t.by_state if n} == dict(Counter(e["state"] for e in rows))
        assert t.enrolments == len(rows)
        assert t.admitted == sum(e["admitted"] for e in rows)
        assert t.completed == sum(e["state"] == "completed" for e in rows)
        assert t.withdrawn == sum(e["state"] == "withdrawn" for e in rows)
        assert t.withdrawn_admitted == sum(e["state"] == "withdrawn" and e["admitted"] for e in rows)
        counted = [e for e in rows if e["state"] in report_data.ADMITTED]
        assert t.owed == {
            "teaching": sum(Decimal(e["teaching_owed"]) for e in counted),
            "exam_prep": sum(Decimal(e["exam_prep_owed"]) for e in counted),
        }
        for mode in ("face_to_face", "remote", "self_study", "exam_prep"):
            assert t.done[mode] == sum(e[mode] for e in counted), mode
        assert t.done["remote"] > 0 and t.done["self_study"] > 0 and t.done["exam_prep"] > 0


def test_certificate_figures_match_the_independent_count(world, institution):
    today = timezone.localdate()
    for only in (None, institution.pk):
        mine = [c for c in world.certificates if only is None or c["institution"] == only]
        t = certificates.totals(Scope(only))
        assert {s: n for s, _l, n in t.by_status if n} == dict(Counter(c["status"] for c in mine))
        assert t.expiring == sum(
            c["status"] == "active" and today <= c["valid_until"] <= today + datetime.timedelta(days=90) for c in mine
        )
        issued = Counter(c["issued_on"].replace(day=1) for c in mine)
        renewed = Counter(
            timezone.localtime(r["changed_at"]).date().replace(day=1)
            for r in world.renewals
            if only is None or r["institution"] == only
        )
        confirmed = [
            c for c in world.continuing if c["status"] == "confirmed" and (only is None or c["institution"] == only)
        ]
        hours: dict = defaultdict(Decimal)
        for c in confirmed:
            hours[c["completed_on"].replace(day=1)] += c["hours"]
        assert {m["month"]: m["issued"] for m in t.months if m["issued"]} == dict(issued)
        assert {m["month"]: m["renewed"] for m in t.months if m["renewed"]} == dict(renewed)
        assert {m["month"]: m["ce_hours"] for m in t.months if m["ce_hours"]} == dict(hours)
        assert sum(m["ce_activities"] for m in t.months) == len(confirmed)


def test_exam_figures_match_the_independent_count(world, institution, settings):
    now = timezone.now()
    for only in (None, institution.pk):
        attempts = Counter(
            (a["course"], a["state"]) for a in world.attempts if only is None or a["institution"] == only
        )
        got = {(p["course"]["course_id"], s): p[s] for p in papers.attempts_by_paper(Scope(only)) for s in p if s in
               ("open", "submitted", "grading", "graded") and p[s]}  # fmt: skip
        assert got == dict(attempts)
        bins = [0] * 10
        for r in world.results:
            if r["published_at"] is not None and (only is None or r["institution"] == only):
                bins[min(int(r["percent"] // 10), 9)] += 1
        assert papers.score_distribution(Scope(only)) == bins
        essays: dict = defaultdict(list)
        for e in world.essays:
            if only is None or e["institution"] == only:
                essays[e["institution"]].append(now - e["submitted_at"])
        sla = datetime.timedelta(days=settings.EXAM_ESSAY_MARKING_DAYS)
        got_backlog = {
            b.institution.pk: (b.waiting, b.under_a_day, b.within_service_level, b.overdue)
            for b in papers.backlog(Scope(only))
        }
        assert got_backlog == {
            inst: (
                len(ages),
                sum(age < datetime.timedelta(days=1) for age in ages),
                sum(datetime.timedelta(days=1) <= age <= sla for age in ages),
                sum(age > sla for age in ages),
            )
            for inst, ages in essays.items()
        }


def test_recomputing_twice_gives_the_same_figures(world):
    before = list(PassRateFigure.objects.order_by("cohort", "course", "year", "quarter").values(
        "cohort", "course", "year", "quarter", "candidates", "first_passed", "passed"))  # fmt: skip
    recompute_all()
    after = list(PassRateFigure.objects.order_by("cohort", "course", "year", "quarter").values(
        "cohort", "course", "year", "quarter", "candidates", "first_passed", "passed"))  # fmt: skip
    assert before == after and before


# --- properties -------------------------------------------------------------------------------------------


@hypothesis_settings(
    max_examples=8, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(seed=st.integers(0, 10**6), scale=st.integers(1, 2))
def test_every_breakdown_adds_up_to_the_total_and_rates_are_proportions(institution, other_institution, seed, scale):
    with transaction.atomic():
        report_data.build([institution, other_institution], scale=scale, seed=seed)
        recompute_all()
        for only in (None, institution.pk, other_institution.pk):
            scope = Scope(only)
            total = pass_rates.total(scope)
            for breakdown in pass_rates.BREAKDOWNS:
                rows = pass_rates.by(scope, breakdown)
                assert sum(r.candidates for r in rows) == total.candidates
                assert sum(r.first.successes for r in rows) == total.first.successes
                assert sum(r.overall.successes for r in rows) == total.overall.successes
                for r in [*rows, total]:
                    assert 0 <= r.first.successes <= r.overall.successes <= r.candidates
                    for rate in (r.first, r.overall):
                        if rate.interval:
                            low, high = rate.interval
                            assert 0 <= low <= rate.value <= high <= 1
            t = training.totals(scope)
            assert sum(n for _s, _l, n in t.by_state) == t.enrolments
            assert 0 <= t.completed <= t.admitted and 0 <= t.withdrawn_admitted <= t.withdrawn
            c = certificates.totals(scope)
            assert sum(n for _s, _l, n in c.by_status) == c.total >= c.expiring
            backlog = papers.backlog(scope)
            assert all(b.waiting == b.under_a_day + b.within_service_level + b.overdue for b in backlog)
        # The institutions add up to every institution.
        assert sum(pass_rates.total(Scope(i.pk)).candidates for i in (institution, other_institution)) == (
            pass_rates.total(Scope(None)).candidates
        )
        assert sum(
            papers.score_distribution(Scope(i.pk))[b] for i in (institution, other_institution) for b in range(10)
        ) == (sum(papers.score_distribution(Scope(None))))
        transaction.set_rollback(True)


# --- who sees what ----------------------------------------------------------------------------------------


def test_institution_staff_see_only_their_institutions_figures(
    world, institution_admin, institution, other_institution
):
    client = logged_in(institution_admin)
    mine = pass_rates.total(Scope(institution.pk))
    assert mine.candidates != pass_rates.total(Scope(None)).candidates
    page = en(client, url("pass_rates"))
    assert page.context["viewer"].institution == institution
    assert page.context["tables"]["total"].rows[0][1] == mine.candidates
    assert "by-institution" not in page.context["tables"]
    cohort_labels = {row[0] for row in page.context["tables"]["by-cohort"].rows}
    assert cohort_labels and all(institution.name in label for label in cohort_labels)
    for name in PAGES:
        body = en(client, url(name)).content.decode()
        assert other_institution.name not in body, name
        assert en(client, url(name), {"institution": other_institution.pk}).status_code == 404, name
    cache.clear()  # the pages above are cached now: built afresh, they show their figures' context again
    t = en(client, url("training")).context["totals"]
    assert t.enrolments == sum(e["institution"] == institution.pk for e in world.enrolments)
    backlog = en(client, url("exams")).context["tables"]["backlog"].rows
    assert [row[0] for row in backlog] in ([institution.name], [])


def test_the_office_sees_every_institution_and_may_narrow_to_one(world, program_office, institution, other_institution):
    client = logged_in(program_office)
    page = en(client, url("pass_rates"))
    assert page.context["tables"]["total"].rows[0][1] == pass_rates.total(Scope(None)).candidates
    assert {row[0] for row in page.context["tables"]["by-institution"].rows} == {
        institution.name,
        other_institution.name,
    }
    narrowed = en(client, url("pass_rates"), {"institution": other_institution.pk})
    assert narrowed.context["tables"]["total"].rows[0][1] == pass_rates.total(Scope(other_institution.pk)).candidates
    side = en(client, url("institutions")).context["tables"]["institutions"].rows
    assert [row[0] for row in side] == [institution.name, other_institution.name]


def test_institutions_side_by_side_is_the_offices_and_matches_the_other_pages(
    world, program_office, institution_admin, institution, other_institution
):
    assert en(logged_in(institution_admin), url("institutions")).status_code == 403
    client = logged_in(program_office)
    rows = {row[0]: row for row in en(client, url("institutions")).context["tables"]["institutions"].rows}
    for inst in (institution, other_institution):
        row = rows[inst.name]
        first = pass_rates.total(Scope(inst.pk)).first
        t = training.totals(Scope(inst.pk))
        waiting = sum(e["institution"] == inst.pk for e in world.essays)
        assert row[1:5] == [first.n, *first.cells()]
        assert row[5:7] == [t.admitted, t.completed]
        assert row[10] == waiting
        assert row[13] == inst.authorized_until
        assert row[14] == (inst.authorized_until - timezone.localdate()).days


def test_trainees_and_visitors_see_no_reports(world, trainee, client):
    for name in [*PAGES, "institutions", "expiring"]:
        assert en(logged_in(trainee), url(name)).status_code == 403, name
        assert en(client, url(name)).status_code == 302, name
    cohort = world.cohorts[0]
    assert en(logged_in(trainee), url("cohort_results", cohort.pk), {"format": "csv"}).status_code == 403


def test_a_rate_from_too_few_trainees_is_not_shown(world, program_office, settings):
    settings.SUPERVISION_MIN_RESPONSES = 10_000
    page = en(logged_in(program_office), url("pass_rates"))
    body = page.content.decode()
    n = pass_rates.total(Scope(None)).candidates
    assert f"too few ({n})" in body
    assert all(not part["chart"].bars for part in page.context["parts"])
    assert page.context["tables"]["total"].rows[0][1] == n  # the count is still there


# --- the pages: queries, languages, downloads ----------------------------------------------------------------


def _queries(client, name) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert en(client, url(name)).status_code == 200
    return len(queries)


def test_every_page_makes_the_same_queries_at_two_data_sizes(
    institution, other_institution, program_office, institution_admin, settings, django_assert_max_num_queries
):
    settings.SUPERVISION_MIN_RESPONSES = 3
    report_data.build([institution, other_institution], scale=1, seed=3)
    recompute_all()
    office, staff = logged_in(program_office), logged_in(institution_admin)
    small = {(who, name): _queries(client, name) for who, client in (("office", office), ("staff", staff))
             for name in [*PAGES, *(["institutions"] if who == "office" else [])]}  # fmt: skip
    report_data.build([institution, other_institution, InstitutionFactory()], scale=4, seed=4)
    recompute_all()
    for (who, name), count in small.items():
        client = office if who == "office" else staff
        with django_assert_max_num_queries(count):
            assert en(client, url(name)).status_code == 200
        assert count <= 20, (who, name, count)


def test_the_pages_are_in_both_languages(world, program_office):
    client = logged_in(program_office)
    for name in [*PAGES, "institutions"]:
        english = client.get(url(name))
        with translation.override("zh-hant"):
            chinese = client.get(reverse(f"supervision:{name}"))
        assert english.status_code == chinese.status_code == 200
        assert 'lang="en"' in english.content.decode() and 'lang="zh-hant"' in chinese.content.decode()
    assert "Pass rates by course" in client.get(url("pass_rates")).content.decode()
    assert "Hours done against hours owed" in client.get(url("training")).content.decode()
    assert "Expiring in 90 days" in client.get(url("certificates")).content.decode()
    assert "Essay-grading backlog" in client.get(url("exams")).content.decode()


def test_every_page_shows_its_charts_as_svg_and_links_its_tables(world, program_office):
    client = logged_in(program_office)
    for name in [*PAGES[:-1], "institutions"]:
        page = en(client, url(name))
        body = page.content.decode()
        assert "<svg" in body, name
        assert all(f'href="{url(tab)}"' in body for tab in ("pass_rates", "training", "institutions")), name  # the tabs
        for table in page.context["tables"].values():
            assert f"download={table.name}&amp;format=csv" in body
            assert f"download={table.name}&amp;format=xlsx" in body


@pytest.mark.parametrize("name", [*PAGES[:-1], "institutions"])
def test_a_downloaded_table_has_the_pages_numbers(world, program_office, institution, name):
    client = logged_in(program_office)
    page = en(client, url(name), {"institution": institution.pk})
    for table in page.context["tables"].values():
        rows = rows_of(en(client, url(name), {"institution": institution.pk, "download": table.name, "format": "csv"}))
        assert rows[0] == [str(c) for c in table.columns]
        assert rows[1:] == [["" if v is None else str(v) for v in row] for row in table.rows]
        xlsx = en(client, url(name), {"institution": institution.pk, "download": table.name, "format": "xlsx"})
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert en(client, url(name), {"download": "nope", "format": "csv"}).status_code == 404


# --- the cohorts' exports -----------------------------------------------------------------------------------


def test_the_cohorts_page_lists_the_viewers_cohorts_with_their_exports(
    world, institution_admin, program_office, institution
):
    page = en(logged_in(institution_admin), url("cohorts"))
    listed = [c["pk"] for c in page.context["page"]]
    assert sorted(listed) == sorted(c.pk for c in world.cohorts if c.institution_id == institution.pk)
    body = page.content.decode()
    for pk in listed:
        assert url("cohort_results", pk) + "?format=csv" in body and url("cohort_progress", pk) + "?format=xlsx" in body
    assert len(en(logged_in(program_office), url("cohorts")).context["page"]) == len(world.cohorts)


def test_a_cohorts_results_export_has_each_trainees_best_score_pass_and_attempts(world, institution_admin, institution):
    cohort = next(c for c in world.cohorts if c.institution_id == institution.pk)
    rows = rows_of(en(logged_in(institution_admin), url("cohort_results", cohort.pk), {"format": "csv"}))
    header, body = rows[0], rows[1:]
    from courses.models import Enrolment

    listed = (
        Enrolment.objects.filter(cohort=cohort)
        .exclude(state__in=["pending", "rejected"])
        .exclude(state="withdrawn", teaching_hours_owed__isnull=True)
    )
    assert len(body) == listed.count()
    courses = sorted({r["course"] for r in world.results if r["cohort"] == cohort.pk})
    from courses.models import Course

    checked = 0
    for enrolment in listed.select_related("trainee"):
        row = next(r for r in body if r[0] == enrolment.trainee.display_name)
        for course_id in courses:
            code = Course.objects.get(pk=course_id).code
            mine = [r for r in world.results if r["trainee"] == enrolment.trainee_id and r["course"] == course_id
                    and r["published_at"] is not None]  # fmt: skip
            score = row[header.index(f"{code} score (%)")]
            passed = row[header.index(f"{code} passed")]
            attempts = row[header.index(f"{code} attempts")]
            assert attempts == str(sum(1 for a in _attempts_of(enrolment.trainee_id, course_id)))
            if mine:
                assert Decimal(score) == max(r["percent"] for r in mine)
                assert passed == ("yes" if any(r["passed"] for r in mine) else "no")
                checked += 1
            else:
                assert score == passed == ""
    assert checked


def _attempts_of(trainee_id, course_id):
    from exams.models import Attempt

    return Attempt.objects.filter(trainee_id=trainee_id, paper__course_id=course_id)


def test_a_cohorts_progress_export_has_the_hours_of_the_trainees_dashboard(world, institution_admin, institution):
    from courses.models import Enrolment
    from courses.selectors import progress

    cohort = next(c for c in world.cohorts if c.institution_id == institution.pk)
    rows = rows_of(en(logged_in(institution_admin), url("cohort_progress", cohort.pk), {"format": "csv"}))
    header, body = rows[0], rows[1:]
    for enrolment in Enrolment.objects.filter(cohort=cohort, state__in=report_data.ADMITTED).select_related("trainee"):
        row = next(r for r in body if r[0] == enrolment.trainee.display_name)
        p = progress(enrolment)
        assert Decimal(row[header.index("Face-to-face")]) == p.face_to_face
        assert Decimal(row[header.index("Remote learning")]) == p.remote
        assert Decimal(row[header.index("Self-study (confirmed)")]) == p.self_study
        assert Decimal(row[header.index("Exam preparation")]) == p.exam_prep
        assert row[header.index("Teaching hours owed")] == str(enrolment.teaching_hours_owed)
    # The page's training figures of this cohort's admitted enrolments add up to the export's hours.
    total_f2f = sum(Decimal(r[header.index("Face-to-face")]) for r in body if r[3] != "withdrawn")
    assert total_f2f == sum(
        e["face_to_face"] for e in world.enrolments if e["cohort"] == cohort.pk and e["state"] in report_data.ADMITTED
    )


def test_another_institutions_cohort_is_not_found(world, institution_admin, program_office, other_institution):
    theirs = next(c for c in world.cohorts if c.institution_id == other_institution.pk)
    for name in ("cohort_results", "cohort_progress"):
        assert en(logged_in(institution_admin), url(name, theirs.pk), {"format": "csv"}).status_code == 404
        assert en(logged_in(program_office), url(name, theirs.pk), {"format": "xlsx"}).status_code == 200
        assert en(logged_in(program_office), url(name, theirs.pk), {"format": "pdf"}).status_code == 404


def test_the_expiring_certificates_export_lists_the_viewers_certificates_in_the_period(
    world, institution_admin, institution
):
    today = timezone.localdate()
    starts, ends = today, today + datetime.timedelta(days=90)
    rows = rows_of(en(logged_in(institution_admin), url("expiring"),
                      {"valid_from": starts.isoformat(), "valid_to": ends.isoformat(), "format": "csv"}))  # fmt: skip
    expected = sorted(
        c["number"]
        for c in world.certificates
        if c["institution"] == institution.pk
        and c["status"] in ("active", "suspended")
        and starts <= c["valid_until"] <= ends
    )
    assert sorted(r[0] for r in rows[1:]) == expected and expected
    xlsx = en(logged_in(institution_admin), url("expiring"),
              {"valid_from": starts.isoformat(), "valid_to": ends.isoformat(), "format": "xlsx"})  # fmt: skip
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"valid_from": "2027-05-01", "valid_to": "2027-04-01", "format": "csv"},
            "The end of the period comes before its start.",
        ),
        (
            {"valid_from": "2027-01-01", "valid_to": "2031-01-01", "format": "csv"},
            "A period of at most three years, please.",
        ),
        (
            {"valid_from": "next week", "valid_to": "2027-04-01", "format": "csv"},
            "Enter a date as YYYY-MM-DD, e.g. 2026-12-31.",
        ),
        ({"valid_from": "", "valid_to": "2027-04-01", "format": "csv"}, "This field is required."),
        ({"valid_from": "2027-01-01", "valid_to": "2027-04-01", "format": "pdf"}, "Select a valid choice."),
    ],
)
def test_bad_input_to_the_expiring_form_gives_a_clear_error(world, institution_admin, data, message):
    response = en(logged_in(institution_admin), url("expiring"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")


def test_a_long_breakdown_shows_its_largest_rows_and_downloads_them_all(world, program_office, monkeypatch):
    """Every cohort of the country would make a page nobody reads (and a slow one): the page shows
    those with the most trainees, the download every one."""
    from supervision import views_reports

    monkeypatch.setattr(views_reports, "MAX_TABLE_ROWS", 2)
    client = logged_in(program_office)
    page = en(client, url("pass_rates"))
    cohorts = next(part for part in page.context["parts"] if part["name"] == "cohort")
    every = rows_of(en(client, url("pass_rates"), {"download": "by-cohort", "format": "csv"}))[1:]
    assert len(every) > 2 and len(cohorts["table"].rows) == 2
    assert cohorts["left_out"] == len(every) - 2
    largest = sorted((int(row[1]) for row in every), reverse=True)[:2]
    assert sorted((int(row[1]) for row in cohorts["table"].rows), reverse=True) == largest
    assert f"{len(every) - 2} more" in page.content.decode()
