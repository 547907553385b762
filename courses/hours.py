"""How many hours a trainee owes: the hour plan less credit for lower-tier training.

The program's rule (DOMAIN.md, "Training hours"): 已學過助理級銀行客戶經理專業的減去相應的課時 —
a trainee who already studied a lower tier has those teaching hours taken off. Our rules where
the notes are silent:

* Credit follows completed *training*, not a certificate.
* A completed training credits its whole teaching plan when it has no track (assistant) or the
  same track as the target; a standard training on the *other* track credits only what both
  tracks share, the largest track-less plan below it (the assistant hours).
* Credits do not add up: the largest one applies, since each higher plan contains the lower one.
* Exam preparation is never credited.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Plan:
    """One curriculum's hour plan, as plain values."""

    tier_level: int
    track: str | None
    teaching_days: Decimal
    teaching_hours: int
    exam_prep_days: Decimal
    exam_prep_hours: int


@dataclass(frozen=True)
class HoursOwed:
    teaching_days: Decimal
    teaching_hours: int
    exam_prep_days: Decimal
    exam_prep_hours: int
    credited_days: Decimal
    credited_hours: int

    @property
    def total_hours(self) -> int:
        return self.teaching_hours + self.exam_prep_hours

    @property
    def total_days(self) -> Decimal:
        return self.teaching_days + self.exam_prep_days


def _credit(done: Plan, target: Plan, plans: Sequence[Plan]) -> tuple[Decimal, int]:
    if done.tier_level >= target.tier_level:
        return Decimal(0), 0
    if done.track is None or done.track == target.track:
        return done.teaching_days, done.teaching_hours
    shared = [p for p in plans if p.track is None and p.tier_level < done.tier_level]
    if not shared:
        return Decimal(0), 0
    best = max(shared, key=lambda p: p.teaching_hours)
    return best.teaching_days, best.teaching_hours


def compute_hours_owed(target: Plan, completed: Iterable[Plan], plans: Sequence[Plan]) -> HoursOwed:
    """Hours owed for ``target`` by someone who completed the trainings in ``completed``.

    ``plans`` is the whole catalog of hour plans; it is consulted only for the part of an
    other-track training that counts. Never returns negative figures.
    """
    credited_days, credited_hours = Decimal(0), 0
    for done in completed:
        days, hours = _credit(done, target, plans)
        if hours > credited_hours:
            credited_days, credited_hours = days, hours
    credited_hours = min(credited_hours, target.teaching_hours)
    credited_days = min(credited_days, target.teaching_days)
    return HoursOwed(
        teaching_days=target.teaching_days - credited_days,
        teaching_hours=target.teaching_hours - credited_hours,
        exam_prep_days=target.exam_prep_days,
        exam_prep_hours=target.exam_prep_hours,
        credited_days=credited_days,
        credited_hours=credited_hours,
    )
