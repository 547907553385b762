import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import trainee_profile_of

from . import selectors
from .models import GradeChange, ManagerGrade


def _in_grade_since(grade: ManagerGrade, changes: list[GradeChange]) -> datetime.date:
    """The day of the history entry that set the grade the manager holds (the newest entry to it), so that the
    page's "in this grade since" and its history agree; the grade's own ``since`` when no entry says so."""
    for change in changes:  # newest first
        if (change.new_class, change.new_level) == (grade.manager_class, grade.level):
            return timezone.localdate(change.changed_at)
    return grade.since


@login_required
def my_grade(request: HttpRequest) -> HttpResponse:
    """The manager's own grade, lending authority, whether a certificate backs it, its history, and their
    evaluations (the bank's scores of them, shown to them alone of everyone outside the bank).

    Without a grade: a bank's employee is told their bank has not graded them; a self-funded trainee is told that
    grades are a bank's and what they can do meanwhile. Someone who is not a trainee (no trainee profile: HR, an
    institution's staff, the program office) is told the page is a trainee's, and staff where their own work is."""
    profile = trainee_profile_of(request.user)
    if profile is None:  # a grade is a trainee profile's: without one there is none to show
        return render(request, "career/my_grade.html", {"not_a_trainee": True})
    grade = selectors.grade_of(request.user)
    changes = list(selectors.history_of(grade)) if grade else []
    has_bank = grade is not None or profile.employer_id is not None
    context = {
        "grade": grade,
        "since": _in_grade_since(grade, changes) if grade else None,
        "has_bank": has_bank,
        "evaluations": selectors.evaluations_of(request.user),
        "changes": changes,
        "events": selectors.compliance_events_of(grade) if grade else [],
    }
    return render(request, "career/my_grade.html", context)
