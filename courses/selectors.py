"""Reads of the national catalog and of training delivery."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Case, Count, DecimalField, F, Max, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.bilingual import in_current_language
from core import display
from core.prepared import PreparedRows

from .hours import HoursOwed, Plan, compute_hours_owed
from .models import (
    Attendance,
    City,
    Cohort,
    Course,
    Curriculum,
    CurriculumCourse,
    Enrolment,
    PriorLearning,
    Purpose,
    RemoteCompletion,
    SelfStudyEntry,
    SyllabusTopic,
    SyllabusVersion,
    Tier,
    TrainingSession,
)

if TYPE_CHECKING:
    from accounts.models import User

Record = TypeVar("Record", Attendance, RemoteCompletion)


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
        track=curriculum.track.code if curriculum.track is not None else None,
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


def open_cohort_counts(tier: Tier) -> dict[int, int]:
    """How many cohorts of each of ``tier``'s curricula take enrolments now, by curriculum id (one query)."""
    rows = (
        open_cohorts(tier=tier.code)
        .order_by()
        .values("curriculum_id")
        .annotate(n=Count("pk"))
        .values_list("curriculum_id", "n")
    )
    return dict(rows)


# --- training delivery ---------------------------------------------------------------------


def completed_curricula(trainee: User) -> list[Curriculum]:
    """Curricula whose training ``trainee`` completed: on the portal, or before it (prior learning)."""
    ids = set(
        Enrolment.objects.filter(trainee=trainee, state=Enrolment.State.COMPLETED).values_list(
            "curriculum_id", flat=True
        )
    ) | set(PriorLearning.objects.filter(trainee=trainee).values_list("curriculum_id", flat=True))
    return list(Curriculum.objects.filter(pk__in=ids).select_related("tier", "track"))


@dataclass(frozen=True)
class NextOption:
    """One curriculum of the next tier: the hours owed there after the credit, and its open cohorts."""

    curriculum: Curriculum
    owed: HoursOwed
    open_cohorts: int


@dataclass(frozen=True)
class NextStep:
    """What follows a completed tier (延伸學習方案): the next tier's curricula, or none after the highest."""

    completed: Curriculum
    tier: Tier | None
    options: list[NextOption]


def next_step(trainee: User) -> NextStep | None:
    """The step after the highest tier ``trainee`` completed, or None: nothing completed yet, or an
    enrolment in the next tier already under way (pending, approved or in training)."""
    completed = completed_curricula(trainee)
    if not completed:
        return None
    top = max(completed, key=lambda c: c.tier.level)
    tier = Tier.objects.filter(level__gt=top.tier.level).order_by("level").first()
    if tier is None:
        return NextStep(completed=top, tier=None, options=[])
    under_way = Enrolment.objects.filter(
        trainee=trainee, curriculum__tier=tier, state__in=[*Enrolment.TRAINING_STATES, Enrolment.State.PENDING]
    )
    if under_way.exists():
        return None
    counts = open_cohort_counts(tier)
    plans = all_plans()
    done = [plan_of(c) for c in completed]
    options = [
        NextOption(curriculum=c, owed=compute_hours_owed(plan_of(c), done, plans), open_cohorts=counts.get(c.pk, 0))
        for c in Curriculum.objects.filter(tier=tier).select_related("tier", "track").order_by("track__code")
    ]
    return NextStep(completed=top, tier=tier, options=options)


#: What a cohort's name reads (``Cohort.name``), as ``values_list`` columns from the cohort: pass a row's
#: values of them, in this order, to :func:`cohort_name`.
COHORT_NAME_COLUMNS = (
    "institution__name_zh", "institution__name_en", "curriculum__tier__name_zh", "curriculum__tier__name_en",
    "curriculum__track__name_zh", "curriculum__track__name_en", "starts_on",
)  # fmt: skip


def cohort_name(columns: Sequence[Any]) -> str:
    """``Cohort.name`` from a row's values of ``COHORT_NAME_COLUMNS``, for a page that reads rows, not instances."""
    institution_zh, institution_en, tier_zh, tier_en, track_zh, track_en, starts_on = columns
    parts = [in_current_language(institution_zh, institution_en), in_current_language(tier_zh, tier_en)]
    if track_zh is not None:  # no track: the joined columns are NULL
        parts.append(in_current_language(track_zh, track_en or ""))
    parts.append(display.date(starts_on, "YEAR_MONTH_FORMAT"))
    return " · ".join(parts)


