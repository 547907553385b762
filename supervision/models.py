"""The recomputation of the supervision figures.

The figures' summary tables live in ``figures/<family>.py`` beside the code that fills them; each
such module is imported at the end of this one, so that Django finds its models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecomputeRun(models.Model):
    """One recomputation of every figure: the nightly one, or one the program office asked for.

    At most one is waiting or running (a constraint); asking again while one is shows that one.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked for by"),
        help_text=_("Empty for the nightly run."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    # Only so that one constraint can say "one active run": every row has the same lane.
    lane = models.CharField(max_length=20, default="figures", editable=False)
    steps_total = models.PositiveSmallIntegerField(_("steps"), default=0)
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    current_step = models.CharField(_("current step"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recomputation of the figures")
        verbose_name_plural = _("recomputations of the figures")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["lane"],
                condition=Q(state__in=["queued", "running"]),
                name="supervision_one_active_recompute",
                violation_error_message=_("A recomputation is already waiting or running."),
            ),
            models.CheckConstraint(
                condition=Q(steps_done__lte=models.F("steps_total")),
                name="supervision_steps_done_within_total",
                violation_error_message=_("A recomputation cannot have done more steps than it has."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0


# The figures' summary tables (figures/<family>.py), imported so that Django finds them.
from .figures.certificates import CertificateFigure, CertificateMonthFigure  # noqa: E402
from .figures.items import ItemStatistic, OptionStatistic, PaperStatistic  # noqa: E402
from .figures.papers import AttemptFigure, BacklogFigure, ScoreBinFigure  # noqa: E402
from .figures.pass_rates import PassRateFigure  # noqa: E402
from .figures.training import TrainingFigure  # noqa: E402

__all__ = [
    "AttemptFigure",
    "BacklogFigure",
    "CertificateFigure",
    "CertificateMonthFigure",
    "ItemStatistic",
    "OptionStatistic",
    "PaperStatistic",
    "PassRateFigure",
    "RecomputeRun",
    "ScoreBinFigure",
    "TrainingFigure",
]
