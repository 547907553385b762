"""The exam page's questions as HTML, built in Python.

Fifty questions of four options are some 1,500 template nodes: rendered by Django's template
engine they were four fifths of the exam page's time (issue 9, ``make bench``). The markup is the
one ``static/exams/attempt.js`` and the browser tests rely on; every text that comes from a row
is escaped here with the standard library's ``html.escape``, which Django's own ``escape`` and
``linebreaksbr`` call (without their lazy-string wrapping, a fifth of this function's time).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from html import escape
from typing import TypedDict

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.templatetags.nowrap import keep_figures

from .models import QuestionType

_INPUT_TYPE = {QuestionType.MULTIPLE: "checkbox"}


class SheetRow(TypedDict):
    """What the page needs of one drawn question (``selectors.attempt_sheet``)."""

    position: int
    option_order: list[str]
    answer: object
    question__question_type: str
    question__text_zh: str
    question__text_en: str
    question__options: list[dict]


# A question's text and its options' labels recur on every page that draws it: escaped once (issue 20).
# The key is the text itself, so an edited question is escaped afresh.
_escape = functools.lru_cache(maxsize=16384)(escape)


def questions_html(rows: Iterable[SheetRow], *, essay_max_chars: int) -> SafeString:
    """The fieldsets of the exam form: one per question, options in the attempt's shown order,
    the saved answer checked (or in the essay's text area)."""
    your_answer = escape(_("Your answer"))
    # On a phone "2000 characters" (最多 2000 字) and "Question 3" (第 3 題) stay whole (core/templatetags/nowrap.py).
    at_most = keep_figures(_("At most %(n)s characters.") % {"n": essay_max_chars})
    question_n = _("Question %(n)s")
    # accounts.bilingual.in_current_language's rule, the language looked up once, not 250 times.
    first, second = ("en", "zh") if (get_language() or "").lower().startswith("en") else ("zh", "en")
    type_labels = {value: escape(str(label)) for value, label in QuestionType.choices}
    parts: list[str] = []
    for row in rows:
        position = int(row["position"])
        kind = row["question__question_type"]
        text = _text_html(row[f"question__text_{first}"] or row[f"question__text_{second}"])
        parts.append(
            f'<fieldset class="card mb-3 question" id="question-{position}" data-question="{position}"'
            f' data-type="{escape(kind)}">'
            f'<legend class="card-header h6 mb-0 w-100">{_one_line(question_n % {"n": position})}'
            f' <span class="text-body-secondary small">({type_labels.get(kind) or escape(kind)})</span></legend>'
            f'<div class="card-body"><p class="question-text">{text}</p>'
        )
        if kind == QuestionType.ESSAY:
            saved = row["answer"] if isinstance(row["answer"], str) else ""
            parts.append(
                f'<label class="form-label" for="answer-{position}">{your_answer}</label>'
                f'<textarea class="form-control" id="answer-{position}" name="q{position}" rows="8"'
                f' maxlength="{int(essay_max_chars)}">{escape(saved)}</textarea>'
                f'<div class="form-text">{at_most}</div>'
                # What a save took out of the answer (invisible control characters), filled by attempt.js.
                f'<div class="alert alert-warning small py-2 mt-2 mb-0 d-none essay-notice" id="notice-{position}"'
                f' role="status"></div>'
            )
        else:
            options = {str(option["key"]): option for option in row["question__options"]}
            chosen = set(row["answer"]) if isinstance(row["answer"], list) else set()
            input_type = _INPUT_TYPE.get(kind, "radio")
            for index, key in enumerate(row["option_order"]):
                option = options[key]
                label = _escape(option.get(first) or option.get(second) or "")
                checked = " checked" if key in chosen else ""
                parts.append(
                    f'<div class="form-check py-1"><input class="form-check-input" type="{input_type}"'
                    f' name="q{position}" id="answer-{position}-{index}" value="{index}"{checked}>'
                    f'<label class="form-check-label" for="answer-{position}-{index}">{label}</label></div>'
                )
        parts.append("</div></fieldset>")
    return mark_safe("".join(parts))  # every row-borne text escaped above


def _one_line(text: str) -> str:
    """``text`` escaped, on one line: as ``{{ text|nowrap }}`` writes it (core/templatetags/nowrap.py)."""
    return f'<span class="text-nowrap">{escape(text)}</span>'


@functools.lru_cache(maxsize=8192)
def _text_html(text: str) -> str:
    """Django's ``linebreaksbr`` filter with autoescape on (kept: the text is the key)."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")