def cohorts_with_catalog(queryset: QuerySet[Cohort] | None = None) -> QuerySet[Cohort]:
    queryset = Cohort.objects.all() if queryset is None else queryset
    return queryset.select_related("institution", "curriculum__tier", "curriculum__track")


def cohorts_for_sessions(cohorts: QuerySet[Cohort], *, today: datetime.date | None = None) -> QuerySet[Cohort]:
    """``cohorts`` in the order a session's cohort is chosen from: those not ended yet first (the earliest start
    first, so the cohorts under way lead), then the ended ones (past their last day, or finished: ``Cohort.ended``,
    the approval mail's rule too), the most recent first. Ended cohorts stay offered: a session is entered once held
    and its attendance from its day on (``services.check_session_held``), so the last days' sessions of a cohort are
    often entered after it ended."""
    ended = Cohort.ended(today or timezone.localdate())
    return cohorts.select_related("institution", "curriculum__tier", "curriculum__track").order_by(  # their names
        Case(When(ended, then=Value(1)), default=Value(0)),
        Case(When(ended, then=None), default=F("starts_on")).asc(nulls_last=True),
        Case(When(ended, then=F("ends_on")), default=None).desc(nulls_last=True),
        "code",
    )


def trainee_records(queryset: QuerySet[Record]) -> QuerySet[Record]:
    """Attendance or remote completions with what their admin rows show: the trainee, the cohort as it is
    named, and who recorded the row (read with the rows, not once a row)."""
    return queryset.select_related(
        "enrolment__trainee",
        "enrolment__cohort__institution",
        "enrolment__cohort__curriculum__tier",
        "enrolment__cohort__curriculum__track",
        "recorded_by",
    )


def open_cohorts(
    *,
    tier: str = "",
    track: str = "",
    city: str = "",
    mode: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet[Cohort]:
    """Cohorts open for enrolment whose window has not closed, filtered by the trainee's choices.

    ``mode`` is a ``Cohort.Mode`` value; ``city`` "online" means online cohorts.
    """
    now = now or timezone.now()
    cohorts = cohorts_with_catalog().filter(status=Cohort.Status.OPEN, enrolment_closes_at__gt=now)
    if tier:
        cohorts = cohorts.filter(curriculum__tier__code=tier)
    if track:
        cohorts = cohorts.filter(curriculum__track__code=track)
    if city == "online":
        cohorts = cohorts.filter(is_online=True)
    elif city:
        cohorts = cohorts.filter(city=city, is_online=False)
    if mode in {m.value for m in Cohort.Mode}:
        cohorts = cohorts.filter(**{f"offers_{mode}": True})
    return cohorts.order_by("starts_on", "code")


def cohorts_version() -> tuple[object, ...]:
    """Changes whenever a cohort is added or saved (seats included): part of the catalog's cache key."""
    return tuple(Cohort.objects.aggregate(last=Max("updated_at"), top=Max("id")).values())


def cohort_cities() -> list[tuple[str, str]]:
    """(code, label in the current language) of the cities with an open cohort, in the list's order."""
    codes = set(
        Cohort.objects.filter(status=Cohort.Status.OPEN, is_online=False)
        .exclude(city="")
        .values_list("city", flat=True)
        .distinct()
    )
    return [(str(city.value), str(city.label)) for city in City if city.value in codes]


def enrolments_of(trainee: User) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(trainee=trainee)
        .select_related(
            "cohort__institution",
            "cohort__curriculum__tier",
            "cohort__curriculum__track",
            "curriculum__tier",
            "curriculum__track",
        )
        .order_by("-created_at")
    )


def enrolments_in_training(*, cohort_id: int | None) -> QuerySet[Enrolment]:
    """The cohort's enrolments that have hours recorded (approved or in training), with their trainees;
    none for a session not yet given its cohort (an admin form being filled in)."""
    if cohort_id is None:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(cohort_id=cohort_id, state__in=Enrolment.TRAINING_STATES).select_related("trainee")


