"""Trainee pages of the exams: sittings, the attempt page, the answer endpoint, results.

Thin: parse, call a service or selector, render. No page or JSON here carries an answer key:
options are named by their shown position, never by their key, and rubrics stay in admin.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import exam_form, selectors
from .models import Attempt, CourseResult, Sitting
from .services import ExamError, attempts, essay_marking
from .services.attempts import Standing

# How each refusal answers over JSON.
STATUS = {"not_found": 404, "time_up": 409, "already_submitted": 409, "not_in_attempt": 400, "bad_answer": 400,
          "too_long": 400}  # fmt: skip


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Upcoming and open sittings (start, resume, or why not) and the history of attempts."""
    now = timezone.now()
    history = list(selectors.attempts_of(request.user.pk))
    by_paper: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in sorted(history, key=lambda a: a.number):
        by_paper[attempt.paper_id].append(attempt)
    passed = selectors.passed_course_ids(request.user.pk)
    rows = []
    for sitting in selectors.sittings_for_trainee(request.user.pk):
        paper_attempts = by_paper.get(sitting.paper_id, [])
        open_attempt = next((a for a in paper_attempts if a.state == Attempt.State.OPEN), None)
        reason = None
        if open_attempt is None:
            standing = Standing(attempts=paper_attempts, passed=sitting.paper.course_id in passed)
            try:
                attempts.check_start_attempt(sitting=sitting, standing=standing, eligible=True, now=now)
            except ExamError as error:
                reason = str(error)
        rows.append({"sitting": sitting, "open_attempt": open_attempt, "reason": reason})
    return render(request, "exams/home.html", {"rows": rows, "attempts": history})


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, sitting_id: int) -> HttpResponse:
    """GET: the instructions and a confirm button (starts nothing); POST: start, or resume, the attempt."""
    sitting = get_object_or_404(Sitting.objects.select_related("paper__course", "cohort"), pk=sitting_id)
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
    if not selectors.is_eligible(trainee_id=request.user.pk, sitting=sitting):
        raise Http404  # another cohort's sitting: as if it did not exist
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
    attempt = _own_attempt(request, attempt_id)
    if attempt.state != Attempt.State.OPEN:
        return redirect("exams:result", attempt_id=attempt.pk)
    context = {
        "attempt": attempt,
        "questions": exam_form.questions_html(
            selectors.attempt_sheet(attempt.pk), essay_max_chars=attempt.paper.essay_max_chars
        ),
        "server_now": timezone.now(),
        "grace": int(attempts.grace().total_seconds()),
    }
    return render(request, "exams/attempt.html", context)


@login_required
@require_POST
def save_answer(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """POST ``{"question": <position>, "choices": [<shown index>, …]}`` or ``{"question": n, "text": "…"}``."""
    try:
        payload = json.loads(request.body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"ok": False, "error": _("The request is not valid JSON.")}, status=400)
    try:
        item = attempts.do_save_answer(
            attempt_id=attempt_id, trainee_id=request.user.pk, position=payload.get("question"), payload=payload
        )
    except ExamError as error:
        return JsonResponse({"ok": False, "code": error.code, "error": str(error)}, status=STATUS.get(error.code, 400))
    return JsonResponse({"ok": True, "question": item.position, "saved_at": item.answered_at.isoformat()})


@login_required
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """GET asks for confirmation; POST submits."""
    attempt = _own_attempt(request, attempt_id)
    if request.method == "POST":
        try:
            attempts.do_submit_attempt(attempt_id=attempt.pk, trainee_id=request.user.pk)
        except ExamError as error:
            messages.error(request, str(error))
            return redirect("exams:result", attempt_id=attempt.pk)
        messages.success(request, _("Your answers are submitted. You will get the result by e-mail too."))
        return redirect("exams:result", attempt_id=attempt.pk)
    if attempt.state != Attempt.State.OPEN:
        return redirect("exams:result", attempt_id=attempt.pk)
    items = list(selectors.attempt_items(attempt.pk))
    answered = sum(1 for item in items if item.answer not in (None, "", []))
    return render(request, "exams/submit.html", {"attempt": attempt, "answered": answered, "total": len(items)})


@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The published result, or while it is pending, what is known: which part is marked, by whom the
    essays are marked and by when, and that an e-mail follows. The pending page polls
    (static/exams/result.js) and shows the result once it is out."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == Attempt.State.OPEN:
        return redirect("exams:attempt", attempt_id=attempt.pk)
    course_result = CourseResult.objects.filter(attempt=attempt, published_at__isnull=False).first()
    context: dict = {"attempt": attempt, "result": course_result, "breakdown": []}
    if course_result is not None:
        context["breakdown"] = selectors.breakdown_by_area(list(selectors.attempt_items(attempt.pk)))
    else:
        essays = attempt.state == Attempt.State.GRADING or selectors.has_essay(attempt.pk)
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
