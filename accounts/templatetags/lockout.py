"""What the lock-out page (``AXES_LOCKOUT_TEMPLATE``) says: :func:`accounts.lockout.lock_out_words`, the words the
passkey step says too."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.lockout import LockOutWords, lock_out_words

register = template.Library()


@register.simple_tag(takes_context=True)
def lock_out_words_for(context: Any) -> LockOutWords:
    """The words for the request and the account of django-axes' context (``username``, as it counts it)."""
    return lock_out_words(context.get("request"), {"username": context.get("username") or ""})
