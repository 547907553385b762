"""The report pages of the supervision area: pass rates, training, certificates, exams, institutions
side by side, and the cohorts' exports. Each page reads the summaries (``figures/``) in a fixed
number of queries and shows every chart as a table that downloads as CSV or XLSX."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import audit
from accounts.models import Institution
from core.display import url_pattern
from courses.models import Cohort

from . import exports
from .access import Viewer, viewer_of
from .charts import Bar, BarChart, Histogram
from .figures import certificates, papers, pass_rates, periods, training
from .figures.scope import Scope
from .figures.statistics import Rate
from .forms import ExpiringForm
from .html import cell
from .names import cohort_name, course_label, month_label, with_names
from .pages import Figures, cached_content, figure_page, render_page
from .tables import Heading, Table, download, requested_format

MAX_BARS = 30  # a chart shows at most this many bars (the largest); its table has every row


def _scope(viewer: Viewer) -> Scope:
    return Scope(viewer.institution_id)


# A breakdown with more rows (the cohorts of every institution) shows its largest on the page.
MAX_TABLE_ROWS = 50


def rate_chart(title: str, rows: Sequence[tuple[str, Rate]]) -> BarChart:
    """Bars of the rates with enough observations, with their Wilson interval, on a 0–100 % scale;
    a rate below the minimum has no bar (its table says "too few")."""
    shown = sorted((r for r in rows if r[1].enough), key=lambda r: -r[1].n)[:MAX_BARS]
    order = {id(r): i for i, r in enumerate(rows)}
    shown.sort(key=lambda r: order[id(r)])
    bars = []
    for label, rate in shown:
        interval = rate.interval
        assert interval is not None and rate.value is not None
        bars.append(Bar(label=label, value=rate.value, text=rate.text, low=interval[0], high=interval[1]))
    return BarChart(title=title, bars=bars, maximum=1.0)


def series_rate_chart(title: str, rows: Sequence[tuple[str, Rate]]) -> BarChart:
    """A rate per period, every period in its order: a bar with its Wilson interval where the rate has
    enough observations, else the period named with "too few" and no bar, so that the time runs
    evenly down the chart. No bars when no period has enough."""
    if not any(rate.enough for _label, rate in rows):
        return BarChart(title=title, bars=[], maximum=1.0)
    bars = []
    for label, rate in rows:
        interval = rate.interval
        if interval is None or rate.value is None:
            bars.append(Bar(label=label, value=0.0, text=rate.text))
        else:
            bars.append(Bar(label=label, value=rate.value, text=rate.text, low=interval[0], high=interval[1]))
    return BarChart(title=title, bars=bars, maximum=1.0)


def count_chart(title: str, rows: Sequence[tuple[str, float]], text: str = "{:,}") -> BarChart:
    bars = [Bar(label=label, value=float(value), text=text.format(value)) for label, value in rows[:MAX_BARS]]
    return BarChart(title=title, bars=bars)


# --- pass rates -----------------------------------------------------------------------------------


def _rate_columns(rate: str) -> list[str]:
    """The headings of a rate's cells (``Rate.cells()``): the rate and its interval's bounds."""
    return [rate, _("95 % interval, low (%)"), _("95 % interval, high (%)")]


def _pairs_column() -> str:
    """The heading of a pass rate's count, which is not of people: a trainee counts once for each course
    whose paper they sat (six courses, six pairs)."""
    return _("Trainee–course pairs")


def _pass_rate_columns(first: str) -> list[str]:
    return [
        first,
        _pairs_column(),
        _("Passed at the first attempt"),
        *_rate_columns(_("First-attempt pass rate (%)")),
        _("Passed (any attempt)"),
        *_rate_columns(_("Overall pass rate (%)")),
    ]


def _pass_rate_row(row: pass_rates.PassRateRow) -> list[Any]:
    return [
        row.label,
        row.candidates,
        row.first.successes,
        *row.first.cells(),
        row.overall.successes,
        *row.overall.cells(),
    ]


def _pass_rates(request: HttpRequest, viewer: Viewer) -> Figures:
    scope = _scope(viewer)
    total = pass_rates.total(scope)
    titles = {
        "course": _("Pass rates by course"),
        "tier": _("Pass rates by tier"),
        "track": _("Pass rates by track"),
        "institution": _("Pass rates by institution"),
        "cohort": _("Pass rates by cohort"),
        "quarter": _("Pass rates by quarter"),
    }
    today = timezone.localdate()
    breakdowns = [b for b in pass_rates.BREAKDOWNS if b != "institution" or viewer.institution_id is None]
    page_tables = [
        Table(
            "total",
            _("Pass rates, every course"),
            _pass_rate_columns(_("Breakdown")),
            [_pass_rate_row(total)],
            source=pass_rates.PassRateFigure,
        )
    ]
    parts = []
    for breakdown in breakdowns:
        left_out, note = 0, ""
        chart_title = _("%(title)s: first attempt") % {"title": titles[breakdown]}
        if breakdown == "cohort":  # every cohort of the country: the largest on the page, all in the download
            downloading = request.GET.get("download") == f"by-{breakdown}"
            rows, count = pass_rates.by_cohort(scope, None if downloading else MAX_TABLE_ROWS)
            left_out = count - len(rows)
        elif breakdown == "quarter":
            rows = pass_rates.by_quarter(scope, today)
        else:
            rows = pass_rates.by(scope, breakdown)
        table = Table(
            f"by-{breakdown}", titles[breakdown], _pass_rate_columns(str(pass_rates.BREAKDOWNS[breakdown])),
            [_pass_rate_row(r) for r in rows], source=pass_rates.PassRateFigure,
        )  # fmt: skip
        page_tables.append(table)
        if breakdown == "quarter":  # a time series: the last quarters, every one, up to this one
            window = {pass_rates.quarter_of(q) for q in periods.ending_with(today, MAX_BARS, periods.QUARTERS)}
            charted = [r for r in rows if r.key in window]
            chart = series_rate_chart(chart_title, [(r.label, r.first) for r in charted])
            if chart.bars:
                note = _(
                    "The chart shows the %(count)s quarters from %(first)s to %(last)s; the table has every quarter."
                ) % {"count": len(charted), "first": charted[0].label, "last": charted[-1].label}
        else:
            chart = rate_chart(chart_title, [(r.label, r.first) for r in rows])
        parts.append(
            {
                "name": breakdown,
                "title": titles[breakdown],
                "chart": chart,
                "table": table,
                "left_out": left_out,
                "note": note,
            }
        )
    return Figures(page_tables, {"total": total, "parts": parts, "total_table": page_tables[0]})


pass_rates_page = figure_page(
    "supervision/_pass_rates.html",
    title=_lazy("Pass rates"),
    section="supervision:pass_rates",
    build=_pass_rates,
)


# --- training -------------------------------------------------------------------------------------


def _hours_rows(t: training.TrainingTotals) -> list[Sequence[Any]]:
    """A row a mode of teaching (hours done: no mode owes hours of its own, so no share of them), then
    teaching in every mode and exam preparation with their hours owed and the share done."""

    def share(done: Decimal, owed: Decimal) -> Any:
        return round(float(100 * done / owed), 1) if owed else ""

    teaching_done = t.done["face_to_face"] + t.done["remote"] + t.done["self_study"]
    return [
        [_("Face-to-face"), t.done["face_to_face"], "", ""],
        [_("Remote learning"), t.done["remote"], "", ""],
        [_("Self-study (confirmed)"), t.done["self_study"], "", ""],
        [_("Teaching, every mode"), teaching_done, t.owed["teaching"], share(teaching_done, t.owed["teaching"])],
        [
            _("Exam preparation"),
            t.done["exam_prep"],
            t.owed["exam_prep"],
            share(t.done["exam_prep"], t.owed["exam_prep"]),
        ],
    ]


def _training(request: HttpRequest, viewer: Viewer) -> Figures:
    t = training.totals(_scope(viewer))
    state_rows: list[Sequence[Any]] = [[label, n] for _state, label, n in t.by_state]
    states = Table(
        "states",
        _("Enrolments by state"),
        [_("State"), _("Enrolments")],
        [*state_rows, [_("All"), t.enrolments]],
        source=training.TrainingFigure,
    )
    hours = Table(
        "hours",
        _("Hours done against hours owed (admitted enrolments, withdrawn ones left out)"),
        [_("Mode"), _("Class hours done"), _("Class hours owed"), _("Done of owed (%)")],
        _hours_rows(t),
        source=training.TrainingFigure,
    )
    completion = Table(
        "completion",
        _("Completion and withdrawals"),
        [
            _("Admitted"),
            _("Completed"),
            *_rate_columns(_("Completion rate (%)")),
            _("Withdrawn (all)"),
            _("Withdrawn after admission"),
            *_rate_columns(_("Withdrawal rate (%)")),
        ],
        [[t.admitted, t.completed, *t.completion.cells(), t.withdrawn, t.withdrawn_admitted, *t.withdrawal.cells()]],
        source=training.TrainingFigure,
    )
    hours_chart = count_chart(
        _("Class hours done and owed"),
        [(str(row[0]), float(row[1])) for row in hours.rows]
        + [(_("Teaching owed"), float(t.owed["teaching"])), (_("Exam preparation owed"), float(t.owed["exam_prep"]))],
        text="{:,.1f}",
    )
    return Figures(
        [states, hours, completion],
        {
            "totals": t,
            "states_chart": count_chart(_("Enrolments by state"), [(label, n) for _s, label, n in t.by_state]),
            "hours_chart": hours_chart,
            "completion_chart": rate_chart(
                _("Completion and withdrawal rates"),
                [(_("Completion rate"), t.completion), (_("Withdrawal rate"), t.withdrawal)],
            ),
        },
    )


training_page = figure_page(
    "supervision/_training.html",
    title=_lazy("Training"),
    section="supervision:training",
    build=_training,
)


# --- certificates -----------------------------------------------------------------------------------


def _certificates(request: HttpRequest, viewer: Viewer) -> Figures:
    today = timezone.localdate()
    t = certificates.totals(_scope(viewer), today)
    status_rows: list[Sequence[Any]] = [[label, n] for _s, label, n in t.by_status]
    status = Table(
        "status", _("Certificates by status"), [_("Status"), _("Certificates")],
        [*status_rows, [_("All"), t.total], [_("Active, expiring in the next 90 days"), t.expiring]],
        source=certificates.CertificateFigure,
    )  # fmt: skip
    months = Table(
        "months",
        _("Per month: certificates issued, renewals, continuing education confirmed"),
        [_("Month"), _("Issued"), _("Renewals"), _("Continuing-education activities"), _("Continuing-education hours")],
        [
            [month_label(m["month"], get_language()), m["issued"], m["renewed"], m["ce_activities"], m["ce_hours"]]
            for m in t.months
        ],
        source=certificates.CertificateMonthFigure,
    )
    # The charts: the last months up to this one, every one (the table may go further either way).
    window = periods.ending_with(today, certificates.CHART_MONTHS, periods.MONTHS)
    recent = [row for m, row in zip(t.months, months.rows, strict=True) if window[0] <= m["month"] <= window[-1]]
    language = get_language()
    months_note = (
        _("The charts show the %(count)s months from %(first)s to %(last)s; the table has every month.")
        % {"count": len(window), "first": month_label(window[0], language), "last": month_label(window[-1], language)}
        if recent
        else ""
    )
    return Figures(
        [status, months],
        {
            "totals": t,
            "months_note": months_note,
            "status_chart": count_chart(
                _("Certificates by status"),
                [(label, n) for _s, label, n in t.by_status] + [(_("Expiring in 90 days"), t.expiring)],
            ),
            "issued_chart": count_chart(_("Certificates issued per month"), [(r[0], r[1]) for r in recent]),
            "renewed_chart": count_chart(_("Renewals per month"), [(r[0], r[2]) for r in recent]),
            "ce_chart": count_chart(
                _("Continuing-education hours per month"), [(r[0], float(r[4])) for r in recent], text="{:,.1f}"
            ),
        },
    )


certificates_page = figure_page(
    "supervision/_certificates.html",
    title=_lazy("Certificates"),
    section="supervision:certificates",
    build=_certificates,
)


# --- exams ------------------------------------------------------------------------------------------


def _exams(request: HttpRequest, viewer: Viewer) -> Figures:
    scope = _scope(viewer)
    from exams.models import Attempt

    per_paper = papers.attempts_by_paper(scope)
    states = list(Attempt.State.choices)
    attempts = Table(
        "attempts",
        _("Attempts per paper"),
        [_("Paper (course)"), *[str(label) for _s, label in states], _("All")],
        [[course_label(p["course"]), *[p[s] for s, _l in states], p["total"]] for p in per_paper],
        source=papers.AttemptFigure,
    )
    counts = papers.score_distribution(scope)
    labels = [papers.bin_label(i) for i in range(papers.BINS)]
    scores = Table(
        "scores",
        _("Score distribution (published results, percent of the maximum)"),
        [_("Score (%)"), _("Results")],
        [[label, n] for label, n in zip(labels, counts, strict=True)],
        source=papers.ScoreBinFigure,
    )
    now = timezone.now()
    waiting = papers.backlog(scope)
    backlog = Table(
        "backlog",
        _("Essays waiting for a grader, by how long they have waited"),
        [
            _("Institution"),
            _("Waiting"),
            _("Less than a day"),
            _("A day or more, within the service level"),
            _("Past the service level"),
            _("Oldest waits (days)"),
        ],
        [
            [b.institution.name, b.waiting, b.under_a_day, b.within_service_level, b.overdue, b.oldest_age_days(now)]
            for b in waiting
        ],
        source=papers.BacklogFigure,
    )
    return Figures(
        [attempts, scores, backlog],
        {
            "attempts_chart": count_chart(_("Attempts per paper"), [(str(r[0]), r[-1]) for r in attempts.rows]),
            "histogram": Histogram(title=_("Score distribution"), labels=labels, counts=counts),
            "backlog_chart": count_chart(
                _("Essays waiting, by institution"), [(b.institution.name, b.waiting) for b in waiting]
            ),
        },
    )


exams_page = figure_page(
    "supervision/_exams.html",
    title=_lazy("Exams"),
    section="supervision:exams",
    build=_exams,
)


# --- institutions side by side (the program office) ---------------------------------------------------


def _grouped(group: str, *headings: tuple[str, str | None]) -> list[Heading]:
    """Columns under one heading on the page: each (its heading in the downloads, its short one below
    the group's on the page, None for the same)."""
    return [Heading(text, short, group=group) for text, short in headings]


def _rate_headings(rate: str) -> list[tuple[str, str | None]]:
    """A rate's columns under a group's heading: "%" and its interval's bounds, "low" and "high"."""
    low, high = _rate_columns(rate)[1:]
    return [
        (rate, "%"),
        (low, pgettext("bound of a 95 % interval", "low")),
        (high, pgettext("bound of a 95 % interval", "high")),
    ]


def _institutions(request: HttpRequest, viewer: Viewer) -> Figures:
    scope = _scope(viewer)
    rates = {r.key: r for r in pass_rates.by(scope, "institution")}
    completion = {r.key: r for r in training.completion_by_institution(scope)}
    waiting = {b.institution.pk: b for b in papers.backlog(scope)}
    today, now = timezone.localdate(), timezone.now()
    institutions = scope.filter(Institution.objects.order_by("code"), "pk")
    rows: list[Sequence[Any]] = []
    rate_rows, completion_rows = [], []
    for institution in institutions:
        rate = rates.get(institution.pk)
        first = rate.first if rate else Rate(0, 0)
        done = completion.get(institution.pk)
        done_rate = done.completion if done else Rate(0, 0)
        backlog = waiting.get(institution.pk)
        rows.append(
            [
                institution.name,
                first.n,
                *first.cells(),
                done_rate.n,
                done_rate.successes,
                *done_rate.cells(),
                backlog.waiting if backlog else 0,
                backlog.overdue if backlog else 0,
                backlog.oldest_age_days(now) if backlog else "",
                institution.authorized_until,
                (institution.authorized_until - today).days,
            ]
        )
        rate_rows.append((institution.name, first))
        completion_rows.append((institution.name, done_rate))
    table = Table(
        "institutions",
        _("Institutions side by side"),
        [
            _("Institution"),
            *_grouped(
                _("First-attempt pass rate"),
                (_pairs_column(), None),
                *_rate_headings(_("First-attempt pass rate (%)")),
            ),
            *_grouped(
                _("Completion"),
                (_("Enrolments admitted"), _("Admitted")),
                (_("Enrolments completed"), _("Completed")),
                *_rate_headings(_("Completion rate (%)")),
            ),
            *_grouped(
                _("Essays waiting"),
                (_("Essays waiting"), _("All")),
                (_("Past the service level"), _("Overdue")),
                (_("Oldest waits (days)"), _("Oldest (days)")),
            ),
            *_grouped(
                _("Authorization"),
                (_("Authorized until"), _("Until")),
                (_("Days of authorization left"), _("Days left")),
            ),
        ],
        rows,
        source=Institution,  # one row per institution, read from the pass-rate, training and backlog figures
    )
    return Figures(
        [table],
        {
            "pass_chart": rate_chart(_("First-attempt pass rate by institution"), rate_rows),
            "completion_chart": rate_chart(_("Completion rate by institution"), completion_rows),
        },
    )


institutions_page = figure_page(
    "supervision/_institutions.html",
    title=_lazy("Institutions side by side"),
    section="supervision:institutions",
    build=_institutions,
    office_only=True,
)


# --- cohorts and their exports --------------------------------------------------------------------------

COHORTS_PER_PAGE = 25


@login_required
@require_GET
def cohorts_page(request: HttpRequest) -> HttpResponse:
    """The viewer's cohorts with their exports, and the expiring certificates' form: kept in the
    cache like a figure page's, under the edition of the cohorts and of the institutions."""
    viewer = viewer_of(request)
    title = _("Cohorts and exports")

    def context() -> dict[str, Any]:
        cohorts = with_names(exports.cohorts_of(viewer), "pk", "code", "status")
        page = Paginator(cohorts, COHORTS_PER_PAGE).get_page(request.GET.get("page"))
        return {"page": page, "rows_html": _cohort_rows(page), "form_html": _blank_expiring_form()}

    content = cached_content(
        request,
        viewer,
        "supervision/_cohorts.html",
        title=title,
        section="supervision:cohorts",
        context=context,
        varies_on=("page",),
        lists_cohorts=True,
    )
    return render(request, "supervision/base.html", {"title": title, "content_html": content})


def _cohort_rows(page: Any) -> SafeString:
    """The page's cohorts with their four download links, written in Python from a few columns (a
    reverse() per link, five model instances a cohort and a template loop cost a page of 50 cohorts
    more than the rest of it)."""
    results = url_pattern("supervision:cohort_results")
    progress = url_pattern("supervision:cohort_progress")
    statuses = {value: str(label) for value, label in Cohort.Status.choices}
    parts = []
    for cohort in page.object_list:
        links = [escape(url_of(cohort["pk"])) for url_of in (results, progress)]
        parts.append(
            f"<tr><td>{cell(cohort_name(cohort))}</td><td>{cell(cohort['code'])}</td>"
            f"<td>{cell(statuses.get(cohort['status'], cohort['status']))}</td>"
            + "".join(
                f'<td><a href="{link}?format=csv">CSV</a> · <a href="{link}?format=xlsx">XLSX</a></td>'
                for link in links
            )
            + "</tr>"
        )
    return mark_safe("".join(parts))


def _blank_expiring_form() -> SafeString:
    """The expiring certificates' fields as first shown (the next 90 days)."""
    return mark_safe(
        render_to_string("supervision/_expiring_fields.html", {"form": ExpiringForm(initial=_next_90_days())})
    )


def _next_90_days(today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {"valid_from": today, "valid_to": today + datetime.timedelta(days=90), "format": "csv"}


def _cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    """The viewer's cohort, or 404: another institution's looks like one that does not exist, and
    the trail notes the refusal (as for another owner's certificate or admin row)."""
    viewer = viewer_of(request)
    cohort = exports.cohorts_of(viewer).filter(pk=cohort_id).first()
    if cohort is not None:
        return cohort
    if not viewer.is_office:  # the office narrowed to one institution is refused nothing
        theirs = Cohort.objects.filter(pk=cohort_id).first()
        if theirs is not None:
            audit.record_refused_request(
                request, detail={"status": 404, "model": Cohort._meta.label, "object_id": str(cohort_id)}, target=theirs
            )
    raise Http404


def _cohort_export(request: HttpRequest, cohort_id: int, build: Callable[[Cohort], Table]) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    fmt = requested_format(request)
    table = build(cohort)
    return download(table, fmt, f"{table.name}-{cohort.code}", cohort=cohort)


@never_cache  # a file of people's names and results: kept by no cache, shared or the browser's
@login_required
@require_GET
def cohort_results(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _cohort_export(request, cohort_id, exports.cohort_results)


@never_cache
@login_required
@require_GET
def cohort_progress(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _cohort_export(request, cohort_id, exports.cohort_progress)


@never_cache
@login_required
@require_GET
def expiring(request: HttpRequest) -> HttpResponse:
    """The certificates expiring in a period (the form on the cohorts page): the download, or the
    form again with what is wrong (400)."""
    viewer = viewer_of(request)
    title = _("Certificates expiring in a period")
    if not request.GET:  # the form as first shown, the same for every reader on a day
        content = cached_content(
            request,
            viewer,
            "supervision/_expiring_form.html",
            title=title,
            section="supervision:cohorts",
            context=lambda: {"form_html": _blank_expiring_form()},
        )
        return render(request, "supervision/base.html", {"title": title, "content_html": content})
    form = ExpiringForm(request.GET, initial=_next_90_days())
    if form.is_valid():
        data = form.cleaned_data
        starts, ends, fmt = data["valid_from"], data["valid_to"], data["format"]
        return download(
            exports.expiring_certificates(_scope(viewer), starts, ends),
            fmt,
            f"certificates-expiring-{starts}-{ends}",
            period=(starts, ends),
            institution_id=viewer.institution_id,
        )
    response = render_page(
        request,
        viewer,
        "supervision/expiring.html",
        title=title,
        section="supervision:cohorts",
        context={"form": form},
    )
    response.status_code = 400
    return response
