"""A page's words as a reader sees them, whatever markup keeps a figure with its unit on one line.

A page keeps "8 h", "60 minutes" or a cohort's "December 2026" on one line (core/templatetags/nowrap.py): a
``text-nowrap`` span around the figure and its unit, or a no-break space inside the month. A test that asserts
the words ("10 of 56 hours done") reads :func:`text_of` the page; a test of the markup itself reads the HTML.
:func:`breakable_figures` finds what a narrow screen may still split: a figure, an ordinary space (or a hyphen:
"60-minute") and its unit, outside any ``text-nowrap`` element.
"""

import html as html_module
import re

NBSP = "\u00a0"

# The units the exams, the exchange and supervision write after a figure, in each language ("27 %": a space
# before the sign; "2 left", "2 without an answer": the word after the figure goes with it).
UNITS = {
    "en": (
        r"h|hours?|class|days?|seats?|cohorts?|courses?|open|minutes?|minute|questions?|points?|responses?"
        r"|attempts?|left|without|%|a\.m|p\.m"
    ),
    "zh-hant": r"課時|小時|天|個|人|分鐘|題|分|次|頁|份|字|%",
}


def text_of(html: str) -> str:
    """``html``'s text as read: tags dropped, character references decoded, a no-break space read as a space."""
    return html_module.unescape(re.sub(r"<[^>]*>", "", html)).replace(NBSP, " ")


def breakable_figures(html: str, language: str) -> list[str]:
    """The figures of a page's body that a line may break away from their unit: a figure, an ordinary space or
    a hyphen, and a unit, outside any ``text-nowrap`` element (scripts and drawings, which do not wrap, left out)."""
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|svg)\b.*?</\1>", "", body, flags=re.S)
    body = re.sub(r'<(\w+)\b[^>]*\bclass="[^"]*\btext-nowrap\b[^"]*"[^>]*>[^<]*</\1>', "", body)
    text = html_module.unescape(re.sub(r"<[^>]*>", "", body))
    return re.findall(rf"\S*\d(?:[ \t\r\n]+|-)(?:{UNITS[language]})(?![^\W_])", text)
