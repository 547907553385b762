"""Reads of the career register; the one rule of what backs a grade is :func:`backing_certificates`
(one manager) and :func:`with_backing` (every grade at once, for the sweep) — the same conditions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, DateTimeField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, Greatest

from accounts.models import Employer, User
from certification.models import Certificate

from .models import (
    AuthorityTable,
    CertificateRule,
    ComplianceEvent,
    Evaluation,
    EvaluationScheme,
    EvaluationScore,
    GradeChange,
    ManagerGrade,
)


def rule_for(*, manager_class: str, level: str) -> CertificateRule | None:
    return (
        CertificateRule.objects.select_related("min_tier", "track")
        .filter(manager_class=manager_class, level=level)
        .first()
    )


def backing_certificates(*, trainee_id: int, rule: CertificateRule) -> QuerySet[Certificate]:
    """The holder's certificates that meet ``rule``: active, of its tier or higher, of its track (if it names one)."""
    certificates = Certificate.objects.filter(
        trainee_id=trainee_id, status=Certificate.Status.ACTIVE, tier__level__gte=rule.min_tier.level
    )
    if rule.track_id is not None:
        certificates = certificates.filter(track_id=rule.track_id)
    return certificates.select_related("tier", "track").order_by("-tier__level", "-issued_on")


def with_backing(grades: QuerySet[ManagerGrade]) -> QuerySet[ManagerGrade]:
    """``grades`` with ``backed``: whether the employee holds a certificate that meets the rule of the grade
    (:func:`backing_certificates`'s conditions, in SQL). A grade without a rule is not backed."""
    certificates = Certificate.objects.filter(
        trainee_id=OuterRef(OuterRef("employee__user_id")),
        status=Certificate.Status.ACTIVE,
        tier__level__gte=OuterRef("min_tier__level"),
    )
    rules = CertificateRule.objects.filter(manager_class=OuterRef("manager_class"), level=OuterRef("level"))
    either_track = rules.filter(track__isnull=True).filter(Exists(certificates))
    this_track = rules.filter(track__isnull=False).filter(Exists(certificates.filter(track_id=OuterRef("track_id"))))
    return grades.annotate(backed=Exists(either_track) | Exists(this_track))


def is_backed(grade_id: int) -> bool:
    """Whether a certificate backs the grade now: :func:`with_backing` for one grade (the same SQL as the sweep)."""
    return with_backing(ManagerGrade.objects.filter(pk=grade_id)).filter(Q(backed=True)).exists()


def disagreeing_grades() -> QuerySet[ManagerGrade]:
    """Grades whose compliance flag says otherwise than their certificates (the sweep's work list)."""
    return (
        with_backing(ManagerGrade.objects.all())
        .filter(Q(backed=True, compliant=False) | Q(backed=False, compliant=True))
        .order_by("pk")
    )


def with_authority(grades: QuerySet[ManagerGrade]) -> QuerySet[ManagerGrade]:
    """``grades`` with ``authority``: the employer's lending authority for the grade (None: not in its table)."""
    amount = AuthorityTable.objects.filter(
        employer_id=OuterRef("employer_id"), manager_class=OuterRef("manager_class"), level=OuterRef("level")
    ).values("amount")[:1]
    return grades.annotate(authority=Subquery(amount))


def grades_of_employer(employer_id: int) -> QuerySet[ManagerGrade]:
    """An employer's register: the only grades its HR staff (and, later, its HR system) read."""
    return with_authority(
        ManagerGrade.objects.filter(employer_id=employer_id).select_related("employee__user", "employer")
    )


