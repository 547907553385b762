"""Certificates: how many are active, suspended, revoked and expired, how many expire in the next 90
days, and per month how many were issued and renewed and how many continuing-education hours were
confirmed — each by the issuing institution (continuing education: the confirming institution)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from certification.models import Certificate, CertificateStatusChange, ContinuingEducation
from courses.models import Tier, Track

from . import periods, summary_sql
from .scope import Scope

EXPIRING_DAYS = 90


class CertificateFigure(summary_sql.Summary):
    """Certificates of one institution, tier, track and status, as of the day of the recomputation."""

    institution = summary_sql.ref(Institution, _("institution"))
    tier = summary_sql.ref(Tier, _("tier"))
    track = summary_sql.ref(Track, _("track"), null=True)
    status = models.CharField(_("status"), max_length=20, choices=Certificate.Status.choices)
    certificates = models.PositiveIntegerField(_("certificates"))
    expiring = models.PositiveIntegerField(_("active and expiring within 90 days"))

    class Meta:
        verbose_name = _("certificate figure")
        verbose_name_plural = _("certificate figures")
        indexes = [models.Index(fields=["institution"], name="sup_cert_institution_idx")]


class CertificateMonthFigure(summary_sql.Summary):
    """One institution's month: certificates issued, renewals, continuing education confirmed."""

    institution = summary_sql.ref(Institution, _("institution"))
    month = models.DateField(_("month"))
    issued = models.PositiveIntegerField(_("issued"), default=0)
    renewed = models.PositiveIntegerField(_("renewals"), default=0)
    ce_activities = models.PositiveIntegerField(_("continuing-education activities"), default=0)
    ce_hours = models.DecimalField(_("continuing-education hours"), max_digits=14, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("certificate month figure")
        verbose_name_plural = _("certificate month figures")
        indexes = [models.Index(fields=["institution", "month"], name="sup_certmonth_inst_month_idx")]


def recompute(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    status_rows = summary_sql.grouped(
        Certificate.objects.all(),
        {"institution": F("institution_id"), "tier": F("tier_id"), "track": F("track_id"), "status": F("status")},
        {
            "certificates": Count("pk"),
            "expiring": Count(
                "pk",
                filter=Q(
                    status=Certificate.Status.ACTIVE,
                    valid_until__gte=today,
                    valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS),
                ),
            ),
        },
    )
    months: dict[tuple[int, datetime.date], CertificateMonthFigure] = {}

    def month_of(institution_id: int, month: Any) -> CertificateMonthFigure:
        if isinstance(month, datetime.datetime):
            month = month.date()
        key = (institution_id, month)
        if key not in months:
            months[key] = CertificateMonthFigure(institution_id=institution_id, month=month)
        return months[key]

    for row in (
        Certificate.objects.order_by().values("institution_id", month=TruncMonth("issued_on")).annotate(n=Count("pk"))
    ):
        month_of(row["institution_id"], row["month"]).issued = row["n"]
    for row in (
        CertificateStatusChange.objects.filter(action="renew")
        .order_by()
        .values(institution=F("certificate__institution_id"), month=TruncMonth("changed_at", output_field=DateField()))
        .annotate(n=Count("pk"))
    ):
        month_of(row["institution"], row["month"]).renewed = row["n"]
    for row in (
        ContinuingEducation.objects.filter(status=ContinuingEducation.Status.CONFIRMED)
        .order_by()
        .values("institution_id", month=TruncMonth("completed_on"))
        .annotate(n=Count("pk"), hours=Sum("hours"))
    ):
        figure = month_of(row["institution_id"], row["month"])
        figure.ce_activities, figure.ce_hours = row["n"], row["hours"] or Decimal(0)
    with transaction.atomic():
        summary_sql.replace_all(
            CertificateFigure, status_rows, ["institution", "tier", "track", "status", "certificates", "expiring"]
        )
        summary_sql.replace_with(CertificateMonthFigure, months.values())


# --- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateTotals:
    by_status: list[tuple[str, str, int]]  # (status, label, certificates)
    expiring: int
    # month, issued, renewed, ce_activities, ce_hours; every month (zeros where nothing happened) from
    # the first with figures, or the first the charts draw, to this month or the last with figures.
    months: list[dict[str, Any]]

    @property
    def total(self) -> int:
        return sum(n for _status, _label, n in self.by_status)


#: The charts of the certificates per month draw this many months, ending with the current one.
CHART_MONTHS = 24


def _no_month(month: datetime.date) -> dict[str, Any]:
    return {"month": month, "issued": 0, "renewed": 0, "ce_activities": 0, "ce_hours": Decimal(0)}


def totals(scope: Scope, today: datetime.date | None = None) -> CertificateTotals:
    """The page's figures in two queries over the summaries; ``today`` the site's local date."""
    by_status = {
        r["status"]: r
        for r in scope.filter(CertificateFigure.objects.all())
        .values("status")
        .annotate(n=Sum("certificates"), soon=Sum("expiring"))
        .order_by("status")
    }
    months = list(
        scope.filter(CertificateMonthFigure.objects.all())
        .values("month")
        .annotate(
            issued_n=Sum("issued"), renewed_n=Sum("renewed"), activities=Sum("ce_activities"), hours=Sum("ce_hours")
        )
        .order_by("month")
    )
    return CertificateTotals(
        by_status=[
            (status, str(label), int(by_status.get(status, {}).get("n") or 0))
            for status, label in Certificate.Status.choices
        ],
        expiring=sum(int(r["soon"] or 0) for r in by_status.values()),
        months=[
            row
            for _month, row in periods.series(
                {
                    r["month"]: {
                        "month": r["month"],
                        "issued": int(r["issued_n"] or 0),
                        "renewed": int(r["renewed_n"] or 0),
                        "ce_activities": int(r["activities"] or 0),
                        "ce_hours": Decimal(r["hours"] or 0),
                    }
                    for r in months
                },
                periods.MONTHS,
                _no_month,
                reaching=periods.ending_with(today, CHART_MONTHS, periods.MONTHS),
            )
        ],
    )


def by_tier(scope: Scope) -> list[dict[str, Any]]:
    """Certificates by tier and track and status (one query): tier, track, and a count per status."""
    table: dict[tuple[Any, Any], dict[str, Any]] = defaultdict(dict)
    for r in (
        scope.filter(CertificateFigure.objects.all())
        .values(
            "tier_id",
            "tier__level",
            "tier__name_zh",
            "tier__name_en",
            "track_id",
            "track__name_zh",
            "track__name_en",
            "status",
        )
        .annotate(n=Sum("certificates"))
        .order_by("tier__level", "track_id")
    ):
        entry = table[(r["tier_id"], r["track_id"])]
        entry.setdefault("row", r)
        entry[r["status"]] = int(r["n"] or 0)
    return list(table.values())
