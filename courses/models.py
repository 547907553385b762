from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.bilingual import Bilingual


class Tier(Bilingual, models.Model):
    """A certification tier; ``level`` orders them (assistant 1, standard 2, senior 3)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    name_zh = models.CharField(_("name (zh-Hant)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    certificate_name_zh = models.CharField(_("certificate (zh-Hant)"), max_length=200)
    certificate_name_en = models.CharField(_("certificate (English)"), max_length=200)
    has_tracks = models.BooleanField(_("split into tracks"), default=False)

    class Meta:
        ordering = ["level"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def certificate_name(self) -> str:
        return self.localized("certificate_name")


class Track(Bilingual, models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (zh-Hant)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


class Course(Bilingual, models.Model):
    """A unified national course: one syllabus, one textbook, one exam subject."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title_zh = models.CharField(_("title (zh-Hant)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return f"{self.code} {self.localized('title')}"

    @property
    def title(self) -> str:
        return self.localized("title")


class Curriculum(models.Model):
    """What a tier (and track, where the tier has tracks) requires, with its hour plan."""

    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="curricula", verbose_name=_("tier"))
    track = models.ForeignKey(
        Track, on_delete=models.PROTECT, null=True, blank=True, related_name="curricula", verbose_name=_("track")
    )
    courses = models.ManyToManyField(Course, through="CurriculumCourse", related_name="curricula")
    teaching_days = models.DecimalField(_("teaching days"), max_digits=4, decimal_places=1)
    teaching_hours = models.PositiveSmallIntegerField(_("teaching class hours"))
    exam_prep_days = models.DecimalField(_("exam preparation days"), max_digits=4, decimal_places=1)
    exam_prep_hours = models.PositiveSmallIntegerField(_("exam preparation class hours"))

    class Meta:
        ordering = ["tier__level", "track__position"]
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")
        constraints = [
            models.UniqueConstraint(fields=["tier", "track"], name="curriculum_one_per_tier_track"),
            models.UniqueConstraint(
                fields=["tier"], condition=Q(track__isnull=True), name="curriculum_one_per_trackless_tier"
            ),
            models.CheckConstraint(condition=Q(teaching_days__gte=0), name="curriculum_teaching_days_positive"),
            models.CheckConstraint(condition=Q(exam_prep_days__gte=0), name="curriculum_prep_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} · {self.track}" if self.track_id else str(self.tier)

    @property
    def total_hours(self) -> int:
        return self.teaching_hours + self.exam_prep_hours

    @property
    def total_days(self) -> Decimal:
        return self.teaching_days + self.exam_prep_days


class CurriculumCourse(models.Model):
    class Role(models.TextChoices):
        CORE = "core", _("core")
        TRACK = "track", _("track")

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="entries")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="curriculum_entries")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.CORE)

    class Meta:
        ordering = ["course__code"]
        verbose_name = _("curriculum course")
        verbose_name_plural = _("curriculum courses")
        constraints = [models.UniqueConstraint(fields=["curriculum", "course"], name="curriculum_course_unique")]

    def __str__(self) -> str:
        return f"{self.curriculum}: {self.course.code}"


class Cohort(models.Model):
    """A training class an institution runs for one curriculum (tier and track)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for enrolment")
        CLOSED = "closed", _("enrolment closed")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("face-to-face")
        REMOTE = "remote", _("remote learning")
        SELF_STUDY = "self_study", _("self-study")

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("institution")
    )
    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("curriculum")
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    offers_face_to_face = models.BooleanField(_("face-to-face"), default=True)
    offers_remote = models.BooleanField(_("remote learning"), default=False)
    offers_self_study = models.BooleanField(_("self-study"), default=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    city = models.CharField(_("city"), max_length=100, blank=True, help_text=_("empty for an online cohort"))
    is_online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"))
    enrolment_opens_at = models.DateTimeField(_("enrolment opens"))
    enrolment_closes_at = models.DateTimeField(_("enrolment closes"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Seats held by pending, approved and in-training enrolments; changed only under the
    # cohort's row lock by the enrolment services, so it can never pass ``capacity``.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_dates_ordered"),
            models.CheckConstraint(
                condition=Q(enrolment_closes_at__gt=models.F("enrolment_opens_at")),
                name="cohort_enrolment_window_ordered",
            ),
            models.CheckConstraint(condition=Q(seats_taken__lte=models.F("capacity")), name="cohort_never_overbooked"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="cohort_capacity_positive"),
        ]
        indexes = [models.Index(fields=["status", "starts_on"], name="cohort_status_start_idx")]

    def __str__(self) -> str:
        return self.code


class Enrolment(models.Model):
    """A trainee in a cohort. States change only through ``courses.services``."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending approval")
        APPROVED = "approved", _("approved")
        IN_TRAINING = "in_training", _("in training")
        COMPLETED = "completed", _("completed")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    ACTIVE_STATES = (State.PENDING, State.APPROVED, State.IN_TRAINING)

    trainee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("trainee")
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("cohort"))
    # Denormalised from the cohort so that the database can enforce one active enrolment per
    # trainee and curriculum (tier and track).
    curriculum = models.ForeignKey(Curriculum, on_delete=models.PROTECT, related_name="+", verbose_name=_("curriculum"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    # Fixed at approval from the hour plan less credit for completed lower-tier training.
    teaching_hours_owed = models.PositiveSmallIntegerField(_("teaching hours owed"), null=True, blank=True)
    teaching_days_owed = models.DecimalField(_("teaching days owed"), max_digits=4, decimal_places=1, null=True, blank=True)
    exam_prep_hours_owed = models.PositiveSmallIntegerField(_("exam preparation hours owed"), null=True, blank=True)
    exam_prep_days_owed = models.DecimalField(
        _("exam preparation days owed"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    credited_hours = models.PositiveSmallIntegerField(_("credited hours"), default=0)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "curriculum"],
                condition=Q(state__in=["pending", "approved", "in_training"]),
                name="enrolment_one_active_per_curriculum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.cohort}"


class PriorLearning(models.Model):
    """Lower-tier training finished before the portal existed, entered by the program office."""

    trainee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="prior_learning", verbose_name=_("trainee")
    )
    curriculum = models.ForeignKey(Curriculum, on_delete=models.PROTECT, related_name="+", verbose_name=_("curriculum"))
    completed_on = models.DateField(_("completed on"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prior learning")
        verbose_name_plural = _("prior learning")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "curriculum"], name="prior_learning_once_per_curriculum")
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.curriculum}"
