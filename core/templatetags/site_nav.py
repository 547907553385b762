"""``{% site_nav %}``: the site's navigation bar, rendered once per kind of visitor; ``{% static_asset %}``:
``{% static %}``'s URL of a file of the frame, looked up once.

Its links (a ``reverse`` each) and the language form cost a page about as much as the rest of
``base.html``. Between two requests of the same language, script prefix and kind of visitor
(anonymous, trainee, staff, and the sections they may open) only the CSRF token and the path the
language form returns to differ, so the bar is rendered once with a slot for each and they are
filled in per request.

A section that only some visitors may open (the supervision area) is offered only to them: its app
registers who may open it with :func:`register_section` (the kernel knows no app), and the same
rule refuses everyone else at the door, so the bar never offers a link that answers 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_TOKEN_SLOT = "csrf-token-slot-5b1d0c"
_NEXT_SLOT = "next-path-slot-5b1d0c"

# Section name -> whether a signed-in user may open it (``_nav_items.html`` reads the names).
_SECTIONS: dict[str, Callable[[Any], bool]] = {}


def register_section(name: str, may_open: Callable[[Any], bool]) -> None:
    """Offer the bar's link to section ``name`` only to signed-in users for whom ``may_open(user)`` holds.

    ``may_open`` runs on every page, so it must be cheap: read what the session loaded with the user.
    """
    _SECTIONS[name] = may_open


def sections_of(user: Any) -> tuple[str, ...]:
    """The registered sections ``user`` may open, in name order (none for a visitor)."""
    if not user.is_authenticated:
        return ()
    return tuple(sorted(name for name, may_open in _SECTIONS.items() if may_open(user)))


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> SafeString:
    request = context.get("request")
    user: Any = context.get("user")
    if request is None or user is None:  # an error page rendered without a request's context
        return mark_safe(render_to_string("_site_nav.html", context.flatten()))
    kind = (bool(user.is_authenticated), bool(user.is_authenticated and user.is_staff), sections_of(user))
    if settings.DEBUG:  # templates change under runserver: render afresh
        bar = _render(get_language() or "", get_script_prefix(), *kind)
    else:
        bar = _rendered(get_language() or "", get_script_prefix(), *kind)
    # The render's own token (the csrf context processor's, shared with the page's {% csrf_token %}s): one
    # masking of the secret per page rather than one more for the bar (0.5 M instructions each, issue 20).
    token = context.get("csrf_token") or get_token(request)
    return mark_safe(
        bar.replace(_TOKEN_SLOT, conditional_escape(str(token))).replace(
            _NEXT_SLOT, conditional_escape(request.get_full_path())
        )
    )


class _Visitor:
    """What ``_nav_items.html`` reads of the user: whether signed in, whether staff, and the sections
    they may open (:func:`register_section`)."""

    def __init__(self, is_authenticated: bool, is_staff: bool, sections: tuple[str, ...]) -> None:
        self.is_authenticated = is_authenticated
        self.is_staff = is_staff
        self.sections = sections


def _render(
    language: str, script_prefix: str, is_authenticated: bool, is_staff: bool, sections: tuple[str, ...]
) -> str:
    # The language and the script prefix are the active ones: they are in the key, not read here.
    return render_to_string(
        "_site_nav.html",
        {
            "user": _Visitor(is_authenticated, is_staff, sections),
            "csrf_token": _TOKEN_SLOT,
            "next_path": _NEXT_SLOT,
        },
    )


_rendered = functools.lru_cache(maxsize=64)(_render)


@register.simple_tag
def static_asset(path: str) -> str:
    """``{% static path %}`` for the files every page links (``base.html``): the manifest's URL looked up once
    per process (0.13 M instructions a link otherwise, issue 20). The manifest is fixed once the process runs;
    with DEBUG on, files are served as they change and every lookup is made afresh."""
    if settings.DEBUG:
        return static(path)
    return _static_url(path)


_static_url = functools.lru_cache(maxsize=64)(static)
