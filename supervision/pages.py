"""What every supervision page shares: the viewer, the section tabs, the institution filter, the
downloads of its tables, and when its figures were computed; and the pages' cache.

A page shows only what the last recomputation wrote (and the institutions' and cohorts' names),
so its header (the tabs, the institution filter) and figures or lists are rendered once per
edition of the summary tables, institutions and cohorts, viewer's scope and language, and kept in
the shared cache (:func:`cached_content`); the page around them (the site's navigation, the
signed-in user, messages, the overview's recomputation progress) is rendered for each request.
Names read through other tables (a renamed tier, an institution renamed by a bulk update that
leaves its ``updated_at``) and the day's arithmetic (days left, oldest waits) are at most
``FIGURES_CACHE_SECONDS`` old.
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
from django.utils.text import slugify
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


def _institution_options(viewer: Viewer, state: selectors.FiguresState) -> SafeString:
    """The office's filter: ``<option>`` per institution, by code, the shown one selected; the list
    read and written once per edition of the institutions and language."""
    if not viewer.is_office:
        return mark_safe("")
    key = f"supervision:institutions:{get_language()}:{state.institutions}"
    options = cache.get(key)
    if options is None:
        options = [
            (pk, f'<option value="{pk}"', f">{cell(in_current_language(zh, en))}</option>")
            for pk, zh, en in Institution.objects.order_by("code").values_list("pk", "name_zh", "name_en")
        ]
        cache.set(key, options, FIGURES_CACHE_SECONDS)
    chosen = viewer.institution_id
    return mark_safe("".join(f"{start}{' selected' if pk == chosen else ''}{end}" for pk, start, end in options))


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
) -> HttpResponse:
    """The page, or the download of one of its tables when the request asks for one."""
    requested = tables.requested_table(request, page_tables)
    if requested is not None:
        table, fmt = requested
        return tables.download(
            table,
            fmt,
            slugify(f"{section.rsplit(':', maxsplit=1)[-1]}-{table.name}"),
            report=section,
            institution_id=viewer.institution_id,
        )
    return render(
        request,
        template,
        {
            **_header_context(viewer, selectors.figures_state(), title=title, section=section),
            "tables": {t.name: t for t in page_tables},
            **(context or {}),
        },
    )


def _header_context(
    viewer: Viewer, state: selectors.FiguresState, *, title: str | Promise, section: str
) -> dict[str, Any]:
    """What the header of every supervision page (``supervision/_header.html``) reads."""
    return {
        **_page_context(viewer),
        "title": title,
        "section": section,
        "sections": sections_for(viewer),
        "institution_options": _institution_options(viewer, state),
        "figures_at": state.computed_at,
    }


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
    """A figure page: its header and ``template`` (the figures) rendered from ``build()`` once per
    edition of the figures and of the institutions, scope, language and the query values
    ``varies_on`` names, inside the page around them (the site's navigation, messages).

    A download builds the tables afresh. A request that ``build`` refuses (a 404 for a paper that
    does not exist) raises before anything is cached, so a cached key was a valid request.
    """
    if "download" in request.GET:
        figures = build()
        return render_page(request, viewer, template, title=title, section=section, page_tables=figures.tables)

    def figures_context() -> dict[str, Any]:
        figures = build()
        return {"tables": {t.name: t for t in figures.tables}, **figures.context}

    content = cached_content(
        request, viewer, template, title=title, section=section, context=figures_context, varies_on=varies_on
    )
    return render(request, "supervision/base.html", {"title": title, "content_html": content})


def cached_content(
    request: HttpRequest,
    viewer: Viewer,
    template: str,
    *,
    title: str | Promise,
    section: str,
    context: Callable[[], dict[str, Any]],
    varies_on: Sequence[str] = (),
    lists_cohorts: bool = False,
) -> SafeString:
    """A page's header and ``template`` rendered with ``context()``, or as kept in the cache for
    this edition of the figures and of the institutions (and of the cohorts, for a page that
    ``lists_cohorts``), scope, language and ``varies_on`` values."""
    state = selectors.figures_state()
    key = _content_key(
        request, viewer, template, state, varies_on=varies_on, cohorts=state.cohorts if lists_cohorts else ""
    )
    html = cache.get(key) if key else None
    if html is None:
        header = _header_context(viewer, state, title=title, section=section)
        html = render_to_string("supervision/_header.html", header) + render_to_string(
            template, {**header, **context()}, request
        )
        if key:
            cache.set(key, html, FIGURES_CACHE_SECONDS)
    return mark_safe(html)


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


def _content_key(
    request: HttpRequest,
    viewer: Viewer,
    template: str,
    state: selectors.FiguresState,
    *,
    varies_on: Sequence[str],
    cohorts: str,
) -> str | None:
    values = [request.GET.get(name, "") for name in varies_on]
    if any(len(value) > _LONGEST_CACHED_VALUE for value in values):
        return None
    parts = [
        template,
        get_language() or "",
        get_script_prefix(),
        "office" if viewer.is_office else "institution",
        str(viewer.institution_id or ""),
        state.edition,
        state.institutions,
        cohorts,
        str(state.computed_at),
        timezone.localdate().isoformat(),
        str(min_responses()),
        str(settings.EXAM_ESSAY_MARKING_DAYS),
        *values,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"supervision:figures:{digest}"
