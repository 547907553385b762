"""A fixed-window counter in the cache, for the limits on anonymous requests (verify look-ups,
verification mails, API token requests)."""

from __future__ import annotations

from django.core.cache import cache


def counted(key: str, *, window_seconds: int) -> int:
    """Count one more under ``key``; how many this window has seen (its first one starts it)."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more request under ``key``; whether this window has now seen more than ``limit``."""
    return counted(key, window_seconds=window_seconds) > limit
