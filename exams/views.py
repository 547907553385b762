"""Trainee pages of the exams: sittings, the attempt page, the answer endpoint, results.

Thin: parse, call a service or selector, render. No page or JSON here carries an answer key:
options are named by their shown position, never by their key, and rubrics stay in admin.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import exam_form, selectors
from .models import Attempt, CourseResult, Sitting
from .services import ExamError, attempts
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
@require_POST
def start(request: HttpRequest, sitting_id: int) -> HttpResponse:
    sitting = get_object_or_404(Sitting.objects.select_related("paper", "cohort"), pk=sitting_id)
    try:
        attempt = attempts.do_start_attempt(trainee=request.user, sitting=sitting)
    except ExamError as error:
        messages.error(request, str(error))
        return redirect("exams:home")
    return redirect("exams:attempt", attempt_id=attempt.pk)


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("paper__course", "sitting"), pk=attempt_id, trainee_id=request.user.pk
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
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == Attempt.State.OPEN:
        return redirect("exams:attempt", attempt_id=attempt.pk)
    course_result = CourseResult.objects.filter(attempt=attempt, published_at__isnull=False).first()
    breakdown = []
    if course_result is not None:
        breakdown = selectors.breakdown_by_area(list(selectors.attempt_items(attempt.pk)))
    return render(request, "exams/result.html", {"attempt": attempt, "result": course_result, "breakdown": breakdown})
