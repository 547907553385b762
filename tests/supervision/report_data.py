"""A small world for the report figures, and a ledger of what was made, from which the tests compute
every figure on their own (plain Python over the ledger, never the code under test).

``build(institutions, scale, seed)`` gives each institution cohorts (a tier with tracks and one
without), trainees in every enrolment state with hours in every mode, attempts with published and
unpublished results over several quarters (retakes, and a first attempt whose result is not out),
essays waiting for a grader for various lengths of time, certificates in every status with
renewals, and continuing education. Seeded: the same world every run.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from certification.models import CertificateStatusChange, ContinuingEducation
from courses.models import Attendance, Enrolment, RemoteCompletion, SelfStudyEntry
from exams.models import Attempt, AttemptQuestion, CourseResult, ExamPaper, QuestionType, Sitting
from supervision import figures
from supervision.models import RecomputeRun
from tests.exams.conftest import make_question
from tests.factories import (
    CertificateFactory,
    CohortFactory,
    RemoteModuleFactory,
    TraineeProfileFactory,
    TrainingSessionFactory,
    curriculum_of,
)

ADMITTED = ("approved", "in_training", "completed")
STATES = ("pending", "approved", "in_training", "completed", "rejected", "withdrawn")


@dataclass
class Ledger:
    results: list[dict[str, Any]] = field(default_factory=list)
    enrolments: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    essays: list[dict[str, Any]] = field(default_factory=list)
    certificates: list[dict[str, Any]] = field(default_factory=list)
    renewals: list[dict[str, Any]] = field(default_factory=list)
    continuing: list[dict[str, Any]] = field(default_factory=list)
    cohorts: list[Any] = field(default_factory=list)


def build(institutions, *, scale: int = 1, seed: int = 1, ledger: Ledger | None = None) -> Ledger:
    rng = random.Random(seed)
    ledger = ledger or Ledger()
    now = timezone.now()
    for institution in institutions:
        for tier, track in (("standard", "retail"), ("assistant", None)):
            _cohort(rng, ledger, institution, curriculum_of(tier, track), scale, now)
        _certificates(rng, ledger, institution, scale)
    return ledger


def _cohort(rng, ledger, institution, curriculum, scale, now) -> None:
    cohort = CohortFactory(institution=institution, curriculum=curriculum, offers_remote=True, status="running")
    ledger.cohorts.append(cohort)
    courses = [entry.course for entry in curriculum.entries.select_related("course").order_by("course__code")][:2]
    teaching = TrainingSessionFactory(cohort=cohort, course=courses[0], hours=8)
    live = TrainingSessionFactory(cohort=cohort, course=courses[0], mode="live_remote", hours=4)
    prep = TrainingSessionFactory(cohort=cohort, purpose="exam_prep", course=None, hours=6)
    module = RemoteModuleFactory(cohort=cohort, course=courses[0], hours=3)
    prep_module = RemoteModuleFactory(cohort=cohort, purpose="exam_prep", course=None, hours=2)
    sittings = {}
    for course in courses:
        paper = ExamPaper.objects.get_or_create(course=course)[0]
        sittings[course.pk] = Sitting.objects.create(
            paper=paper, cohort=cohort, opens_at=now - datetime.timedelta(days=500), closes_at=now, is_online=True
        )
    essay_question = make_question(courses[0], QuestionType.ESSAY, n=rng.randrange(10**6))
    for i in range(4 * scale + rng.randrange(3)):
        trainee = TraineeProfileFactory().user
        state = STATES[i % len(STATES)] if i < len(STATES) else rng.choice(STATES)
        admitted = state in ADMITTED or (state == "withdrawn" and rng.random() < 0.7)
        enrolment = Enrolment.objects.create(
            trainee=trainee,
            cohort=cohort,
            curriculum=curriculum,
            state=state,
            teaching_hours_owed=curriculum.teaching_hours if admitted else None,
            teaching_days_owed=curriculum.teaching_days if admitted else None,
            exam_prep_hours_owed=curriculum.exam_prep_hours if admitted else None,
            exam_prep_days_owed=curriculum.exam_prep_days if admitted else None,
        )
        hours = {"face_to_face": Decimal(0), "remote": Decimal(0), "self_study": Decimal(0), "exam_prep": Decimal(0)}
        if admitted:
            h = Decimal(rng.randrange(1, 9))
            Attendance.objects.create(session=teaching, enrolment=enrolment, hours=h)
            hours["face_to_face"] += h
            if rng.random() < 0.6:
                Attendance.objects.create(session=live, enrolment=enrolment, hours=Decimal("3.5"))
                hours["remote"] += Decimal("3.5")
            if rng.random() < 0.6:
                Attendance.objects.create(session=prep, enrolment=enrolment, hours=Decimal(6))
                hours["exam_prep"] += 6
            if rng.random() < 0.5:
                RemoteCompletion.objects.create(module=module, enrolment=enrolment, completed_on=now.date())
                hours["remote"] += 3
            if rng.random() < 0.5:
                RemoteCompletion.objects.create(module=prep_module, enrolment=enrolment, completed_on=now.date())
                hours["exam_prep"] += 2
            for status in ("confirmed", "logged", "rejected"):
                if rng.random() < 0.5:
                    SelfStudyEntry.objects.create(
                        enrolment=enrolment, course=courses[0], studied_on=now.date(), hours=Decimal("1.5"),
                        status=status,
                    )  # fmt: skip
                    if status == "confirmed":
                        hours["self_study"] += Decimal("1.5")
        ledger.enrolments.append(
            {
                "institution": institution.pk, "cohort": cohort.pk, "state": state, "admitted": admitted,
                "teaching_owed": curriculum.teaching_hours if admitted else 0,
                "exam_prep_owed": curriculum.exam_prep_hours if admitted else 0, **hours,
            }
        )  # fmt: skip
        if state not in ("completed", "in_training", "approved", "withdrawn"):
            continue
        for course in courses:
            for number in range(1, rng.randrange(0, 4) + 1):
                _attempt(
                    rng, ledger, institution, cohort, curriculum, course, sittings[course.pk], trainee, number, now
                )
        if state == "in_training" and rng.random() < 0.7:
            # An essay waiting for a grader, submitted some while ago.
            number = Attempt.objects.filter(trainee=trainee, paper__course=courses[0]).count() + 1
            age = rng.choice([0.2, 2, 4.5, 6, 12])
            submitted = now - datetime.timedelta(days=age)
            attempt = Attempt.objects.create(
                sitting=sittings[courses[0].pk], paper=sittings[courses[0].pk].paper, trainee=trainee, number=number,
                seed=1, state="grading", started_at=submitted - datetime.timedelta(hours=1), deadline=submitted,
                submitted_at=submitted,
            )  # fmt: skip
            ledger.attempts.append({"institution": institution.pk, "course": courses[0].pk, "state": "grading"})
            AttemptQuestion.objects.create(attempt=attempt, question=essay_question, position=1, answer="…")
            ledger.essays.append({"institution": institution.pk, "submitted_at": submitted})
            if rng.random() < 0.5:  # one marked already: not waiting
                other = make_question(courses[0], QuestionType.ESSAY, n=rng.randrange(10**6))
                AttemptQuestion.objects.create(attempt=attempt, question=other, position=2, answer="…", score=5)


def _attempt(rng, ledger, institution, cohort, curriculum, course, sitting, trainee, number, now) -> None:
    published_at = now - datetime.timedelta(days=rng.randrange(0, 500), hours=rng.randrange(24))
    state = "graded" if rng.random() < 0.9 else "submitted"
    attempt = Attempt.objects.create(
        sitting=sitting, paper=sitting.paper, trainee=trainee, number=number, seed=1, state=state,
        started_at=published_at - datetime.timedelta(hours=2), deadline=published_at, submitted_at=published_at,
    )  # fmt: skip
    ledger.attempts.append({"institution": institution.pk, "course": course.pk, "state": state})
    if state != "graded":
        return
    percent = Decimal(rng.choice([0, 15, 42, 59, 60, 73, 88, 99.5, 100]))
    published = rng.random() < 0.85
    CourseResult.objects.create(
        attempt=attempt, trainee=trainee, course=course, score=percent, max_score=100, percent=percent,
        passed=percent >= 60, published_at=published_at if published else None,
    )  # fmt: skip
    ledger.results.append(
        {
            "trainee": trainee.pk, "course": course.pk, "cohort": cohort.pk, "institution": institution.pk,
            "tier": curriculum.tier_id, "track": curriculum.track_id, "number": number, "percent": percent,
            "passed": percent >= 60, "published_at": published_at if published else None,
        }
    )  # fmt: skip


def _certificates(rng, ledger, institution, scale) -> None:
    today = timezone.localdate()
    for i in range(5 * scale):
        status = ["active", "active", "suspended", "revoked", "expired"][i % 5]
        issued_on = today - datetime.timedelta(days=rng.randrange(0, 900))
        valid_until = today + datetime.timedelta(days=rng.choice([-30, 0, 10, 89, 90, 91, 400]))
        certificate = CertificateFactory(
            institution=institution,
            status=status,
            issued_on=issued_on,
            valid_until=valid_until,
            status_reason="" if status == "active" else "checked by the office",
        )
        ledger.certificates.append(
            {"institution": institution.pk, "status": status, "issued_on": issued_on, "valid_until": valid_until,
             "number": certificate.number, "trainee": certificate.trainee}
        )  # fmt: skip
        if rng.random() < 0.4:
            change = CertificateStatusChange.objects.create(
                certificate=certificate, new_status="active", action="renew"
            )
            changed_at = timezone.now() - datetime.timedelta(days=rng.randrange(0, 300))
            CertificateStatusChange.objects.filter(pk=change.pk).update(changed_at=changed_at)
            ledger.renewals.append({"institution": institution.pk, "changed_at": changed_at})
        status = rng.choice(["confirmed", "confirmed", "pending", "rejected"])
        completed_on = today - datetime.timedelta(days=rng.randrange(0, 300))
        hours = Decimal(rng.choice(["1.5", "3", "8"]))
        ContinuingEducation.objects.create(
            trainee=certificate.trainee, institution=institution, title="Seminar", completed_on=completed_on,
            hours=hours, status=status,
        )  # fmt: skip
        ledger.continuing.append(
            {"institution": institution.pk, "completed_on": completed_on, "hours": hours, "status": status}
        )


# --- the figures, computed from the ledger on their own -------------------------------------------------


def first_attempts(ledger: Ledger) -> list[dict[str, Any]]:
    """For each (trainee, course) with a published result of a graded attempt: the first such result,
    with ``passed_ever`` (any of them passed)."""
    counted = [r for r in ledger.results if r["published_at"] is not None]
    by_pair: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in counted:
        by_pair.setdefault((r["trainee"], r["course"]), []).append(r)
    firsts = []
    for rows in by_pair.values():
        first = min(rows, key=lambda r: r["number"])
        firsts.append({**first, "passed_ever": any(r["passed"] for r in rows)})
    return firsts


def quarter_of(moment: datetime.datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.year, (local.month - 1) // 3 + 1


def recompute_all() -> None:
    """Every figure recomputed, and a finished run recorded, as the nightly job leaves them."""
    for step in figures.steps():
        step.recompute()
    RecomputeRun.objects.create(state="done", finished_at=timezone.now())
