"""``{% sv_table table query_prefix %}``, ``{% sv_chart chart "chart-id" %}`` and
``{% sv_part "name" _("Title") chart table query_prefix %}``: a supervision table, chart, or part of a
figure page (a section with its heading, chart and table) written in Python (``supervision/html.py``),
at a fraction of an ``{% include %}``'s cost."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from supervision.html import chart_html, part_html, table_html

register = template.Library()


@register.simple_tag
def sv_table(table: Any, query_prefix: str = "") -> SafeString:
    return table_html(table, query_prefix or "")


@register.simple_tag
def sv_chart(chart: Any, chart_id: str) -> SafeString:
    return chart_html(chart, chart_id)


@register.simple_tag
def sv_part(name: str, title: str, chart: Any, table: Any, query_prefix: str = "") -> SafeString:
    return part_html(name, title, chart, table, query_prefix or "")
