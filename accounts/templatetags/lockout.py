"""What the lock-out page (``AXES_LOCKOUT_TEMPLATE``) needs of django-axes' context."""

from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(duration: timedelta | None) -> int:
    """``cooloff_timedelta`` (``AXES_COOLOFF_TIME``) in minutes, rounded up: the page says how long the wait is."""
    if not duration:
        return 0
    return -(-int(duration.total_seconds()) // 60)
