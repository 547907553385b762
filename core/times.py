"""Moments as people read them."""

from __future__ import annotations

import datetime

from django.utils import timezone


def local_with_offset(moment: datetime.datetime) -> str:
    """``2026-12-03 14:05 (UTC+08:00)``: the site's time zone, with its offset so that it matches UTC logs."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    offset = local.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{local:%Y-%m-%d %H:%M} (UTC{sign}{hours:02d}:{minutes:02d})"