def cohort_roster(cohort_id: int) -> QuerySet[Enrolment]:
    """The cohort's enrolments but rejected applications, by trainee's name, each with ``attended``: the hours
    of the cohort's sessions recorded for it (0 before any). One query (the cohort's page in the admin)."""
    return (
        Enrolment.objects.filter(cohort_id=cohort_id)
        .exclude(state=Enrolment.State.REJECTED)
        .select_related("trainee")
        .annotate(attended=Coalesce(Sum("attendances__hours"), Value(Decimal(0)), output_field=DecimalField()))
        .order_by("trainee__display_name", "pk")
    )


def upcoming_sessions(
    trainee: User, *, today: datetime.date | None = None, limit: int = 10
) -> QuerySet[TrainingSession]:
    """Sessions (face-to-face and live remote) ahead of ``trainee`` in the cohorts they are approved for."""
    today = today or timezone.localdate()
    return (
        TrainingSession.objects.filter(
            cohort__enrolments__trainee=trainee,
            cohort__enrolments__state__in=Enrolment.TRAINING_STATES,
            held_on__gte=today,
        )
        .select_related(
            "cohort__institution",
            "cohort__curriculum__tier",
            "cohort__curriculum__track",
            "course",
            "teacher_person__user",
        )
        .order_by("held_on", "starts_at", "pk")[:limit]
    )


def next_session_of_cohort(cohort_id: int, *, today: datetime.date | None = None) -> TrainingSession | None:
    """The cohort's first session from ``today`` (local date) on, or ``None`` when none is planned."""
    today = today or timezone.localdate()
    return (
        TrainingSession.objects.filter(cohort_id=cohort_id, held_on__gte=today)
        .order_by("held_on", "starts_at", "pk")
        .first()
    )


def teachers_of_cohort(cohort_id: int) -> list[str]:
    """The names of who teaches the cohort's sessions, in the current language, in the order they first teach."""
    return list(dict.fromkeys(s.teacher_name for s in _TEACHING_SESSIONS(cohort_id)))


# A cohort's page reads these on every visit: SQL composed once per connection (core.prepared, issue 20).
_TEACHING_SESSIONS = PreparedRows(
    lambda cohort_id: (
        TrainingSession.objects.filter(cohort_id=cohort_id)
        .select_related("teacher_person__user")
        .only("teacher", "teacher_en", "teacher_person__user__display_name", "held_on", "starts_at")
        .order_by("held_on", "starts_at", "pk")
    )
)


def visible_cohort(code: str) -> Cohort | None:
    """The cohort of ``code`` with what its name reads, unless it is a draft (nobody sees those)."""
    found = _VISIBLE_COHORT(code)
    return found[0] if found else None  # codes are unique


_VISIBLE_COHORT = PreparedRows(
    lambda code: cohorts_with_catalog().exclude(status=Cohort.Status.DRAFT).filter(code=code)
)


def self_study_of(trainee: User, *, limit: int = 20) -> QuerySet[SelfStudyEntry]:
    return (
        SelfStudyEntry.objects.filter(enrolment__trainee=trainee)
        .select_related("course", "enrolment__cohort")
        .order_by("-studied_on", "-pk")[:limit]
    )


def _zero() -> Decimal:
    return Decimal(0)


@dataclass
class CourseProgress:
    course: Course
    hours: Decimal
    target: Decimal | None  # its share of the teaching hours owed (course_targets); None if credited or unfixed
    credited: bool  # studied in a completed lower-tier training

    @property
    def percent(self) -> int:
        if self.credited:
            return 100
        if not self.target:
            return 0
        return min(100, int(self.hours * 100 / self.target))

    @property
    def met(self) -> bool:
        """Its hours reach its target: the page says "8 h (5 h required: met)", never "8 of 5 h"."""
        return self.target is not None and 0 < self.target <= self.hours


