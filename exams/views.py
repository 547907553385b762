"""Trainee pages of the exams: sittings, the attempt page, the answer endpoint, results.

Thin: parse, call a service or selector, render. No page or JSON here carries an answer key:
options are named by their shown position, never by their key, and rubrics stay in admin.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import display

from . import exam_form, home_html, selectors
from .models import Attempt, Sitting
from .services import ExamError, attempts, essay_marking, grading, next_step
from .services.attempts import Standing

# How a refusal of the answer endpoint answers over JSON, where not 400 (``STATUS.get(code, 400)``).
STATUS = {"not_found": 404, "time_up": 409, "already_submitted": 409}


def _percent_text(percent: Decimal | None) -> str:
    """A result's percent as trainees read it (``grading.shown_percent``: to a tenth, rounded down), "" without one."""
    return "" if percent is None else display.floatformat(grading.shown_percent(percent), "-1")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Upcoming and open sittings (start, resume, or why not) and the history of attempts.

    Read as rows (``selectors.history_of``, ``sitting_rows_for_trainee``), with the dates and links done
    once (``core.display``) and the rows' HTML built in Python (``home_html``): the same page as from
    model instances through the template, for a fraction of the work (issue 20)."""
    now = timezone.now()
    trainee_id = request.user.pk
    history = selectors.history_of(trainee_id)
    by_paper: dict[int, list[selectors.HistoryRow]] = defaultdict(list)
    for row in sorted(history, key=lambda a: a.number):
        by_paper[row.paper_id].append(row)
    passed = selectors.passed_course_ids(trainee_id)
    attempt_url, result_url, start_url = (
        display.url_pattern(name) for name in ("exams:attempt", "exams:result", "exams:start")
    )
    rows = []
    for sitting in selectors.sitting_rows_for_trainee(trainee_id, now=now):
        paper_attempts = by_paper.get(sitting.paper_id, [])
        open_attempt = next((a for a in paper_attempts if a.state == Attempt.State.OPEN), None)
        reason = None
        pending_url = ""  # the reason is the last attempt's result still pending: its result page says how far
        if open_attempt is None:
            standing = Standing(attempts=[a.as_attempt() for a in paper_attempts], passed=sitting.course_id in passed)
            try:
                attempts.check_start_attempt(sitting=sitting.as_sitting(), standing=standing, eligible=True, now=now)
            except ExamError as error:
                reason = str(error)
                if isinstance(error, attempts.ResultPending):
                    pending_url = result_url(error.attempt_id)
        rows.append(
            {
                "sitting": sitting,
                "opens": display.date(sitting.opens_at, "DATETIME_FORMAT"),
                "closes": display.date(sitting.closes_at, "DATETIME_FORMAT"),
                "resume_url": attempt_url(open_attempt.pk) if open_attempt is not None else "",
                "reason": reason,
                "pending_url": pending_url,
                "start_url": start_url(sitting.pk),
            }
        )
    lines = [
        {
            "attempt": attempt,
            "started": display.date(attempt.started_at, "DATETIME_FORMAT"),
            "percent": _percent_text(attempt.percent),
            # An open attempt is resumed; any other has its result page (the result, or how far the marking is).
            "url": attempt_url(attempt.pk) if attempt.state == Attempt.State.OPEN else result_url(attempt.pk),
        }
        for attempt in history
    ]
    context = {
        "rows": rows,
        "attempts": lines,
        "sittings_html": home_html.sittings_html(rows),
        "history_html": home_html.history_html(lines),
    }
    return render(request, "exams/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, sitting_id: int) -> HttpResponse:
    """GET: the instructions and a confirm button (starts nothing); POST: start, or resume, the attempt.

    A sitting the trainee cannot see (another cohort's, another institution's) is a 404 for every method, as one
    that does not exist: no answer tells the two apart (``selectors.sitting_visible_to``)."""
    sitting = get_object_or_404(Sitting.objects.select_related("paper__course", "cohort"), pk=sitting_id)
    if not selectors.sitting_visible_to(trainee_id=request.user.pk, sitting=sitting):
        raise Http404
    if request.method == "POST":
        try:
            attempt = attempts.do_start_attempt(trainee=request.user, sitting=sitting)
        except ExamError as error:
            messages.error(request, str(error))
            return redirect("exams:home")
        return redirect("exams:attempt", attempt_id=attempt.pk)
    running = selectors.open_attempt(trainee_id=request.user.pk, paper_id=sitting.paper_id)
    if running is not None:  # the clock already runs: nothing to confirm
        return redirect("exams:attempt", attempt_id=running.pk)
    # What the exam covers: the blueprint's areas, with the topics of the syllabus that applies to the
    # sitting's cohort (the version in force on its start date), linked on the catalog's course page.
    syllabus, coverage = selectors.exam_coverage(
        paper_id=sitting.paper_id, course_id=sitting.paper.course_id, on=sitting.cohort.starts_on
    )
    context = {
        "sitting": sitting,
        "brief": attempts.briefing(trainee_id=request.user.pk, sitting=sitting),
        "syllabus": syllabus,
        "coverage": coverage,
    }
    return render(request, "exams/instructions.html", context)


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("paper__course", "sitting__cohort__institution"),
        pk=attempt_id,
        trainee_id=request.user.pk,
    )


@login_required
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    # The attempt and its questions as values by SQL composed once (selectors.sheet_head, attempt_sheet),
    # its dates and links written once (core.display): issue 20.
    attempt = selectors.sheet_head(attempt_id=attempt_id, trainee_id=request.user.pk)
    if attempt is None:  # someone else's attempt, or none: the same 404
        raise Http404
    if attempt.state != Attempt.State.OPEN:
        return redirect("exams:result", attempt_id=attempt.pk)
    context = {
        "attempt": attempt,
        "questions": exam_form.questions_html(
            selectors.attempt_sheet(attempt.pk), essay_max_chars=attempt.essay_max_chars
        ),
        "deadline_iso": display.date(attempt.deadline, "c"),
        "deadline_epoch": display.date(attempt.deadline, "U"),
        "deadline": display.date(attempt.deadline, "DATETIME_FORMAT"),
        "server_now_epoch": str(int(timezone.now().timestamp())),  # as {{ now|date:"U" }}
        "answer_url": display.url_pattern("exams:answer")(attempt.pk),
        "submit_url": display.url_pattern("exams:submit")(attempt.pk),
        "result_url": display.url_pattern("exams:result")(attempt.pk),
        "revision": attempts.revision_of(attempt.pk),
        "grace": int(attempts.grace().total_seconds()),
    }
    return render(request, "exams/attempt.html", context)


@require_http_methods(["GET", "POST"])
def save_answer(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """GET: the answers saved, as the exam page shows them, with the attempt's state and revision
    (``attempts.saved_answers``): a page that sees a revision it did not expect reads them here.

    POST ``{"question": <position>, "choices": [<shown index>, …]}`` for a question of options, or
    ``{"question": n, "text": "…"}`` for an essay: exactly these fields (``[]`` or ``""`` clears the answer), the
    numbers as JSON numbers, never strings (the exam page sends ``parseInt``'s). Each refusal is a 400 that says what is
    wrong, with its code, and leaves the saved answer as it was: a body that is not JSON (``bad_json``) or not an
    object (``not_an_object``); no ``"question"``, or one that is not a whole number (``bad_position``,
    ``attempts.do_save_answer``); a number no question of the attempt has (``not_in_attempt``); any other body for
    the question (the other kind's field, none, another field, a value of the wrong type: ``bad_answer``,
    ``attempts._parse_answer``).

    An essay saved without invisible control characters (``attempts.without_control_characters``) is answered with
    ``removed`` (their code points), ``text`` (what was saved) and ``notice`` (what the page shows).

    Without a session (it ended, or the trainee logged out in another tab) the answer is a 403 that says so
    (``logged_out``), not the log-in page: the exam page would read that page's 200 as "saved"."""
    if not request.user.is_authenticated:
        message = _(
            "You are logged out, so this answer is not saved. Log in again in another tab: the answers stay on "
            "this device and are saved when you are back."
        )
        return JsonResponse({"ok": False, "code": "logged_out", "error": message}, status=403)
    if request.method == "GET":
        try:
            sheet = attempts.saved_answers(attempt_id=attempt_id, trainee_id=request.user.pk)
        except ExamError as error:
            return JsonResponse({"ok": False, "code": error.code, "error": str(error)}, status=404)
        return JsonResponse({"ok": True} | sheet)
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's parser goes
        return JsonResponse({"ok": False, "code": "bad_json", "error": _("The request is not valid JSON.")}, status=400)
    try:
        body = attempts.answer_body(payload)
        item = attempts.do_save_answer(
            attempt_id=attempt_id,
            trainee_id=request.user.pk,
            position=body.get("question", attempts.NO_POSITION),
            payload=body,
        )
    except ExamError as error:
        return JsonResponse({"ok": False, "code": error.code, "error": str(error)}, status=STATUS.get(error.code, 400))
    # The attempt's revision before and after this save: a page that knew another "previous" missed a save made in
    # another tab or on another device, and reads the answers saved anew (GET).
    revision = max(item.previous, attempts.revision_number(item.answered_at))
    saved = {"ok": True, "question": item.position, "saved_at": item.answered_at.isoformat(),
             "previous": item.previous, "revision": revision}  # fmt: skip
    if item.removed:  # the page shows the notice and, unless typed on meanwhile, the text kept
        saved |= {"removed": list(item.removed), "text": item.answer, "notice": attempts.removal_notice(item)}
    return JsonResponse(saved)


@login_required
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """GET asks for confirmation; POST submits. A submit the clock closed (the page's at time-up, or any arriving
    after the deadline and its grace) is recorded and said as time-up (``attempts.do_submit_attempt``)."""
    attempt = _own_attempt(request, attempt_id)
    if request.method == "POST":
        # The exam page posts ``time_up`` as its clock runs out: the submit the button does, said as what it is.
        time_up = request.POST.get("time_up") == "1"
        done = _("Time is up: your saved answers are submitted. You will get the result by e-mail too.")
        try:
            submitted = attempts.do_submit_attempt(
                attempt_id=attempt.pk, trainee_id=request.user.pk, at_time_up=time_up
            )
        except ExamError as error:
            if error.code == "not_time_up":  # the page's clock ran ahead: back to the exam, which takes the server's
                messages.info(request, str(error))
                return redirect("exams:attempt", attempt_id=attempt.pk)
            if time_up and error.code == "already_submitted":  # the minute's job, or another tab, was first
                messages.success(request, done)
            else:
                messages.error(request, str(error))
            return redirect("exams:result", attempt_id=attempt.pk)
        if time_up or submitted.submitted_automatically:
            messages.success(request, done)
            return redirect("exams:result", attempt_id=attempt.pk)
        messages.success(request, _("Your answers are submitted. You will get the result by e-mail too."))
        return redirect("exams:result", attempt_id=attempt.pk)
    if attempt.state != Attempt.State.OPEN:
        return redirect("exams:result", attempt_id=attempt.pk)
    items = list(selectors.attempt_items(attempt.pk))
    # Named by their numbers on the exam page, each linked to its question there (#question-<n>).
    unanswered = [item.position for item in items if item.answer in (None, "", [])]
    context = {
        "attempt": attempt,
        "answered": len(items) - len(unanswered),
        "total": len(items),
        "unanswered": unanswered,
    }
    return render(request, "exams/submit.html", context)


@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The published result, or while it is pending, what is known: which part is marked, by whom the
    essays are marked and by when, and that an e-mail follows. The pending page polls
    (static/exams/result.js) and shows the result once it is out.

    A published result says what comes next (``services.next_step``): a result not passed, when the exam may be
    sat again and how many attempts are left, or that none are; a passed one, the certificate.

    The attempt and its result are one row, and the breakdown three columns a question
    (``selectors.result_head``, ``breakdown_of_attempt``; issue 20)."""
    head = selectors.result_head(attempt_id=attempt_id, trainee_id=request.user.pk)
    if head is None:  # someone else's attempt, or none: the same 404
        raise Http404
    if head.state == Attempt.State.OPEN:
        return redirect("exams:attempt", attempt_id=head.pk)
    context: dict = {"head": head, "result": None, "breakdown": []}
    if head.published:
        context["result"] = {"percent": _percent_text(head.percent), "passed": head.passed}
        context["breakdown"] = selectors.breakdown_of_attempt(head.pk)
        # What comes next (a retake and when, the attempts left, or the certificate): as My exams and the mail say.
        context["next_step"] = next_step.after_result(attempt_id=head.pk, passed=bool(head.passed))
    else:
        attempt = _own_attempt(request, attempt_id)
        essays = attempt.state == Attempt.State.GRADING or selectors.has_essay(attempt.pk)
        context["attempt"] = attempt
        context["pending"] = {
            "essays": essays,
            "objective_marked": attempt.state == Attempt.State.GRADING,
            "expected_by": essay_marking.expected_by(attempt.submitted_at) if essays and attempt.submitted_at else None,
            "days": essay_marking.marking_days(),
            "institution": attempt.sitting.cohort.institution,
            "poll_seconds": settings.EXAM_RESULT_POLL_SECONDS,
            "poll_max_seconds": settings.EXAM_RESULT_POLL_MAX_SECONDS,
        }
    return render(request, "exams/result.html", context)
