from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def my_grade(request: HttpRequest) -> HttpResponse:
    """The manager's own grade, lending authority, whether a certificate backs it, its history, and their
    evaluations (the bank's scores of them, shown to them alone of everyone outside the bank)."""
    grade = selectors.grade_of(request.user)
    context = {
        "grade": grade,
        "evaluations": selectors.evaluations_of(request.user),
        "changes": selectors.history_of(grade) if grade else [],
        "events": selectors.compliance_events_of(grade) if grade else [],
    }
    return render(request, "career/my_grade.html", context)
