"""What a narrow screen must not break: a figure and its unit ("8 h", "8 課時", "1 day"), a date, a cohort's month.

One way, a ``text-nowrap`` span (Bootstrap's ``white-space: nowrap``), for two kinds of text:

* ``{{ value|nowrap }}`` (:func:`nowrap`) keeps a whole short text on one line: a figure with its unit as a
  filter or tag writes it (``{{ hours|class_hours|nowrap }}``), a date.
* ``{% filter keep_figures %}…{% endfilter %}`` (:func:`keep_figures`) is for a sentence, where the figure is a
  placeholder and its unit is in the translation ("10 of 56 hours done", "應修 56 課時"): each figure is kept on
  one line with the unit after it, and the sentence breaks anywhere else.

:func:`keep_together` joins the words of one part of a plain text (a cohort name's "December 2026") by no-break
spaces, for a text that cannot hold markup.
"""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NBSP = "\u00a0"

# A tag (left as it is), or a figure, the spaces after it and its unit: in a language written with spaces the
# word that follows ("h", "days", "seats"; "class hours" is one unit); in Chinese, written without them, a unit of
# two characters (課時, 小時, 分鐘) or else the one character that follows (天, 個, 人, 題); a "%" after a space
# ("27 %"). A figure joined to its word by a hyphen ("the 60-minute clock") is kept too: a browser breaks a line
# after a hyphen, and before a "%" after a space. A separator ("·", "/", "+"), a word such as "of" ("8 of 40 h":
# the unit is after the 40) or another figure is no unit.
_TAG_OR_FIGURE = re.compile(
    r"(<[^>]*>)"
    r"|(?<![\w.,-])\d+(?:[.,]\d+)*(?: +|-(?=[^\W\d_]))"
    r"(?:(?:class|clock) hours?\b|課時|小時|分鐘|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|%"
    r"|(?!(?:of|to|and|or)\b)[^\W\d_]+)"
)


@register.filter
def nowrap(value: str) -> SafeString:
    """``value`` (escaped unless it is safe) on one line: ``<span class="text-nowrap">8 h</span>``."""
    return format_html('<span class="text-nowrap">{}</span>', conditional_escape(value))


@register.filter
def keep_figures(value: str) -> SafeString:
    """``value`` (escaped unless it is safe) with each figure and its unit on one line: "10 of <span
    class="text-nowrap">56 hours</span> done", "應修 <span class="text-nowrap">56 課時</span>"; tags are left
    as they are."""
    html = str(conditional_escape(value))
    return mark_safe(_TAG_OR_FIGURE.sub(lambda m: m.group(1) or nowrap(m.group(0)), html))


def keep_together(text: str, part: str) -> str:
    """``text`` with the spaces inside its last ``part`` made no-break ("…\u00b7 December\u00a02026");
    ``text`` as it is if ``part`` is not in it."""
    head, found, tail = text.rpartition(part)
    if not found:
        return text
    return head + part.replace(" ", NBSP) + tail
