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