@dataclass
class Progress:
    """Hours done by mode and by course against the hours an enrolment owes.

    Teaching and exam preparation are owed each on its own: exam preparation counts toward
    exam preparation whatever its mode (face-to-face, live remote, a recorded module), never
    toward teaching, and the other way round. ``face_to_face``, ``remote`` and ``self_study`` are
    teaching hours; ``remote`` holds live remote sessions and recorded modules alike. Self-study
    counts once confirmed (``self_study_pending`` is awaiting the institution).
    """

    enrolment: Enrolment
    face_to_face: Decimal = field(default_factory=_zero)
    remote: Decimal = field(default_factory=_zero)
    self_study: Decimal = field(default_factory=_zero)
    self_study_pending: Decimal = field(default_factory=_zero)
    exam_prep_face_to_face: Decimal = field(default_factory=_zero)
    exam_prep_remote: Decimal = field(default_factory=_zero)
    courses: list[CourseProgress] = field(default_factory=list)

    @property
    def teaching_owed(self) -> int | None:
        return self.enrolment.teaching_hours_owed

    @property
    def exam_prep_owed(self) -> int | None:
        return self.enrolment.exam_prep_hours_owed

    @property
    def owed(self) -> int | None:
        return self.enrolment.hours_owed

    @property
    def teaching_done(self) -> Decimal:
        return self.face_to_face + self.remote + self.self_study

    @property
    def exam_prep(self) -> Decimal:
        """Exam-preparation hours done, in any mode."""
        return self.exam_prep_face_to_face + self.exam_prep_remote

    @property
    def total_done(self) -> Decimal:
        return self.teaching_done + self.exam_prep

    @property
    def teaching_complete(self) -> bool:
        return self.teaching_owed is not None and self.teaching_done >= self.teaching_owed

    @property
    def exam_prep_complete(self) -> bool:
        return self.exam_prep_owed is not None and self.exam_prep >= self.exam_prep_owed

    @property
    def complete(self) -> bool:
        """Teaching done reaches teaching owed AND exam preparation done reaches exam preparation owed
        (each on its own, not their sum; fixed at approval, so never complete before)."""
        return self.teaching_complete and self.exam_prep_complete

    def percent_of_owed(self, hours: Decimal) -> int:
        if not self.owed:
            return 0
        return min(100, int(hours * 100 / self.owed))

    def _counted(self) -> tuple[Decimal, Decimal]:
        """(teaching, exam preparation) hours that count: each part up to what it owes."""
        teaching = min(self.teaching_done, Decimal(self.teaching_owed or 0))
        prep = min(self.exam_prep, Decimal(self.exam_prep_owed or 0))
        return teaching, prep

    @property
    def modes(self) -> list[tuple[str, str, Decimal, int]]:
        """(mode, label, hours, percent of the hours owed) for the bars, in a fixed order.

        The teaching modes, then exam preparation (every mode of it). A part's percents stop at its
        share of the hours owed: extra teaching does not fill the exam-preparation share.
        """
        from django.utils.translation import gettext as _

        teaching, prep = self._counted()

        def share(hours: Decimal, done: Decimal, counted: Decimal) -> int:
            return self.percent_of_owed(hours * counted / done) if done else 0

        rows = [
            ("face_to_face", _("face-to-face"), self.face_to_face, teaching, self.teaching_done),
            ("remote", _("remote learning"), self.remote, teaching, self.teaching_done),
            ("self_study", _("self-study"), self.self_study, teaching, self.teaching_done),
            ("exam_prep", _("exam preparation"), self.exam_prep, prep, self.exam_prep),
        ]
        return [(mode, label, hours, share(hours, done, counted)) for mode, label, hours, counted, done in rows]

    @property
    def exam_prep_modes(self) -> list[tuple[str, str, Decimal]]:
        """(mode, label, hours) of exam preparation by how it was delivered."""
        from django.utils.translation import gettext as _

        return [
            ("face_to_face", _("face-to-face"), self.exam_prep_face_to_face),
            ("remote", _("remote learning"), self.exam_prep_remote),
        ]

    @property
    def percent(self) -> int:
        """How far toward completion: the hours that count (each part up to what it owes) of all owed."""
        teaching, prep = self._counted()
        return self.percent_of_owed(teaching + prep)


def course_targets(owed: int, class_hours: Sequence[Decimal]) -> list[Decimal]:
    """Each course's share of the ``owed`` teaching hours, in the order of ``class_hours`` (theirs).

    A course's share is its class hours scaled to what is owed: the courses of a curriculum add up to
    its teaching hours, so an enrolment that owes them all gets each course's own class hours. The
    shares are in tenths of an hour that add up to ``owed`` (largest remainder: 64 h over three
    courses of equal weight are 21.4, 21.3 and 21.3 h). When no course has class hours, an equal split.
    """
    if not class_hours:
        return []
    weights = list(class_hours) if any(class_hours) else [Decimal(1)] * len(class_hours)
    total = sum(weights, Decimal(0))
    exact = [Decimal(owed * 10) * weight / total for weight in weights]  # in tenths of an hour
    tenths = [int(share) for share in exact]  # rounded down: the shares are never negative
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - tenths[i], reverse=True)
    for i in by_remainder[: owed * 10 - sum(tenths)]:
        tenths[i] += 1
    return [Decimal(t) / 10 for t in tenths]


