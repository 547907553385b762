"""The career register: each customer manager's grade (class and level), the bank's lending authority per
grade, the program office's certificate rule, and every change and compliance event with its reason.

Rows change only through ``career.services``; a bank's rows are its own (``accounts.scoping.EmployerScopedAdmin``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Employer
from core.constraints import ends_not_before_start
from core.fields import acting_user, announcement_claim
from core.models import Created, MailClaim, SyncedTimestamped, Timestamped


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


def grade_label(manager_class: str, level: str) -> str:
    """A class and level as a person reads them, in the current language ("個人類 · 中級")."""
    classes, levels = dict(ManagerClass.choices), dict(ManagerLevel.choices)
    return f"{classes.get(manager_class, manager_class)} · {levels.get(level, level)}"


def _grade() -> tuple[models.CharField[str, str], models.CharField[str, str]]:
    """A grade's two fields, ``manager_class`` and ``level``, as every row of one grade declares them."""
    return (
        models.CharField(_("class"), max_length=20, choices=ManagerClass.choices),
        models.CharField(_("level"), max_length=20, choices=ManagerLevel.choices),
    )


class CertificateRule(models.Model):
    """The least certificate a grade needs, set by the program office: a tier (or higher) and a track
    (empty: either track). The defaults come from migration 0002."""

    manager_class, level = _grade()
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
    manager_class, level = _grade()
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


class CurrentGrades(models.Manager["ManagerGrade"]):
    """The register: grades not ended (``ManagerGrade.ended_at`` empty). Every read of the register goes
    through it (the bank's admin and HR API, the manager's own page, the compliance sweep)."""

    def get_queryset(self) -> models.QuerySet[ManagerGrade]:
        return super().get_queryset().filter(ended_at__isnull=True)


class ManagerGrade(SyncedTimestamped):
    """An employee's grade at their employer. ``compliant`` is False while their certificates do
    not meet the certificate rule for the grade, since ``non_compliant_since``. ``compliance_episode``
    counts the compliance changes: each ``ComplianceEvent`` takes the next number, once.

    A grade ends (``ended_at``) when its holder leaves the employer: they move to another bank or the bank
    deactivates them (``career.services.register.do_end_grades``). An ended grade is out of the register
    (``objects`` are current grades only; ``with_ended`` has every row): no lending authority, no compliance
    checks, its history kept. The employee's row being the bank's, a grade given them again reopens it.
    """

    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.PROTECT, related_name="manager_grades", verbose_name=_("employer")
    )
    employee = models.OneToOneField(
        "accounts.TraineeProfile", on_delete=models.PROTECT, related_name="manager_grade", verbose_name=_("employee")
    )
    manager_class, level = _grade()
    since = models.DateField(_("in this grade since"), default=timezone.localdate)
    compliant = models.BooleanField(_("backed by a certificate"), default=True)
    non_compliant_since = models.DateTimeField(_("not backed since"), null=True, blank=True)
    compliance_episode = models.PositiveIntegerField(_("compliance changes"), default=0, editable=False)
    ended_at = models.DateTimeField(
        _("grade ended at"), null=True, blank=True, editable=False,
        help_text=_("the employee left the bank: the grade is no longer in its register"),
    )  # fmt: skip

    objects = CurrentGrades()
    with_ended = models.Manager()

    class Meta:
        base_manager_name = "with_ended"
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
        return f"{self.employee} · {grade_label(self.manager_class, self.level)}"


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
        values = {
            "employee": self.grade.employee,
            "new": grade_label(self.new_class, self.new_level),
            "reason": self.get_reason_display(),
        }
        if not (self.old_class and self.old_level):
            return gettext("%(employee)s: %(new)s (%(reason)s)") % values
        return gettext("%(employee)s: %(old)s → %(new)s (%(reason)s)") % {
            **values,
            "old": grade_label(self.old_class, self.old_level),
        }


