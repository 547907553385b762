"""What every supervision page shares: the viewer, the section tabs, the institution filter, the
downloads of its tables, and when its figures were computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution

from . import selectors, tables
from .access import Viewer


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
    return [
        {"url": reverse(s.url_name), "label": s.label, "name": s.url_name}
        for s in SECTIONS
        if viewer.is_office or not s.office_only
    ]


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
            "institutions": Institution.objects.order_by("code") if viewer.is_office else Institution.objects.none(),
            "query_prefix": f"{urlencode(keep)}&" if keep else "",
            "figures_run": selectors.last_finished_run(),
            "tables": {t.name: t for t in page_tables},
            **(context or {}),
        },
    )
