"""Grades, the certificate rule, compliance with it, and the daily digest.

Exactly once: a grade's compliance changes only under its row lock, and only when it disagrees with the
holder's certificates; each change takes the grade's next ``compliance_episode`` and writes one
``ComplianceEvent`` (unique per grade and episode), whose ``compliance_changed`` announcement is claimed.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Employer, TraineeProfile, User
from accounts.selectors import employees_of
from core import mail
from core.links import site_url
from core.signals import ClaimedAnnouncement
from courses.models import Tier, Track

from .. import selectors, signals
from ..models import (
    LEVEL_RANK,
    CertificateRule,
    ComplianceEvent,
    DigestSent,
    GradeChange,
    ManagerClass,
    ManagerGrade,
    ManagerLevel,
)
from . import CareerError

log = logging.getLogger(__name__)


COMPLIANCE_CHANGED = ClaimedAnnouncement(
    signal=signals.compliance_changed,
    model=ComplianceEvent,
    argument="event",
    select_related=("grade__employer", "grade__employee__user"),
)
# An event older than this whose claim is still empty was lost by a killed process; the sweep announces it.
ANNOUNCE_GRACE = datetime.timedelta(minutes=2)


# --- the certificate rule ----------------------------------------------------------------


def _rule_text(rule: CertificateRule) -> str:
    if rule.track is None:
        return str(_("a %(tier)s certificate (either track) or higher") % {"tier": rule.min_tier.name})
    return str(
        _("a %(tier)s certificate in the %(track)s track, or higher in that track")
        % {"tier": rule.min_tier.name, "track": rule.track.name}
    )


def check_grade_is_backed(*, employee: TraineeProfile, manager_class: str, level: str) -> None:
    """Refuse a grade the employee's active certificates do not back, saying what it needs."""
    rule = selectors.rule_for(manager_class=manager_class, level=level)
    if rule is None:
        raise CareerError(
            "no_rule", _("The program office has set no certificate rule for this class and level."), field="level"
        )
    if not selectors.backing_certificates(trainee_id=employee.user_id, rule=rule).exists():
        raise CareerError(
            "not_backed",
            _("%(class)s %(level)s needs %(needs)s; the employee holds no active certificate that meets it.")
            % {
                "class": ManagerClass(manager_class).label,
                "level": ManagerLevel(level).label,
                "needs": _rule_text(rule),
            },
            field="level",
        )


def check_set_grade(
    *, employer: Employer, employee: TraineeProfile, manager_class: str, level: str, reason: str
) -> ManagerGrade | None:
    """Check a grade change; returns the employee's current grade (None: their first). Refuses with a code:
    ``bad_class``, ``bad_level``, ``bad_reason``, ``not_employee``, ``deactivated``, ``unchanged``,
    ``reason_mismatch``, ``no_rule``, ``not_backed``."""
    if manager_class not in ManagerClass.values:
        raise CareerError(
            "bad_class", _("Choose a class: personal, corporate or comprehensive."), field="manager_class"
        )
    if level not in ManagerLevel.values:
        raise CareerError("bad_level", _("Choose a level: junior, intermediate or senior."), field="level")
    if reason not in GradeChange.Reason.values:
        raise CareerError("bad_reason", _("Choose the reason for the change."), field="reason")
    if not employees_of(employer.pk).filter(pk=employee.pk).exists():
        raise CareerError("not_employee", _("This person is not an employee of this bank."), field="employee")
    if not employee.user.is_active:
        raise CareerError("deactivated", _("This employee's account is deactivated."), field="employee")
    current = ManagerGrade.objects.filter(employee=employee).first()
    if current is None:
        if reason not in (GradeChange.Reason.APPOINTMENT, GradeChange.Reason.EVALUATION, GradeChange.Reason.CORRECTION):
            raise CareerError(
                "reason_mismatch", _("A first grade is an appointment, an evaluation or a correction."), field="reason"
            )
    else:
        if current.manager_class == manager_class and current.level == level:
            raise CareerError("unchanged", _("The employee already has this grade."), field="level")
        move = LEVEL_RANK[ManagerLevel(level)] - LEVEL_RANK[ManagerLevel(current.level)]
        if reason == GradeChange.Reason.APPOINTMENT:
            raise CareerError("reason_mismatch", _("The employee already has a grade."), field="reason")
        if reason == GradeChange.Reason.PROMOTION and move <= 0:
            raise CareerError("reason_mismatch", _("A promotion moves to a higher level."), field="reason")
        if reason in (GradeChange.Reason.DEMOTION, GradeChange.Reason.CERTIFICATE_LAPSE) and move >= 0:
            raise CareerError("reason_mismatch", _("A demotion moves to a lower level."), field="reason")
    check_grade_is_backed(employee=employee, manager_class=manager_class, level=level)
    return current