class ComplianceEvent(models.Model):
    """A grade became not backed by a certificate (``compliant`` False) or backed again (True).

    ``episode`` is the grade's ``compliance_episode`` after the change: one row per change, so a second
    run of the same check (a receiver heard twice, the sweep after a receiver) adds nothing.
    ``announced_at`` is the claim of the ``compliance_changed`` announcement (``core.signals``).
    """

    grade = models.ForeignKey(
        ManagerGrade, on_delete=models.CASCADE, related_name="compliance_events", verbose_name=_("grade")
    )
    episode = models.PositiveIntegerField(_("compliance change no."))
    compliant = models.BooleanField(_("backed by a certificate"))
    occurred_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    manager_class, level = _grade()
    announced_at = announcement_claim()

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
        values = {"employee": self.grade.employee, "grade": grade_label(self.manager_class, self.level)}
        if self.compliant:
            return gettext("%(employee)s · %(grade)s: backed by a certificate again") % values
        return gettext("%(employee)s · %(grade)s: not backed by a certificate") % values


class DigestSent(MailClaim):
    """The daily compliance digest, claimed for one HR staff member and day before the mail goes."""

    day = models.DateField(_("day"))

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
        return f"{self.day:%Y-%m-%d} → {self.user}"


class RegisterCompliance(Employer):
    """The program office's view of the register: per bank, how many grades are backed and how many
    not (``career.admin.RegisterComplianceAdmin``); counts only, never a bank's rows."""

    class Meta:
        proxy = True
        verbose_name = _("register compliance by bank")
        verbose_name_plural = _("register compliance by bank")


# --- evaluations (issue 19, item 4) -------------------------------------------------------------


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", pgettext_lazy("evaluation period", "monthly")
    QUARTERLY = "quarterly", pgettext_lazy("evaluation period", "quarterly")
    HALF_YEARLY = "half_yearly", pgettext_lazy("evaluation period", "half-yearly")
    ANNUAL = "annual", pgettext_lazy("evaluation period", "annual")


def _percent(field: str, *, name: str, message: str | Promise) -> models.CheckConstraint:
    """A score or threshold is a percent: from 0 to 100."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}), name=name, violation_error_message=message
    )


class EvaluationScheme(Timestamped):
    """A bank's evaluation scheme: the period kinds it evaluates over, its dimensions with weights (summing
    to 100: ``career.services.evaluations.check_scheme``) and the weighted score each level needs. One active scheme
    per bank: evaluations are recorded against it."""

    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.PROTECT, related_name="evaluation_schemes", verbose_name=_("employer")
    )
    name = models.CharField(pgettext_lazy("evaluation scheme", "name"), max_length=200)
    period_kinds = models.JSONField(_("periods used"), default=list, help_text=_("the kinds of period evaluated"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["employer", "name"]
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "name"],
                name="career_scheme_name_once_per_employer",
                violation_error_message=_("This bank already has an evaluation scheme of this name."),
            ),
            models.UniqueConstraint(
                fields=["employer"],
                condition=Q(active=True),
                name="career_scheme_one_active_per_employer",
                violation_error_message=_("This bank already has an active evaluation scheme."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SchemeDimension(models.Model):
    """One dimension of a scheme and its weight (percent of the weighted score)."""

    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("evaluation scheme")
    )
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["scheme", "position", "pk"]
        verbose_name = _("evaluation dimension")
        verbose_name_plural = _("evaluation dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"],
                name="career_dimension_code_once_per_scheme",
                violation_error_message=_("This scheme already has a dimension with this code."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="career_dimension_weight_1_to_100",
                violation_error_message=_("A weight is a whole percent from 1 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.weight}%)"

    @property
    def label(self) -> str:
        """The dimension's name in the current language (its code when it has none)."""
        name = self.name_en if (get_language() or "").startswith("en") else self.name_zh
        return name or self.code