def register_of_employer(employer_id: int, *, ended: bool | None = False) -> QuerySet[ManagerGrade]:
    """An employer's register as its HR system reads it (the HR API): its grades with ``authority`` and
    ``changed_at``, the later of the grade's own change and its authority's (a new amount in the bank's table
    changes what the row says), and the history prefetched, newest first. Two queries a page.

    ``ended``: False, the current grades (the register, as :func:`grades_of_employer`); True, the grades that ended
    (their holder left the bank); None, both. An ended grade is still the employer's row (``employer`` stays), has
    no lending authority (``authority`` None) and changed when it ended (``do_end_grades`` stamps ``updated_at``
    with ``ended_at``): a later amount in the bank's table says nothing about it."""
    grades = ManagerGrade.with_ended.filter(employer_id=employer_id)
    if ended is not None:
        grades = grades.filter(ended_at__isnull=not ended)
    current = Q(ended_at__isnull=True)
    authority_row = AuthorityTable.objects.filter(
        employer_id=OuterRef("employer_id"), manager_class=OuterRef("manager_class"), level=OuterRef("level")
    )
    authority_changed = Coalesce(Subquery(authority_row.values("updated_at")[:1]), F("updated_at"))
    return (
        grades.select_related("employee__user", "employer")
        .annotate(
            authority=Case(When(current, then=Subquery(authority_row.values("amount")[:1])), default=None),
            changed_at=Case(
                When(current, then=Greatest(F("updated_at"), authority_changed)),
                default=F("updated_at"),
                output_field=DateTimeField(),
            ),
        )
        .prefetch_related(Prefetch("changes", queryset=GradeChange.objects.order_by("-changed_at", "-pk")))
    )


def grade_of(user: User) -> ManagerGrade | None:
    """The person's own grade (with authority), or None."""
    return with_authority(ManagerGrade.objects.filter(employee__user_id=user.pk).select_related("employer")).first()


def history_of(grade: ManagerGrade) -> QuerySet[GradeChange]:
    return GradeChange.objects.filter(grade=grade).select_related("changed_by").order_by("-changed_at", "-pk")


def compliance_events_of(grade: ManagerGrade) -> QuerySet[ComplianceEvent]:
    return ComplianceEvent.objects.filter(grade=grade).order_by("-occurred_at", "-pk")


def compliance_counts(employers: QuerySet[Employer] | None = None) -> QuerySet[Employer]:
    """Per employer: ``graded``, ``compliant_count`` and ``non_compliant_count`` of its register (grades not ended,
    as ``ManagerGrade.objects``: the join does not go through that manager) — counts, never rows."""
    employers = employers if employers is not None else Employer.objects.all()
    current = Q(manager_grades__ended_at__isnull=True)
    return employers.annotate(
        graded=Count("manager_grades", filter=current),
        compliant_count=Count("manager_grades", filter=current & Q(manager_grades__compliant=True)),
        non_compliant_count=Count("manager_grades", filter=current & Q(manager_grades__compliant=False)),
    )


def events_of_day(*, day_start: datetime.datetime, day_end: datetime.datetime) -> QuerySet[ComplianceEvent]:
    """The compliance changes between two instants, with what the digest shows."""
    return (
        ComplianceEvent.objects.filter(occurred_at__gte=day_start, occurred_at__lt=day_end)
        .select_related("grade__employee__user", "grade__employer")
        .order_by("grade__employer_id", "occurred_at", "pk")
    )


def hr_staff_of(employer_ids: Any) -> QuerySet[User]:
    """The active HR staff members of these employers, with their membership."""
    return (
        User.objects.filter(employer_membership__employer_id__in=employer_ids, is_active=True)
        .select_related("employer_membership")
        .order_by("pk")
    )


# --- evaluations ---------------------------------------------------------------------------------


def _with_scores(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    scores = EvaluationScore.objects.select_related("dimension").order_by("dimension__position", "dimension_id")
    return evaluations.select_related("period__scheme", "employee__user").prefetch_related(
        Prefetch("scores", queryset=scores)
    )


def evaluations_of_employer(employer_id: int) -> QuerySet[Evaluation]:
    """A bank's evaluations with their period and scores: the only ones its HR staff and HR system read."""
    return _with_scores(Evaluation.objects.filter(employer_id=employer_id))


def evaluations_of(user: User) -> QuerySet[Evaluation]:
    """The person's own evaluations, latest period first (their My grade page)."""
    return _with_scores(Evaluation.objects.filter(employee__user_id=user.pk)).order_by("-period__starts_on", "-pk")


def scheme_of(employer_id: int) -> EvaluationScheme | None:
    """The bank's active scheme with its dimensions and thresholds, or None."""
    return (
        EvaluationScheme.objects.filter(employer_id=employer_id, active=True)
        .prefetch_related("dimensions", "thresholds")
        .first()
    )


def with_evaluation_counts(employers: QuerySet[Employer]) -> QuerySet[Employer]:
    """Per employer, ``evaluation_count``: how many evaluations it recorded — a count, never a score."""
    counted = (
        Evaluation.objects.filter(employer_id=OuterRef("pk"))
        .order_by()
        .values("employer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return employers.annotate(evaluation_count=Coalesce(Subquery(counted), 0))