@transaction.atomic
def do_set_grade(
    *,
    employer: Employer,
    employee: TraineeProfile,
    manager_class: str,
    level: str,
    reason: str,
    by: User | None,
    note: str = "",
    since: datetime.date | None = None,
) -> ManagerGrade:
    """Give ``employee`` a grade (their first, or a change), kept in the history with its reason.

    Locks the employee's profile (two changes of one person wait for each other), then checks everything
    ``check_set_grade`` checks, so nothing is written on a refusal. A grade that was not backed and is now
    (a demotion to what the certificate supports) is cleared in the same transaction.
    """
    TraineeProfile.objects.select_for_update().filter(pk=employee.pk).first()
    current = check_set_grade(
        employer=employer, employee=employee, manager_class=manager_class, level=level, reason=reason
    )
    since = since or timezone.localdate()
    if current is None:
        grade = _new_or_reopened(
            employer=employer, employee=employee, manager_class=manager_class, level=level, since=since
        )
        old_class, old_level = "", ""
    else:
        grade = current
        old_class, old_level = grade.manager_class, grade.level
        grade.manager_class, grade.level, grade.since = manager_class, level, since
        grade.save(update_fields=["manager_class", "level", "since", "updated_at"])
    GradeChange.objects.create(
        grade=grade,
        old_class=old_class,
        old_level=old_level,
        new_class=manager_class,
        new_level=level,
        reason=reason,
        note=(note or "").strip()[:500],
        changed_by=by,
    )
    do_settle_compliance(grade_id=grade.pk)
    grade.refresh_from_db()
    return grade


def _new_or_reopened(
    *, employer: Employer, employee: TraineeProfile, manager_class: str, level: str, since: datetime.date
) -> ManagerGrade:
    """The employee's first grade, or their grade that ended (they left and are the bank's again), back in the
    register: a new term, backed (``check_grade_is_backed``), its history kept."""
    ended = ManagerGrade.with_ended.select_for_update().filter(employee=employee).first()
    if ended is None:
        return ManagerGrade.objects.create(
            employer=employer, employee=employee, manager_class=manager_class, level=level, since=since
        )
    ended.employer, ended.manager_class, ended.level, ended.since = employer, manager_class, level, since
    ended.ended_at, ended.compliant, ended.non_compliant_since = None, True, None
    ended.save(
        update_fields=[
            "employer", "manager_class", "level", "since", "ended_at", "compliant", "non_compliant_since", "updated_at"
        ]
    )  # fmt: skip
    return ended


def do_end_grades(*, employee_ids: Iterable[int], now: datetime.datetime | None = None) -> int:
    """The employees left their employer (moved to another bank, or deactivated): their current grades end.

    An ended grade leaves the register (``ManagerGrade.objects``): the bank's admin and HR API no longer list
    it, it has no lending authority, and the compliance checks and sweep pass it by, so no compliance event
    or webhook is made about someone who is no longer the bank's. Its history and events are kept. Returns
    how many grades ended; one already ended is left as it is."""
    now = now or timezone.now()
    return ManagerGrade.objects.filter(employee_id__in=list(employee_ids)).update(ended_at=now, updated_at=now)


def do_end_grades_of_leaver(*, profile_id: int) -> int:
    """Someone moved to another employer (``accounts.signals.stand_in_replaced``): ``profile_id`` is the profile
    they left behind at their former employer (``former_id``), now on a deactivated stand-in, and its grade ends."""
    return do_end_grades(employee_ids=[profile_id])


def do_end_grades_of_deactivated(*, user_id: int) -> int:
    """The account was deactivated (``accounts.signals.user_deactivated``: their employer's HR system or staff,
    the program office): their grade ends, unless the stored account is active again by now; a grade given them
    again after reactivation reopens it (``do_set_grade``)."""
    return do_end_grades(
        employee_ids=TraineeProfile.objects.filter(user_id=user_id, user__is_active=False).values_list("pk", flat=True)
    )


def do_end_grades_of_inactive_holders(*, now: datetime.datetime | None = None) -> int:
    """The sweep's catch-up for ``do_end_grades_of_deactivated``: the current grades whose holder's account is
    inactive (the after-commit receiver lost to a killed process) end."""
    return do_end_grades(
        employee_ids=ManagerGrade.objects.filter(employee__user__is_active=False).values_list("employee_id", flat=True),
        now=now,
    )


def do_touch_grades_of_authority(*, employer_id: int, grades: Iterable[tuple[str, str]]) -> int:
    """The grades of these (class, level) pairs at the employer show as changed to an ``updated_since`` sync.

    A changed amount is seen through the authority row's own ``updated_at``; a row that was deleted or moved
    to another grade leaves nothing behind to compare, so its grades are stamped instead."""
    condition = Q()
    for manager_class, level in set(grades):
        condition |= Q(manager_class=manager_class, level=level)
    if not condition:
        return 0
    return ManagerGrade.objects.filter(condition, employer_id=employer_id).update(updated_at=timezone.now())


@transaction.atomic
def do_set_rule(
    *, manager_class: str, level: str, min_tier: Tier, track: Track | None, by: User | None
) -> CertificateRule:
    """Set the certificate rule of a grade; every grade is re-checked against it after commit (the sweep)."""
    from core.tasks import enqueue_on_commit

    from .. import tasks

    if track is not None and not min_tier.has_tracks:
        raise CareerError("no_tracks", _("This tier has no tracks: leave the track empty."), field="track")
    rule, _created = CertificateRule.objects.update_or_create(
        manager_class=manager_class, level=level, defaults={"min_tier": min_tier, "track": track, "updated_by": by}
    )
    enqueue_on_commit(tasks.sweep_compliance)
    return rule


