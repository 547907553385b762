"""The item analysis page (program office only): summary rows only, a fixed number of queries."""

from __future__ import annotations

from html import escape
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils.formats import get_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.converters import parse_id
from core.display import url_pattern
from exams.models import QuestionType

from .access import Viewer
from .charts import Bar, BarChart, Histogram
from .figures import items as figures
from .html import cell, rows_html
from .pages import Figures, figure_page
from .tables import Table


def _r(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else f"{text[: length - 1]}…"


def _not_enough(n: int) -> str:
    return _("not enough responses (%(n)s of %(minimum)s)") % {"n": n, "minimum": settings.SUPERVISION_MIN_RESPONSES}


def _option_text(option: Any, language: str) -> str:
    if not isinstance(option, dict):
        return str(option)
    return str(option.get("en" if language == "en" else "zh") or option.get("zh") or option.get("key", ""))


def _letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else str(position + 1)


def _items(request: HttpRequest, viewer: Viewer) -> Figures:
    language = get_language() or "zh-hant"
    papers = list(figures.paper_statistics())
    chosen = _chosen_paper(request, papers)
    flagged_only = request.GET.get("flagged") == "1"
    papers_table = Table(
        "papers",
        _("Papers"),
        [
            _("Course"),
            _("Attempts"),
            _("Question versions"),
            _("Questions per attempt"),
            _("Reliability"),
            _("Alpha"),
            _("SEM (points)"),
            _("Mean score"),
            _("Maximum score"),
            _("Flagged question versions"),
            _("Note"),
        ],
        source=figures.PaperStatistic,
        national=True,
    )
    for stats in papers:
        ok = figures.enough(stats.attempts)
        papers_table.rows.append(
            [
                str(stats.paper.course),
                stats.attempts,
                stats.items,
                _r(stats.items_per_attempt, 1),
                (_("KR-20") if stats.dichotomous else _("Cronbach's alpha")),
                _r(stats.alpha) if ok else None,
                _r(stats.sem, 2) if ok else None,
                _r(stats.mean_score, 2) if ok else None,
                _r(stats.max_score, 2),
                stats.flagged_items,
                "" if ok else _not_enough(stats.attempts),
            ]
        )
    page_tables = [papers_table]
    context: dict[str, Any] = {
        "papers": papers,
        "paper": chosen,
        "flagged_only": flagged_only,
        "flag_rules": list(figures.FLAG_RULES.values()),
        "minimum": settings.SUPERVISION_MIN_RESPONSES,
    }
    if chosen is not None:
        page_tables += _paper_tables(request, chosen, flagged_only, language, context)
    return Figures(page_tables, context)


items = figure_page(
    "supervision/_items.html",
    title=_lazy("Item analysis"),
    section="supervision:items",
    build=_items,
    office_only=True,
    varies_on=("paper", "flagged", "page"),
)


def _chosen_paper(request: HttpRequest, papers: list[figures.PaperStatistic]) -> figures.PaperStatistic | None:
    raw = request.GET.get("paper", "")
    if not raw:
        return papers[0] if papers else None
    paper_id = parse_id(raw)  # "²", "x" or 5,000 digits: no paper has that id
    found = next((p for p in papers if p.paper_id == paper_id), None) if paper_id else None
    if found is None:
        raise Http404
    return found


# The page shows this many question versions (and their options) at a time; the downloads have them all.
ITEMS_PER_PAGE = 25


def _paper_tables(
    request: HttpRequest, stats: figures.PaperStatistic, flagged_only: bool, language: str, context: dict[str, Any]
) -> list[Table]:
    enough_attempts = figures.enough(stats.attempts)
    labels = [f"{10 * i}–{10 * (i + 1)} %" for i in range(10)]
    counts = [int(c) for c in stats.histogram] if stats.histogram else [0] * 10
    histogram_table = Table(
        "scores",
        _("Score distribution"),
        [_("Share of the maximum score"), _("Attempts")],
        [[label, count] for label, count in zip(labels, counts, strict=True)],
        source=figures.PaperStatistic,
        paper=stats.paper,
        national=True,
    )
    filters = {"flagged": True} if flagged_only else {}  # the question versions (and options) the page shows
    # A download has every row, the page a page. A download's rows also carry the question version's id and
    # family (to find it in the question bank) and their whole texts, which the page shortens.
    downloading = request.GET.get("download") in ("items", "options")
    identity = [_("Question ID"), _("Question family")] if downloading else []
    items_table = Table(
        "items",
        _("Question versions"),
        [
            *identity,
            _("Question"),
            _("Version"),
            _("Type"),
            _("Times shown"),
            _("Exposure rate"),
            _("Blank rate"),
            _("Facility"),
            _("Discrimination"),
            _("Upper–lower index"),
            _("Flags"),
            _("Note"),
        ],
        source=figures.ItemStatistic,
        paper=stats.paper,
        filters=filters,
        national=True,
    )
    options_table = Table(
        "options",
        _("Options"),
        [
            *identity,
            _("Question"),
            _("Version"),
            _("Option"),
            _("Text"),
            _("Correct"),
            _("Chosen"),
            _("Choice rate"),
            _("Discrimination"),
            _("Chosen by the upper 27 %"),
            _("Chosen by the lower 27 %"),
        ],
        source=figures.OptionStatistic,
        paper=stats.paper,
        filters=filters,
        national=True,
    )
    item_rows = []
    flag_counts = figures.flag_counts(stats.paper_id)
    # Values, not model instances: the page reads a few columns of each row and of its question.
    shown: Any = figures.item_statistics(paper_id=stats.paper_id, flagged_only=flagged_only).values(
        *figures.ITEM_COLUMNS, text=F("question__text_en" if language == "en" else "question__text_zh")
    )
    page = None
    if not downloading:
        page = Paginator(shown, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
        shown = page.object_list
    question_admin_url = url_pattern("admin:exams_question_change")
    rows = list(shown)
    options_of = figures.option_values([row["id"] for row in rows])
    type_labels = {value: str(label) for value, label in QuestionType.choices}
    rules = {code: str(rule) for code, rule in figures.FLAG_RULES.items()}
    yes = _("yes")
    for row in rows:
        responses = row["responses"]
        ok = figures.enough(responses)
        flags = [rules[code] for code in row["flags"] if code in rules]
        text = row["text"] if downloading else _short(row["text"])
        version = row["question__version"]
        question = [row["question_id"], str(row["question__family"])] if downloading else []
        cells = [
            *question,
            text,
            version,
            type_labels.get(row["question__question_type"], row["question__question_type"]),
            responses,
            _r(row["exposure_rate"]),
            _r(row["blank_rate"]),
            _r(row["facility"]) if ok else None,
            _r(row["discrimination"]) if ok else None,
            _r(row["upper_lower"]) if ok else None,
            "; ".join(flags),
            "" if ok else _not_enough(responses),
        ]
        items_table.rows.append(cells)
        options = []
        texts = row["question__options"] or []
        for position, is_key, chosen, choice_rate, discrimination, upper, lower in options_of.get(row["id"], ()):
            raw = texts[position] if position < len(texts) else {}
            option_text = _option_text(raw, language)
            option_cells = [
                *question,
                text,
                version,
                _letter(position),
                option_text if downloading else _short(option_text, 60),
                yes if is_key else "",
                chosen,
                _r(choice_rate) if ok else None,
                _r(discrimination) if ok else None,
                upper,
                lower,
            ]
            options_table.rows.append(option_cells)
            options.append(option_cells)
        question_id = row["question_id"]
        item_rows.append(
            {
                "cells": cells,
                "flags": flags,
                "options": options,
                "pk": question_id,
                "admin_url": question_admin_url(question_id),
                "status": row["question__status"],
            }
        )
    query = {"paper": stats.paper_id, **({"flagged": 1} if flagged_only else {})}
    context.update(
        paper_query=f"{urlencode(query)}&",
        histogram=Histogram(_("Attempts by share of the maximum score"), labels, counts) if enough_attempts else None,
        flag_chart=BarChart(
            _("Flagged question versions by rule"),
            [
                Bar(str(name), float(flag_counts[code]), str(flag_counts[code]))
                for code, name in figures.FLAG_NAMES.items()
            ],
        ),
        item_rows=item_rows,
        items_html=_items_html(item_rows),
        items_empty=_("No flagged question version.") if flagged_only else _("Nothing to show yet."),
        options_html=rows_html(options_table.rows, none="—"),
        items_page=page,
        enough_attempts=enough_attempts,
        not_enough_attempts=_not_enough(stats.attempts),
    )
    return [histogram_table, items_table, options_table]


def _items_html(item_rows: list[dict[str, Any]]) -> SafeString:
    """The question versions' rows (a flagged one highlighted, with its link to admin), in Python."""
    parts = []
    separator = get_format("DECIMAL_SEPARATOR")
    for row in item_rows:
        link = _("question %(number)s in admin") % {"number": row["pk"]}
        parts.append('<tr class="table-warning">' if row["flags"] else "<tr>")
        parts.extend("<td>—</td>" if value is None else f"<td>{cell(value, separator)}</td>" for value in row["cells"])
        parts.append(f'<td><a href="{escape(row["admin_url"])}">{escape(link)}</a></td></tr>')
    return mark_safe("".join(parts))