def progress_of_many(enrolments: Sequence[Enrolment]) -> dict[int, Progress]:
    """Progress of each enrolment, keyed by id, in six queries whatever their number."""
    result = {e.pk: Progress(enrolment=e) for e in enrolments}
    if not result:
        return result
    ids = list(result)
    trainee_ids = {e.trainee_id for e in enrolments}
    entries = list(CurriculumCourse.objects.select_related("course", "curriculum__tier", "curriculum__track"))
    courses_of: dict[int, list[CurriculumCourse]] = defaultdict(list)
    curricula: dict[int, Curriculum] = {}
    for entry in entries:
        courses_of[entry.curriculum_id].append(entry)
        curricula[entry.curriculum_id] = entry.curriculum
    done: dict[int, set[int]] = defaultdict(set)
    for trainee_id, curriculum_id in Enrolment.objects.filter(
        trainee_id__in=trainee_ids, state=Enrolment.State.COMPLETED
    ).values_list("trainee_id", "curriculum_id"):
        done[trainee_id].add(curriculum_id)
    for trainee_id, curriculum_id in PriorLearning.objects.filter(trainee_id__in=trainee_ids).values_list(
        "trainee_id", "curriculum_id"
    ):
        done[trainee_id].add(curriculum_id)

    per_course: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(_zero))
    for row in (
        Attendance.objects.filter(enrolment_id__in=ids)
        .values("enrolment_id", "session__purpose", "session__mode", "session__course_id")
        .annotate(total=Sum("hours"))
    ):
        p = result[row["enrolment_id"]]
        live_remote = row["session__mode"] == TrainingSession.Mode.LIVE_REMOTE
        if row["session__purpose"] == Purpose.EXAM_PREP:
            if live_remote:
                p.exam_prep_remote += row["total"]
            else:
                p.exam_prep_face_to_face += row["total"]
            continue
        if live_remote:
            p.remote += row["total"]
        else:
            p.face_to_face += row["total"]
        per_course[p.enrolment.pk][row["session__course_id"]] += row["total"]
    for row in (
        RemoteCompletion.objects.filter(enrolment_id__in=ids)
        .values("enrolment_id", "module__purpose", "module__course_id")
        .annotate(total=Sum("module__hours"))
    ):
        p = result[row["enrolment_id"]]
        if row["module__purpose"] == Purpose.EXAM_PREP:
            p.exam_prep_remote += row["total"]
            continue
        p.remote += row["total"]
        per_course[row["enrolment_id"]][row["module__course_id"]] += row["total"]
    for row in (
        SelfStudyEntry.objects.filter(enrolment_id__in=ids)
        .exclude(status=SelfStudyEntry.Status.REJECTED)
        .values("enrolment_id", "course_id", "status")
        .annotate(total=Sum("hours"))
    ):
        p = result[row["enrolment_id"]]
        if row["status"] == SelfStudyEntry.Status.CONFIRMED:
            p.self_study += row["total"]
            per_course[row["enrolment_id"]][row["course_id"]] += row["total"]
        else:
            p.self_study_pending += row["total"]

    for p in result.values():
        e = p.enrolment
        target_curriculum = curricula.get(e.curriculum_id)
        credited_courses: set[int] = set()
        if e.credited_hours and target_curriculum is not None:
            for curriculum_id in done[e.trainee_id]:
                lower = curricula.get(curriculum_id)
                if (
                    lower
                    and lower.tier.level < target_curriculum.tier.level
                    and (lower.track_id is None or lower.track_id == target_curriculum.track_id)
                ):
                    credited_courses |= {entry.course_id for entry in courses_of[curriculum_id]}
        own = courses_of.get(e.curriculum_id, [])
        owed_courses = [entry for entry in own if entry.course_id not in credited_courses]
        targets: dict[int, Decimal] = {}
        if e.teaching_hours_owed is not None:
            shares = course_targets(e.teaching_hours_owed, [entry.course.class_hours for entry in owed_courses])
            targets = {entry.course_id: share for entry, share in zip(owed_courses, shares, strict=True)}
        p.courses = [
            CourseProgress(
                course=entry.course,
                hours=per_course[e.pk][entry.course_id],
                target=targets.get(entry.course_id),
                credited=entry.course_id in credited_courses,
            )
            for entry in own
        ]
    return result