class LevelThreshold(models.Model):
    """The least weighted score that supports a level under a scheme."""

    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("evaluation scheme")
    )
    level = models.CharField(_("level"), max_length=20, choices=ManagerLevel.choices)
    min_score = models.DecimalField(_("least weighted score"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["scheme", "min_score"]
        verbose_name = _("level threshold")
        verbose_name_plural = _("level thresholds")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "level"],
                name="career_threshold_once_per_scheme_level",
                violation_error_message=_("This scheme already has a threshold for this level."),
            ),
            _percent("min_score", name="career_threshold_0_to_100", message=_("A threshold is a score from 0 to 100.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ≥ {self.min_score}"


class EvaluationPeriod(Created):
    """A period of a scheme (a quarter, a year …); periods of one kind never overlap
    (``career.services.evaluations.do_define_period``, under the scheme's row lock)."""

    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.PROTECT, related_name="periods", verbose_name=_("evaluation scheme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PeriodKind.choices)
    starts_on = models.DateField(pgettext_lazy("evaluation period", "starts on"))
    ends_on = models.DateField(pgettext_lazy("evaluation period", "ends on"))

    class Meta:
        ordering = ["scheme", "-starts_on", "kind"]
        verbose_name = _("evaluation period")
        verbose_name_plural = _("evaluation periods")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "kind", "starts_on"],
                name="career_period_once_per_scheme_kind_start",
                violation_error_message=_("This scheme already has a period of this kind starting on this day."),
            ),
            ends_not_before_start(
                "starts_on",
                "ends_on",
                name="career_period_ends_after_it_starts",
                message=_("A period ends on or after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"


class Evaluation(SyncedTimestamped):
    """An employee's evaluation for a period: the weighted score of their dimension scores, the level it
    supports under the scheme's thresholds, and the move it proposes from their grade at the time
    (``proposed_level``, empty: none), which HR staff confirm as a grade change (``confirmed_at``)."""

    period = models.ForeignKey(
        EvaluationPeriod, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("period")
    )
    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("employer")
    )
    employee = models.ForeignKey(
        "accounts.TraineeProfile", on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("employee")
    )
    weighted_score = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2)
    supported_level = models.CharField(
        _("level supported"), max_length=20, choices=ManagerLevel.choices, blank=True,
        help_text=_("empty: below every threshold"),
    )  # fmt: skip
    grade_level = models.CharField(
        _("level at evaluation"), max_length=20, choices=ManagerLevel.choices, blank=True,
        help_text=_("the employee's level when the evaluation was recorded; empty: no grade"),
    )  # fmt: skip
    proposed_level = models.CharField(
        _("proposed level"), max_length=20, choices=ManagerLevel.choices, blank=True,
        help_text=_("empty: no move proposed"),
    )  # fmt: skip
    confirmed_at = models.DateTimeField(_("move confirmed at"), null=True, blank=True)
    confirmed_by = acting_user(_("move confirmed by"))
    grade_change = models.OneToOneField(
        GradeChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluation",
        verbose_name=_("grade change"),
    )  # fmt: skip
    recorded_by = acting_user(_("recorded by"))

    class Meta:
        ordering = ["-period__starts_on", "employee__employee_number"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "employee"],
                name="career_evaluation_once_per_period_employee",
                violation_error_message=_("This employee already has an evaluation for this period."),
            ),
            _percent(
                "weighted_score",
                name="career_evaluation_score_0_to_100",
                message=_("A weighted score is from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | ~Q(proposed_level=""),
                name="career_evaluation_confirms_a_move",
                violation_error_message=_("Only a proposed move can be confirmed."),
            ),
        ]
        indexes = [models.Index(fields=["employer", "updated_at"], name="career_evaluation_sync_idx")]

    def __str__(self) -> str:
        return f"{self.employee} · {self.period}"

    @property
    def move(self) -> str:
        """``promotion``, ``demotion`` or "" (none proposed)."""
        if not self.proposed_level or not self.grade_level:
            return ""
        up = LEVEL_RANK[ManagerLevel(self.proposed_level)] > LEVEL_RANK[ManagerLevel(self.grade_level)]
        return GradeChange.Reason.PROMOTION if up else GradeChange.Reason.DEMOTION


class EvaluationScore(models.Model):
    """One dimension's score (0 to 100) in an evaluation."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("evaluation")
    )
    dimension = models.ForeignKey(
        SchemeDimension, on_delete=models.PROTECT, related_name="scores", verbose_name=_("dimension")
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["evaluation", "dimension__position"]
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "dimension"],
                name="career_score_once_per_dimension",
                violation_error_message=_("This evaluation already has a score for this dimension."),
            ),
            _percent("score", name="career_score_0_to_100", message=_("A score is from 0 to 100.")),
        ]

    def __str__(self) -> str:
        return f"{self.dimension.label}: {self.score}"