# --- compliance ----------------------------------------------------------------------------


@transaction.atomic
def do_settle_compliance(*, grade_id: int, now: datetime.datetime | None = None) -> ComplianceEvent | None:
    """Make the grade's flag agree with the holder's certificates; the change event, or None if they agreed.

    Locks the grade, then reads its backing: a second run (the same signal again, the sweep after a
    receiver) finds them agreeing and writes nothing. The event is announced after commit, claimed.
    """
    grade = ManagerGrade.objects.select_for_update().filter(pk=grade_id).first()
    if grade is None:
        return None
    backed = selectors.is_backed(grade_id)
    if backed == grade.compliant:
        return None
    now = now or timezone.now()
    grade.compliant = backed
    grade.non_compliant_since = None if backed else now
    grade.compliance_episode += 1
    grade.save(update_fields=["compliant", "non_compliant_since", "compliance_episode", "updated_at"])
    event = ComplianceEvent.objects.create(
        grade=grade,
        episode=grade.compliance_episode,
        compliant=backed,
        occurred_at=now,
        manager_class=grade.manager_class,
        level=grade.level,
    )
    COMPLIANCE_CHANGED.announce_after_commit(event.pk)
    return event


def do_recheck_compliance(*, trainee_id: int) -> ComplianceEvent | None:
    """Re-check the grade of a certificate's holder (the receivers); nothing when they have none."""
    grade_id = ManagerGrade.objects.filter(employee__user_id=trainee_id).values_list("pk", flat=True).first()
    if grade_id is None:
        return None
    return do_settle_compliance(grade_id=grade_id)


def do_announce_compliance(*, event_id: int) -> bool:
    """Send ``compliance_changed`` for an event whose claim is empty; False when it was announced."""
    return COMPLIANCE_CHANGED.announce(event_id)


def do_sweep_compliance(*, now: datetime.datetime | None = None, chunk: int = 500) -> dict[str, int]:
    """Beat: end the grades of holders deactivated (their receiver lost to a killed process), settle every grade
    whose flag disagrees with its certificates (a receiver lost to a killed process, a changed rule), and announce
    the events whose announcement was lost. Safe to run twice."""
    now = now or timezone.now()
    do_end_grades_of_inactive_holders(now=now)  # holders deactivated whose receiver was lost: out of the register
    settled = 0
    for pk in list(selectors.disagreeing_grades().values_list("pk", flat=True)[:chunk]):
        settled += do_settle_compliance(grade_id=pk, now=now) is not None
    announced = 0
    for pk in list(
        COMPLIANCE_CHANGED.unannounced(occurred_at__lte=now - ANNOUNCE_GRACE).values_list("pk", flat=True)[:chunk]
    ):
        announced += do_announce_compliance(event_id=pk)
    return {"settled": settled, "announced": announced}


# --- the daily digest to the bank's HR staff ------------------------------------------------


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def do_send_digests(*, day: datetime.date) -> dict[str, int]:
    """Mail each bank's HR staff the compliance changes of ``day`` (local), once per person and day.

    The claim (``DigestSent``) and the mail are one transaction per person: a mail server that refuses
    rolls the claim back and the person is mailed at the next run (the task retries). Nothing is sent
    to a bank with no changes that day.
    """
    start, end = _day_bounds(day)
    by_employer: dict[int, list[ComplianceEvent]] = defaultdict(list)
    for event in selectors.events_of_day(day_start=start, day_end=end):
        by_employer[event.grade.employer_id].append(event)
    sent = failed = 0
    for person in selectors.hr_staff_of(list(by_employer)):
        events = by_employer[person.employer_membership.employer_id]
        try:
            with transaction.atomic():
                _claim, created = DigestSent.objects.get_or_create(user=person, day=day)
                if not created:
                    continue
                _mail_digest(person, day=day, events=events)
        except OSError:
            log.warning("The compliance digest to %s was refused; the next run tries again", person.pk)
            failed += 1
            continue
        sent += 1
    return {"sent": sent, "failed": failed}


def _mail_digest(person: User, *, day: datetime.date, events: list[ComplianceEvent]) -> None:
    from django.urls import reverse

    language = person.preferred_language
    with translation.override(language):
        link = site_url() + reverse("admin:career_managergrade_changelist")
    rows: list[dict[str, Any]] = [
        {
            "name": event.grade.employee.user.display_name,
            "employee_number": event.grade.employee.employee_number,
            "grade": f"{ManagerClass(event.manager_class).label} · {ManagerLevel(event.level).label}",
            "compliant": event.compliant,
            "at": event.occurred_at,
        }
        for event in events
    ]
    mail.send_templated_mail(
        "career/mail/compliance_digest",
        to=person.email,
        language=language,
        context={"person": person, "day": day, "rows": rows, "link": link, "employer": events[0].grade.employer},
    )