def progress(enrolment: Enrolment) -> Progress:
    """Hours done per mode and per course against the hours ``enrolment`` owes."""
    return progress_of_many([enrolment])[enrolment.pk]


def training_complete(enrolment: Enrolment) -> bool:
    """Whether teaching and exam preparation each reach what is owed (what certification asks before an exam)."""
    return progress(enrolment).complete


def enrolments_of_employer(employer_id: int) -> QuerySet[Enrolment]:
    """The enrolments of an employer's employees: the only ones its HR system (hr_api) sees."""
    return Enrolment.objects.filter(trainee__trainee_profile__employer_id=employer_id)


# --- the unified syllabus ------------------------------------------------------------------


def _versions_in_force(on: datetime.date) -> QuerySet[SyllabusVersion]:
    return SyllabusVersion.objects.filter(
        Q(in_force_until__isnull=True) | Q(in_force_until__gte=on), in_force_from__lte=on
    )


def syllabus_in_force(course: Course | int, *, on: datetime.date | None = None) -> SyllabusVersion | None:
    """The syllabus version of ``course`` in force on ``on`` (today by default), with its topics in
    order; ``None`` when the program office has none for that day. Two queries."""
    course_id = course if isinstance(course, int) else course.pk
    return (
        _versions_in_force(on or timezone.localdate())
        .filter(course_id=course_id)
        .select_related("course")
        .prefetch_related(Prefetch("topics", queryset=SyllabusTopic.objects.order_by("position")))
        .first()
    )


def syllabus_of_cohort(cohort: Cohort, course: Course | int) -> SyllabusVersion | None:
    """The syllabus that applies to a cohort: the version of ``course`` in force on the cohort's start date."""
    return syllabus_in_force(course, on=cohort.starts_on)


def syllabus_versions_of(course: Course) -> QuerySet[SyllabusVersion]:
    """Every version of a course, the latest first (their dates only are read by the course page)."""
    return (
        SyllabusVersion.objects.filter(course=course)
        .order_by("-in_force_from")
        .only("pk", "course_id", "in_force_from", "in_force_until")
    )


def overlapping_syllabus_versions(
    *,
    course: Course,
    in_force_from: datetime.date,
    in_force_until: datetime.date | None,
    exclude_id: int | None = None,
) -> QuerySet[SyllabusVersion]:
    """The versions of ``course`` whose period shares a day with ``in_force_from``–``in_force_until``
    (an empty end: for ever). Both periods include their first and last day."""
    versions = SyllabusVersion.objects.filter(
        Q(in_force_until__isnull=True) | Q(in_force_until__gte=in_force_from), course=course
    )
    if in_force_until is not None:
        versions = versions.filter(in_force_from__lte=in_force_until)
    if exclude_id is not None:
        versions = versions.exclude(pk=exclude_id)
    return versions.order_by("in_force_from")


def curricula_of_course(course: Course) -> QuerySet[CurriculumCourse]:
    """Where a course belongs: its curricula's entries with their tier and track, lowest tier first."""
    return (
        CurriculumCourse.objects.filter(course=course)
        .select_related("curriculum__tier", "curriculum__track")
        .order_by("curriculum__tier__level", "curriculum__track__position")
    )


def courses_of_curriculum(curriculum_id: int) -> QuerySet[CurriculumCourse]:
    """A curriculum's courses, in code order, with the course."""
    return (
        CurriculumCourse.objects.filter(curriculum_id=curriculum_id).select_related("course").order_by("course__code")
    )


def entries_of_curriculum(curriculum_id: int) -> list[CurriculumCourse]:
    """``courses_of_curriculum`` read by SQL composed once per connection (core.prepared): a cohort's page."""
    return _ENTRIES_OF_CURRICULUM(curriculum_id)


_ENTRIES_OF_CURRICULUM = PreparedRows(courses_of_curriculum)
