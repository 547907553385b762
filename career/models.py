"""The career register: each customer manager's grade (class and level), the bank's lending authority per
grade, the program office's certificate rule, and every change and compliance event with its reason.

Rows change only through ``career.services``; a bank's rows are its own (``accounts.scoping.EmployerScopedAdmin``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Employer
from core.fields import acting_user


class ManagerClass(models.TextChoices):
    """The class of a customer manager (the same codes as ``TraineeProfile.ManagerClass``)."""

    PERSONAL = "personal", pgettext_lazy("manager class", "personal")
    CORPORATE = "corporate", pgettext_lazy("manager class", "corporate")
    COMPREHENSIVE = "comprehensive", pgettext_lazy("manager class", "comprehensive")


class ManagerLevel(models.TextChoices):
    JUNIOR = "junior", pgettext_lazy("manager level", "junior")
    INTERMEDIATE = "intermediate", pgettext_lazy("manager level", "intermediate")
    SENIOR = "senior", pgettext_lazy("manager level", "senior")


# Levels in order: a move to a higher rank is a promotion, to a lower one a demotion.
LEVEL_RANK = {ManagerLevel.JUNIOR: 1, ManagerLevel.INTERMEDIATE: 2, ManagerLevel.SENIOR: 3}


class CertificateRule(models.Model):
    """The least certificate a grade needs, set by the program office: a tier (or higher) and a track
    (empty: either track). The defaults come from migration 0002."""

    manager_class = models.CharField(_("class"), max_length=20, choices=ManagerClass.choices)
    level = models.CharField(_("level"), max_length=20, choices=ManagerLevel.choices)
    min_tier = models.ForeignKey(
        "courses.Tier", on_delete=models.PROTECT, related_name="+", verbose_name=_("least certificate tier")
    )
    track = models.ForeignKey(
        "courses.Track",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("track"),
        help_text=_("empty: a certificate of either track"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = acting_user(_("by"))

    class Meta:
        ordering = ["manager_class", "level"]
        verbose_name = _("certificate rule")
        verbose_name_plural = _("certificate rules")
        constraints = [
            models.UniqueConstraint(
                fields=["manager_class", "level"],
                name="career_rule_one_per_grade",
                violation_error_message=_("There is already a certificate rule for this class and level."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_manager_class_display()} · {self.get_level_display()}"


class AuthorityTable(models.Model):
    """A bank's lending authority for one class and level, in New Taiwan dollars."""

    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.PROTECT, related_name="authority_table", verbose_name=_("employer")
    )
    manager_class = models.CharField(_("class"), max_length=20, choices=ManagerClass.choices)
    level = models.CharField(_("level"), max_length=20, choices=ManagerLevel.choices)
    amount = models.DecimalField(_("lending authority (TWD)"), max_digits=15, decimal_places=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["employer", "manager_class", "level"]
        verbose_name = _("lending authority")
        verbose_name_plural = _("lending authority table")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "manager_class", "level"],
                name="career_authority_one_per_employer_grade",
                violation_error_message=_("This employer already has a lending authority for this class and level."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="career_authority_not_negative",
                violation_error_message=_("A lending authority cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} · {self.get_manager_class_display()} · {self.get_level_display()}"


class ManagerGrade(models.Model):
    """An employee's current grade at their employer. ``compliant`` is False while their certificates do
    not meet the certificate rule for the grade, since ``non_compliant_since``. ``compliance_episode``
    counts the compliance changes: each ``ComplianceEvent`` takes the next number, once."""

    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.PROTECT, related_name="manager_grades", verbose_name=_("employer")
    )
    employee = models.OneToOneField(
        "accounts.TraineeProfile", on_delete=models.PROTECT, related_name="manager_grade", verbose_name=_("employee")
    )
    manager_class = models.CharField(_("class"), max_length=20, choices=ManagerClass.choices)
    level = models.CharField(_("level"), max_length=20, choices=ManagerLevel.choices)
    since = models.DateField(_("in this grade since"), default=timezone.localdate)
    compliant = models.BooleanField(_("backed by a certificate"), default=True)
    non_compliant_since = models.DateTimeField(_("not backed since"), null=True, blank=True)
    compliance_episode = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["employer", "employee__employee_number"]
        verbose_name = _("manager grade")
        verbose_name_plural = _("manager grades")
        constraints = [
            models.CheckConstraint(
                condition=Q(compliant=True, non_compliant_since__isnull=True)
                | Q(compliant=False, non_compliant_since__isnull=False),
                name="career_grade_non_compliant_has_since",
                violation_error_message=_(
                    "A grade is flagged not backed by a certificate exactly when it has a since."
                ),
            )
        ]
        indexes = [models.Index(fields=["employer", "compliant"], name="career_grade_compliant_idx")]

    def __str__(self) -> str:
        return f"{self.employee} · {self.get_manager_class_display()} · {self.get_level_display()}"


class GradeChange(models.Model):
    """Every grade an employee entered: from what, to what, why, by whom and when."""

    class Reason(models.TextChoices):
        APPOINTMENT = "appointment", _("first grade")
        EVALUATION = "evaluation", _("evaluation")
        PROMOTION = "promotion", _("promotion")
        DEMOTION = "demotion", _("demotion")
        CERTIFICATE_LAPSE = "certificate_lapse", _("certificate lapse")
        CORRECTION = "correction", _("correction")

    grade = models.ForeignKey(ManagerGrade, on_delete=models.CASCADE, related_name="changes", verbose_name=_("grade"))
    old_class = models.CharField(_("from class"), max_length=20, choices=ManagerClass.choices, blank=True)
    old_level = models.CharField(_("from level"), max_length=20, choices=ManagerLevel.choices, blank=True)
    new_class = models.CharField(_("to class"), max_length=20, choices=ManagerClass.choices)
    new_level = models.CharField(_("to level"), max_length=20, choices=ManagerLevel.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    changed_by = acting_user(_("by"))
    changed_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("grade change")
        verbose_name_plural = _("grade history")

    def __str__(self) -> str:
        return f"{self.grade_id}: {self.old_class}/{self.old_level} → {self.new_class}/{self.new_level}"


class ComplianceEvent(models.Model):
    """A grade became not backed by a certificate (``compliant`` False) or backed again (True).

    ``episode`` is the grade's ``compliance_episode`` after the change: one row per change, so a second
    run of the same check (a receiver heard twice, the sweep after a receiver) adds nothing.
    ``announced_at`` is the claim of the ``compliance_changed`` announcement (``core.signals``).
    """

    grade = models.ForeignKey(
        ManagerGrade, on_delete=models.CASCADE, related_name="compliance_events", verbose_name=_("grade")
    )
    episode = models.PositiveIntegerField()
    compliant = models.BooleanField(_("backed by a certificate"))
    occurred_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    manager_class = models.CharField(_("class"), max_length=20, choices=ManagerClass.choices)
    level = models.CharField(_("level"), max_length=20, choices=ManagerLevel.choices)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("compliance change")
        verbose_name_plural = _("compliance changes")
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "episode"],
                name="career_compliance_event_once",
                violation_error_message=_("This compliance change of the grade is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.grade_id} #{self.episode}: {'compliant' if self.compliant else 'not compliant'}"


class DigestSent(models.Model):
    """The daily compliance digest, claimed for one HR staff member and day before the mail goes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compliance digest sent")
        verbose_name_plural = _("compliance digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"],
                name="career_digest_once_per_person_day",
                violation_error_message=_("This person has already had the digest of this day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} → {self.user_id}"


class RegisterCompliance(Employer):
    """The program office's view of the register: per bank, how many grades are backed and how many
    not (``career.admin.RegisterComplianceAdmin``); counts only, never a bank's rows."""

    class Meta:
        proxy = True
        verbose_name = _("register compliance by bank")
        verbose_name_plural = _("register compliance by bank")
