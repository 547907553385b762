"""Reads of the national catalog."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from .hours import HoursOwed, Plan, compute_hours_owed
from .models import Curriculum, CurriculumCourse, Tier


def tiers() -> QuerySet[Tier]:
    return Tier.objects.all()


def curricula_of_tier(tier: Tier) -> QuerySet[Curriculum]:
    return (
        Curriculum.objects.filter(tier=tier)
        .select_related("tier", "track")
        .prefetch_related(Prefetch("entries", queryset=CurriculumCourse.objects.select_related("course")))
    )


def plan_of(curriculum: Curriculum) -> Plan:
    return Plan(
        tier_level=curriculum.tier.level,
        track=curriculum.track.code if curriculum.track_id else None,
        teaching_days=curriculum.teaching_days,
        teaching_hours=curriculum.teaching_hours,
        exam_prep_days=curriculum.exam_prep_days,
        exam_prep_hours=curriculum.exam_prep_hours,
    )


def all_plans() -> list[Plan]:
    return [plan_of(c) for c in Curriculum.objects.select_related("tier", "track")]


def hours_owed(curriculum: Curriculum, completed: Iterable[Curriculum]) -> HoursOwed:
    """Hours owed for ``curriculum`` after the completed lower-tier trainings ``completed``."""
    return compute_hours_owed(plan_of(curriculum), [plan_of(c) for c in completed], all_plans())


@dataclass(frozen=True)
class TrackOverview:
    curriculum: Curriculum
    entries: list[CurriculumCourse]
    owed: HoursOwed
    credits: list[tuple[Curriculum, HoursOwed]]


def tier_overview(tier: Tier) -> list[TrackOverview]:
    """Each curriculum of ``tier`` with its courses, its plan, and what lower trainings credit.

    Three queries whatever the tier: the whole catalog of plans is small and read once.
    """
    everything = list(Curriculum.objects.select_related("tier", "track"))
    plans = [plan_of(c) for c in everything]
    overview = []
    for curriculum in curricula_of_tier(tier):
        target = plan_of(curriculum)
        lower = [
            c
            for c in everything
            if c.tier.level < tier.level and (c.track_id is None or c.track_id == curriculum.track_id)
        ]
        overview.append(
            TrackOverview(
                curriculum=curriculum,
                entries=list(curriculum.entries.all()),
                owed=compute_hours_owed(target, [], plans),
                credits=[(c, compute_hours_owed(target, [plan_of(c)], plans)) for c in lower],
            )
        )
    return overview
