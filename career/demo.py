"""Demo register (idempotent): both banks' lending authority tables, graded managers backed by their
certificates, one manager (trainee03 at bank-a) flagged when their certificate lapses, and each bank's
evaluation scheme with last quarter's evaluations of its graded managers: trainee01's proposes a promotion
(to senior, which their standard certificate does not back: confirming it is refused with the rule), trainee08's
a demotion (senior to intermediate, which HR staff can confirm).

The demo has no exam history for these certificates, so they are written here, as certification's demo
does; the grades and the lapse go through the services, so the flag is raised by the receiver as in
production.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import Employer, Institution, TraineeProfile
from certification import services as certification
from certification import status_list
from certification.models import Certificate, CertificateStatusChange
from courses.models import Curriculum

from .models import AuthorityTable, EvaluationScheme, GradeChange, ManagerGrade
from .services import evaluations, register

# Lending authority in TWD per level (the same for every class), per bank.
AUTHORITY = {
    "bank-a": {"junior": 3_000_000, "intermediate": 15_000_000, "senior": 60_000_000},
    "bank-b": {"junior": 2_000_000, "intermediate": 10_000_000, "senior": 40_000_000},
}
# trainee number → (certificate tier, track, grade class, level); trainee06's assistant certificate is
# certification's demo. trainee03's certificate lapses after the grade is set.
GRADED = {
    1: ("standard", "retail", "personal", "intermediate"),
    3: ("standard", "retail", "personal", "intermediate"),
    6: (None, None, "corporate", "junior"),
    7: ("standard", "retail", "personal", "intermediate"),
    8: ("senior", "corporate", "corporate", "senior"),
}
LAPSES = 3
# trainee number → every dimension's score last quarter (40/15/15/15/15; intermediate from 75, senior from 90).
EVALUATED = {1: 93, 3: 78, 6: 66, 7: 81, 8: 80}
SCHEMES = {"bank-a": "客戶經理考核辦法", "bank-b": "客戶經理績效考核"}


def _certificate(profile: TraineeProfile, tier: str, track: str | None, *, lapsed: bool) -> Certificate:
    curriculum = Curriculum.objects.select_related("tier", "track").get(tier__code=tier, track__code=track)
    today = timezone.localdate()
    issued_on = (
        today - relativedelta(years=certification.validity_years(), days=1)
        if lapsed
        else today - datetime.timedelta(days=200)
    )
    certificate = Certificate.objects.create(
        number=certification._next_number(curriculum, issued_on.year),
        trainee=profile.user, curriculum=curriculum, tier=curriculum.tier, track=curriculum.track,
        institution=profile.registered_by or Institution.objects.order_by("pk").first(),
        issued_on=issued_on, period_starts_on=issued_on,
        valid_until=issued_on + relativedelta(years=certification.validity_years()),
        announced_at=timezone.now(), status_list_index=status_list.free_index(),
    )  # fmt: skip
    CertificateStatusChange.objects.create(certificate=certificate, old_status="", new_status="active", action="issue")
    return certificate


@transaction.atomic
def load() -> None:
    employers = {e.code: e for e in Employer.objects.filter(code__in=AUTHORITY)}
    if len(employers) < len(AUTHORITY):
        return
    for code, amounts in AUTHORITY.items():
        for manager_class in ("personal", "corporate", "comprehensive"):
            for level, amount in amounts.items():
                AuthorityTable.objects.get_or_create(
                    employer=employers[code], manager_class=manager_class, level=level,
                    defaults={"amount": Decimal(amount)},
                )  # fmt: skip
    lapsing = None
    for n, (tier, track, manager_class, level) in GRADED.items():
        profile = (
            TraineeProfile.objects.select_related("user", "employer")
            .filter(user__email=f"trainee{n:02d}@demo.test")
            .first()
        )
        # Only at the bank the demo gives the person (bank-a: trainee01–06, bank-b: 07–10): someone who has moved
        # to the other bank since is not graded there by a second load, and a grade that ended stays ended.
        home = "bank-a" if n <= 6 else "bank-b"
        if (
            profile is None
            or profile.employer is None
            or profile.employer.code != home
            or ManagerGrade.with_ended.filter(employee=profile).exists()
        ):
            continue
        if tier is not None:
            certificate = _certificate(profile, tier, track, lapsed=n == LAPSES)
            if n == LAPSES:
                lapsing = certificate
        elif not Certificate.objects.filter(trainee=profile.user, status=Certificate.Status.ACTIVE).exists():
            continue  # trainee06's certificate comes with certification's demo
        register.do_set_grade(
            employer=profile.employer, employee=profile, manager_class=manager_class, level=level,
            reason=GradeChange.Reason.APPOINTMENT, by=None, since=timezone.localdate() - datetime.timedelta(days=180),
            note="依專業資格證書與年度考評核定職級",
        )  # fmt: skip
    if lapsing is not None:
        # Its validity ended yesterday: the expiry job expires it, and the receiver flags the grade.
        certification.do_expire_certificate(certificate=lapsing)
    _evaluations(employers)


def last_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    this_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return this_quarter - relativedelta(months=3), this_quarter - datetime.timedelta(days=1)


def _evaluations(employers: dict[str, Employer]) -> None:
    for code, name in SCHEMES.items():
        if not EvaluationScheme.objects.filter(employer=employers[code]).exists():
            evaluations.do_save_scheme(employer=employers[code], name=name, period_kinds=["quarterly", "annual"])
    starts_on, ends_on = last_quarter(timezone.localdate())
    for n, score in EVALUATED.items():
        profile = TraineeProfile.objects.filter(user__email=f"trainee{n:02d}@demo.test", employer__isnull=False).first()
        if profile is None or not ManagerGrade.objects.filter(employee=profile).exists():
            continue
        scores = {code: score for code, *_rest in evaluations.STANDARD_DIMENSIONS}
        evaluations.do_record_evaluation(
            employer=profile.employer, employee_id=profile.pk, kind="quarterly", starts_on=starts_on,
            ends_on=ends_on, scores=scores, by=None,
        )  # fmt: skip
