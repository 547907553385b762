"""What every supervision page shares: the viewer, the section tabs, the institution filter, the
downloads of its tables, and when its figures were computed; and the figure pages' cache.

A figure page (pass rates, training, …) shows only what the last recomputation wrote, so its
figures are rendered once per edition of the summary tables, viewer's scope and language, and
kept in the shared cache; the page around them (the tabs, the filter, the signed-in user) is
rendered for each request. Names read from the live tables (a renamed cohort) and the day's
arithmetic (days left, oldest waits) are at most ``FIGURES_CACHE_SECONDS`` old.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.bilingual import in_current_language
from accounts.models import Institution

from . import selectors, tables
from .access import Viewer, require_office, viewer_of
from .figures.statistics import min_responses
from .html import cell


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str | Promise
    office_only: bool = False


# The tabs, in order; each figure family adds its page here.
SECTIONS: list[Section] = [
    Section("supervision:index", _("Overview")),
    Section("supervision:pass_rates", _("Pass rates")),
    Section("supervision:training", _("Training")),
    Section("supervision:certificates", _("Certificates")),
    Section("supervision:exams", _("Exams")),
    Section("supervision:institutions", _("Institutions side by side"), office_only=True),
    Section("supervision:cohorts", _("Cohorts and exports")),
    Section("supervision:items", _("Item analysis"), office_only=True),
]


def sections_for(viewer: Viewer) -> list[dict[str, Any]]:
    return [dict(section) for section in _sections(get_language() or "", get_script_prefix(), viewer.is_office)]


@functools.lru_cache(maxsize=64)
def _sections(language: str, script_prefix: str, is_office: bool) -> tuple[dict[str, Any], ...]:
    """The tabs' URLs, reversed once per language (and script prefix) rather than on every page."""
    return tuple(
        {"url": reverse(s.url_name), "label": s.label, "name": s.url_name}
        for s in SECTIONS
        if is_office or not s.office_only
    )


def _institution_options(viewer: Viewer) -> SafeString:
    """The office's filter: ``<option>`` per institution, by code (one query for the three columns)."""
    if not viewer.is_office:
        return mark_safe("")
    chosen = viewer.institution_id
    return mark_safe(
        "".join(
            f'<option value="{pk}"{" selected" if pk == chosen else ""}>{cell(in_current_language(zh, en))}</option>'
            for pk, zh, en in Institution.objects.order_by("code").values_list("pk", "name_zh", "name_en")
        )
    )


def _page_context(viewer: Viewer) -> dict[str, Any]:
    """What the page around the figures and the figures themselves both read."""
    keep = {"institution": viewer.institution_id} if viewer.is_office and viewer.institution_id else {}
    return {
        "viewer": viewer,
        "query_prefix": f"{urlencode(keep)}&" if keep else "",
        "min_responses": min_responses(),
        "marking_days": settings.EXAM_ESSAY_MARKING_DAYS,
    }


def render_page(
    request: HttpRequest,
    viewer: Viewer,
    template: str,
    *,
    title: str | Promise,
    section: str,
    page_tables: Sequence[tables.Table] = (),
    context: dict[str, Any] | None = None,
    state: selectors.FiguresState | None = None,
) -> HttpResponse:
    """The page, or the download of one of its tables when the request asks for one."""
    download = tables.download(request, page_tables, filename_prefix=f"{section.rsplit(':', maxsplit=1)[-1]}")
    if download is not None:
        return download
    return render(
        request,
        template,
        {
            **_page_context(viewer),
            "title": title,
            "section": section,
            "sections": sections_for(viewer),
            "institution_options": _institution_options(viewer),
            "figures_at": (state or selectors.figures_state()).computed_at,
            "tables": {t.name: t for t in page_tables},
            **(context or {}),
        },
    )


@dataclass
class Figures:
    """A figure page's tables (shown, and downloaded) and what its template reads besides."""

    tables: list[tables.Table]
    context: dict[str, Any] = field(default_factory=dict)


# How long rendered figures are kept; a new edition of the summaries replaces them at once.
FIGURES_CACHE_SECONDS = 600
# A query value longer than this is not a choice the page offers: such a page is built, not cached.
_LONGEST_CACHED_VALUE = 20


def render_figures(
    request: HttpRequest,
    viewer: Viewer,
    template: str,
    *,
    title: str | Promise,
    section: str,
    build: Callable[[], Figures],
    varies_on: Sequence[str] = (),
) -> HttpResponse:
    """A figure page: ``template`` (the figures alone) rendered from ``build()`` once per edition,
    scope, language and the query values ``varies_on`` names, inside the page around them.

    A download builds the tables afresh. A request that ``build`` refuses (a 404 for a paper that
    does not exist) raises before anything is cached, so a cached key was a valid request.
    """
    state = selectors.figures_state()
    if "download" in request.GET:
        figures = build()
        return render_page(request, viewer, template, title=title, section=section, page_tables=figures.tables)
    key = _figures_key(request, viewer, section, state, varies_on)
    html = cache.get(key) if key else None
    if html is None:
        figures = build()
        html = render_to_string(
            template,
            {**_page_context(viewer), "tables": {t.name: t for t in figures.tables}, **figures.context},
            request,
        )
        if key:
            cache.set(key, html, FIGURES_CACHE_SECONDS)
    return render_page(
        request,
        viewer,
        "supervision/base.html",
        title=title,
        section=section,
        state=state,
        context={"figures_html": mark_safe(html)},
    )


def figure_page(
    template: str,
    *,
    title: str | Promise,
    section: str,
    build: Callable[[HttpRequest, Viewer], Figures],
    office_only: bool = False,
    varies_on: Sequence[str] = (),
) -> Callable[[HttpRequest], HttpResponse]:
    """The view of a figure page: signed-in staff with a supervision role (the program office alone
    if ``office_only``), GET only, ``build``'s figures through :func:`render_figures`."""

    @login_required
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        viewer = viewer_of(request)
        if office_only:
            require_office(viewer)
        return render_figures(
            request,
            viewer,
            template,
            title=title,
            section=section,
            build=lambda: build(request, viewer),
            varies_on=varies_on,
        )

    return view


def _figures_key(
    request: HttpRequest, viewer: Viewer, section: str, state: selectors.FiguresState, varies_on: Sequence[str]
) -> str | None:
    values = [request.GET.get(name, "") for name in varies_on]
    if any(len(value) > _LONGEST_CACHED_VALUE for value in values):
        return None
    parts = [
        section,
        get_language() or "",
        get_script_prefix(),
        "office" if viewer.is_office else "institution",
        str(viewer.institution_id or ""),
        state.edition,
        timezone.localdate().isoformat(),
        str(min_responses()),
        str(settings.EXAM_ESSAY_MARKING_DAYS),
        *values,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"supervision:figures:{digest}"
