"""Training: enrolments by state, hours done against hours owed by mode, completion and withdrawals.

One row of ``TrainingFigure`` is a (cohort, enrolment state): how many enrolments, how many of them
were ever admitted (their hours owed were fixed at approval), the hours they owe (teaching, exam
preparation) and the hours they have done by mode, summed in the database. Hours are counted as
``courses.selectors.progress`` counts them: attendance at face-to-face sessions; live remote
sessions and recorded modules as remote learning; self-study once confirmed; exam preparation in
any mode on its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from courses.models import (
    Attendance,
    Cohort,
    Enrolment,
    Purpose,
    RemoteCompletion,
    SelfStudyEntry,
    Tier,
    Track,
    TrainingSession,
)

from . import summary_sql
from .scope import Scope
from .statistics import Rate


def _hours(name: Any) -> Any:
    return models.DecimalField(name, max_digits=14, decimal_places=1, default=0)


class TrainingFigure(summary_sql.Summary):
    institution = summary_sql.ref(Institution, _("institution"))
    cohort = summary_sql.ref(Cohort, _("cohort"))
    tier = summary_sql.ref(Tier, _("tier"))
    track = summary_sql.ref(Track, _("track"), null=True)
    state = models.CharField(_("state"), max_length=20, choices=Enrolment.State.choices)
    enrolments = models.PositiveIntegerField(_("enrolments"))
    admitted = models.PositiveIntegerField(_("admitted"))
    teaching_owed = _hours(_("teaching hours owed"))
    exam_prep_owed = _hours(_("exam preparation hours owed"))
    face_to_face = _hours(_("face-to-face"))
    remote = _hours(_("remote learning"))
    self_study = _hours(_("self-study"))
    exam_prep = _hours(_("exam preparation"))

    class Meta:
        verbose_name = _("training figure")
        verbose_name_plural = _("training figures")
        indexes = [models.Index(fields=["institution"], name="sup_training_institution_idx")]


MODES = ("face_to_face", "remote", "self_study", "exam_prep")


def recompute() -> None:
    """Four aggregate queries (enrolments; attendance; recorded modules; self-study), merged by
    (cohort, state): a loop over aggregate rows, never over enrolments or hours."""
    figures: dict[tuple[int, str], TrainingFigure] = {}
    for row in (
        Enrolment.objects.order_by()
        .values(
            "cohort_id",
            "state",
            "cohort__institution_id",
            "cohort__curriculum__tier_id",
            "cohort__curriculum__track_id",
        )
        .annotate(
            n=Count("pk"),
            admitted_n=Count("pk", filter=Q(teaching_hours_owed__isnull=False)),
            teaching=Sum("teaching_hours_owed"),
            prep=Sum("exam_prep_hours_owed"),
        )
    ):
        figures[(row["cohort_id"], row["state"])] = TrainingFigure(
            institution_id=row["cohort__institution_id"],
            cohort_id=row["cohort_id"],
            tier_id=row["cohort__curriculum__tier_id"],
            track_id=row["cohort__curriculum__track_id"],
            state=row["state"],
            enrolments=row["n"],
            admitted=row["admitted_n"],
            teaching_owed=Decimal(row["teaching"] or 0),
            exam_prep_owed=Decimal(row["prep"] or 0),
        )
    teaching, prep = Q(session__purpose=Purpose.TEACHING), Q(session__purpose=Purpose.EXAM_PREP)
    live_remote = Q(session__mode=TrainingSession.Mode.LIVE_REMOTE)
    hours: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in (
        Attendance.objects.order_by()
        .values(cohort=F("enrolment__cohort_id"), state=F("enrolment__state"))
        .annotate(
            f2f=Sum("hours", filter=teaching & ~live_remote),
            live=Sum("hours", filter=teaching & live_remote),
            ep=Sum("hours", filter=prep),
        )
    ):
        key = (row["cohort"], row["state"])
        hours[key]["face_to_face"] += row["f2f"] or 0
        hours[key]["remote"] += row["live"] or 0
        hours[key]["exam_prep"] += row["ep"] or 0
    for row in (
        RemoteCompletion.objects.order_by()
        .values(cohort=F("enrolment__cohort_id"), state=F("enrolment__state"))
        .annotate(
            taught=Sum("module__hours", filter=Q(module__purpose=Purpose.TEACHING)),
            ep=Sum("module__hours", filter=Q(module__purpose=Purpose.EXAM_PREP)),
        )
    ):
        key = (row["cohort"], row["state"])
        hours[key]["remote"] += row["taught"] or 0
        hours[key]["exam_prep"] += row["ep"] or 0
    for row in (
        SelfStudyEntry.objects.filter(status=SelfStudyEntry.Status.CONFIRMED)
        .order_by()
        .values(cohort=F("enrolment__cohort_id"), state=F("enrolment__state"))
        .annotate(total=Sum("hours"))
    ):
        hours[(row["cohort"], row["state"])]["self_study"] += row["total"] or 0
    for key, done in hours.items():
        figure = figures.get(key)
        if figure is not None:  # hours always belong to an enrolment, so to a (cohort, state)
            for mode in MODES:
                setattr(figure, mode, done[mode])
    summary_sql.replace_with(TrainingFigure, figures.values())


# --- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingTotals:
    by_state: list[tuple[str, str, int]]  # (state, label, enrolments)
    enrolments: int
    admitted: int
    completed: int
    withdrawn: int  # every withdrawal, before or after admission
    withdrawn_admitted: int  # withdrawn after admission (their hours were owed)
    owed: dict[str, Decimal]  # "teaching", "exam_prep": of the admitted enrolments still counted
    done: dict[str, Decimal]  # by mode, of the same enrolments

    @property
    def completion(self) -> Rate:
        """Completed of the enrolments ever admitted (completed, training, or withdrawn after admission)."""
        return Rate(self.completed, self.admitted)

    @property
    def withdrawal(self) -> Rate:
        return Rate(self.withdrawn_admitted, self.admitted)


def totals(scope: Scope) -> TrainingTotals:
    """The page's figures in one query over the summary."""
    rows = list(
        scope.filter(TrainingFigure.objects.all())
        .values("state")
        .annotate(
            n=Sum("enrolments"),
            admitted_n=Sum("admitted"),
            teaching=Sum("teaching_owed"),
            prep=Sum("exam_prep_owed"),
            **{mode: Sum(mode) for mode in MODES},
        )
        .order_by("state")
    )
    by_state = {r["state"]: r for r in rows}
    labels = dict(Enrolment.State.choices)
    counted = [by_state[s] for s in Enrolment.ADMITTED_STATES if s in by_state]
    withdrawn = by_state.get(Enrolment.State.WITHDRAWN, {})
    return TrainingTotals(
        by_state=[(state, str(labels[state]), int(by_state.get(state, {}).get("n") or 0)) for state in labels],
        enrolments=sum(int(r["n"] or 0) for r in rows),
        admitted=sum(int(r["admitted_n"] or 0) for r in rows),
        completed=int(by_state.get(Enrolment.State.COMPLETED, {}).get("n") or 0),
        withdrawn=int(withdrawn.get("n") or 0),
        withdrawn_admitted=int(withdrawn.get("admitted_n") or 0),
        owed={
            "teaching": sum((Decimal(r["teaching"] or 0) for r in counted), Decimal(0)),
            "exam_prep": sum((Decimal(r["prep"] or 0) for r in counted), Decimal(0)),
        },
        done={mode: sum((Decimal(r[mode] or 0) for r in counted), Decimal(0)) for mode in MODES},
    )


@dataclass(frozen=True)
class CompletionRow:
    key: Any
    label: str
    admitted: int
    completed: int
    withdrawn_admitted: int

    @property
    def completion(self) -> Rate:
        return Rate(self.completed, self.admitted)


def completion_by_institution(scope: Scope) -> list[CompletionRow]:
    rows = (
        scope.filter(TrainingFigure.objects.all())
        .values("institution_id")
        .annotate(
            admitted_n=Sum("admitted"),
            completed=Sum("enrolments", filter=Q(state=Enrolment.State.COMPLETED)),
            withdrawn=Sum("admitted", filter=Q(state=Enrolment.State.WITHDRAWN)),
        )
        .order_by("institution_id")
    )
    return [
        CompletionRow(
            r["institution_id"], "", int(r["admitted_n"] or 0), int(r["completed"] or 0), int(r["withdrawn"] or 0)
        )
        for r in rows
    ]
