"""A fixed-window counter in the cache, for the limits on anonymous requests (verify look-ups,
verification mails, API token requests)."""

from __future__ import annotations

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more request under ``key``; whether this window has now seen more than ``limit``."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count > limit
