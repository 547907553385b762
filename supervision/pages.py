"""What every supervision page shares: the viewer, the section tabs, the institution filter, the
downloads of its tables, and when its figures were computed."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.bilingual import in_current_language
from accounts.models import Institution

from . import selectors, tables
from .access import Viewer
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
    download = tables.download(request, page_tables, filename_prefix=f"{section.rsplit(':', maxsplit=1)[-1]}")
    if download is not None:
        return download
    keep = {"institution": viewer.institution_id} if viewer.is_office and viewer.institution_id else {}
    return render(
        request,
        template,
        {
            "title": title,
            "viewer": viewer,
            "section": section,
            "sections": sections_for(viewer),
            "institution_options": _institution_options(viewer),
            "query_prefix": f"{urlencode(keep)}&" if keep else "",
            "figures_run": selectors.last_finished_run(),
            "tables": {t.name: t for t in page_tables},
            **(context or {}),
        },
    )
