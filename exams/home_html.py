"""My exams' sittings and history as HTML, built in Python (issue 20), as ``exam_form`` builds the exam page.

Each row is a dozen template nodes (ids, texts, links, translations): rendered by Django's template
engine a trainee's twenty rows were most of the page's CPU work. The markup is exactly what
``templates/exams/home.html`` rendered row by row, whitespace included (the browser tests and
``tests/exams`` read it); every text is escaped with the standard library's ``html.escape``, which
Django's ``escape`` calls. The dates, numbers and links come written already (``views.home``).

On a phone a date, the minutes and the cohort's month each stay on one line, as on the training pages
(core/templatetags/nowrap.py, ``{{ cohort|cohort_name }}``): a ``text-nowrap`` span round each date and the
minutes, and the cohort's name in a ``cohort-name`` span with its English month joined by a no-break space.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.templatetags.nowrap import keep_figures, keep_together

from .models import Attempt


def _one_line(text: str) -> str:
    """``text`` escaped, on one line: as ``{{ text|nowrap }}`` writes it (core/templatetags/nowrap.py)."""
    return f'<span class="text-nowrap">{escape(text)}</span>'


def sittings_html(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The sitting cards (``rows`` as ``views.home`` makes them): start, resume, or why not."""
    online = escape(_("online"))
    resume = escape(_("Resume"))
    start = escape(_("Start the exam"))
    progress = escape(_("See how far the marking is"))
    minutes = _("%(m)s minutes")  # {% blocktranslate with m=… %}{{ m }} minutes{% endblocktranslate %}
    parts = []
    for row in rows:
        sitting = row["sitting"]
        # The name ends in the cohort's start month (courses.selectors.cohort_name): its words on one line.
        name = keep_together(sitting.cohort_name, sitting.cohort_name.rpartition(" · ")[2])
        pk = int(sitting.pk)
        where = online if sitting.is_online else escape(sitting.place_name)
        if row["resume_url"]:
            action = f'<a class="btn btn-primary" id="resume-{pk}" href="{escape(row["resume_url"])}">{resume}</a>'
        elif row["reason"]:
            link = ""
            if row.get("pending_url"):  # the last attempt's result is pending: its page says how far the marking is
                link = f' <a id="pending-{pk}" href="{escape(row["pending_url"])}">{progress}</a>'
            reason = keep_figures(row["reason"])  # "You have used all 3 attempts.": the figure with its unit
            action = f'<p class="mb-0 text-body-secondary reason" id="reason-{pk}">{reason}{link}</p>'
        else:
            action = f'<a class="btn btn-primary" id="start-{pk}" href="{escape(row["start_url"])}">{start}</a>'
        code = escape(sitting.cohort_code)
        when = f"{_one_line(row['opens'])} – {_one_line(row['closes'])}"
        parts.append(
            f'\n  <div class="card mb-3 sitting" id="sitting-{pk}">\n'
            f'    <div class="card-body d-flex flex-wrap justify-content-between align-items-center gap-2">\n'
            f"      <div>\n"
            f'        <strong>{escape(sitting.course)}</strong> · <span class="cohort-name">{escape(name)}</span>'
            f' <span class="text-body-secondary cohort-code">{code}</span><br>\n'
            f'        <span class="small text-body-secondary">{when} · {where}'
            f" · {_one_line(minutes % {'m': int(sitting.time_limit_minutes)})}</span>\n"
            f"      </div>\n"
            f"      \n        {action}\n      \n"
            f"    </div>\n"
            f"  </div>\n  "
        )
    return mark_safe("".join(parts))  # every row-borne text escaped above


def history_html(lines: Iterable[dict[str, Any]]) -> SafeString:
    """The history table's rows (``lines`` as ``views.home`` makes them), newest attempt first."""
    # A state or verdict is a value of its column, capitalised as the page's other words (the labels are lower case
    # for use within a sentence): "Graded", "Not passed"; Chinese has no case.
    passed, not_passed = escape(capfirst(_("passed"))), escape(capfirst(_("not passed")))
    resume, awaiting = escape(_("Resume")), escape(capfirst(_("awaiting grading")))
    # Each cell's column name, shown before it when a phone stacks the row (.table-stack).
    course_, number_, started_ = escape(_("Course")), escape(_("Attempt")), escape(_("Started"))
    state_, score_ = escape(_("State")), escape(_("Score"))
    parts = []
    for line in lines:
        attempt = line["attempt"]
        if attempt.state == Attempt.State.GRADED:
            verdict = passed if attempt.passed else not_passed
            score = f'<a href="{escape(line["url"])}">{escape(line["percent"])}% · {verdict}</a>'
        elif attempt.state == Attempt.State.OPEN:
            score = f'<a href="{escape(line["url"])}">{resume}</a>'
        else:  # submitted, or its essays being marked: the result page says how far, and shows the result once out
            score = f'<a href="{escape(line["url"])}">{awaiting}</a>'
        started = escape(line["started"])
        parts.append(
            f'\n      <tr id="attempt-{int(attempt.pk)}">\n'
            f'        <td data-label="{course_}">{escape(attempt.course)}</td>'
            f'<td data-label="{number_}">{int(attempt.number)}</td><td data-label="{started_}">{started}</td>\n'
            f'        <td data-label="{state_}">{escape(capfirst(attempt.get_state_display()))}</td>\n'
            f'        <td data-label="{score_}">{score}</td>\n'
            f"      </tr>\n    "
        )
    return mark_safe("".join(parts))  # every row-borne text escaped above
