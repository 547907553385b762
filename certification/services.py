"""Every write of certification: issuance, status changes, renewal, continuing education.

Lock order: the trainee's ``User`` row, then the certificate row, then the number sequence row.
Signals and tasks go out after commit (``core.signals``, ``core.tasks``); ``certificate_issued`` is a
claimed announcement (``Certificate.announced_at``), see ``signals``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import audit
from accounts.models import User
from core.errors import DomainError
from core.links import site_url
from core.numbers import plain_number
from core.signals import ClaimedAnnouncement, send_after_commit
from core.tasks import enqueue_on_commit, stops_while_broker_down
from courses.models import Curriculum

from . import numbers, reminders, selectors, signals, status_list
from .models import (
    CE_ACTIVITY_MOST_HOURS,
    TRAINING_DAY_HOURS,
    CECourse,
    CEEnrolment,
    Certificate,
    CertificateSequence,
    CertificateStatusChange,
    ContinuingEducation,
    PendingCheck,
    ReminderKind,
    ReminderSent,
)

if TYPE_CHECKING:
    from accounts.models import Institution

log = logging.getLogger(__name__)


class CertificationError(DomainError):
    """A certification rule refused the request.

    Codes: reason_missing, not_active, not_suspended, already_revoked, not_renewable, hours_missing,
    newer_certificate, bad_hours, future_date, before_period, title_missing, already_decided; continuing-education
    courses: not_holder, course_unpublished, course_closed, course_full, already_enrolled, course_over,
    bad_dates, bad_state, foreign_course, not_authorized.
    """


def validity_years() -> int:
    return int(getattr(settings, "CERTIFICATE_VALIDITY_YEARS", 3))


def hours_required() -> Decimal:
    return Decimal(getattr(settings, "CONTINUING_EDUCATION_HOURS", 24))


# --- announcing ----------------------------------------------------------------------------

# certificate_issued, sent once per active certificate (the claim is Certificate.announced_at).
CERTIFICATE_ISSUED = ClaimedAnnouncement(
    signal=signals.certificate_issued,
    model=Certificate,
    argument="certificate",
    owed=Q(status=Certificate.Status.ACTIVE),
    select_related=("tier", "track"),
)


def _after_commit_issued(certificate: Certificate) -> None:
    from . import tasks

    # The claimed announcement the follow-up sweep makes too: the claim lets only one of them send it.
    CERTIFICATE_ISSUED.announce_after_commit(certificate.pk)
    # Both are owed by rows the follow-up sweep reads (the mail's claim; the PDF is made on demand too).
    enqueue_on_commit(tasks.render_certificate_pdf, certificate.pk)
    enqueue_on_commit(tasks.send_certificate_issued_reminder, certificate.pk)


def _after_commit_changed(certificate: Certificate, old_status: str, action: str, reason: str) -> None:
    from . import tasks

    send_after_commit(
        signals.certificate_status_changed,
        sender=Certificate,
        certificate=certificate,
        old_status=old_status,
        new_status=certificate.status,
        action=action,
        reason=reason,
    )
    enqueue_on_commit(tasks.render_certificate_pdf, certificate.pk)


# --- issuance ------------------------------------------------------------------------------


def _next_number(curriculum: Curriculum, year: int) -> str:
    track_code = curriculum.track.code if curriculum.track is not None else None
    prefix = numbers.prefix_for(curriculum.tier.code, track_code)
    CertificateSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = CertificateSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return numbers.make_number(
        tier_code=curriculum.tier.code,
        track_code=track_code,
        year=year,
        sequence=sequence.last,
    )


@transaction.atomic
def do_issue_certificate(*, trainee_id: int, curriculum_id: int) -> Certificate | None:
    """Issue the certificate of ``curriculum`` if the trainee earned it and holds none; idempotent.

    Locks the trainee's row so that concurrent checks (a result and an attendance change at
    once) run one after the other; the partial unique constraint is the backstop. Returns the
    current certificate (new or existing), or None when not (yet) earned.
    """
    User.objects.select_for_update().filter(pk=trainee_id).first()
    existing = selectors.current_certificate(trainee_id=trainee_id, curriculum_id=curriculum_id)
    if existing is not None:
        return existing
    curriculum = Curriculum.objects.select_related("tier", "track").get(pk=curriculum_id)
    enrolment = selectors.qualifying_enrolment(trainee_id=trainee_id, curriculum=curriculum)
    if enrolment is None:
        return None
    today = timezone.localdate()
    for _draw in range(5):
        index = status_list.free_index()
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    number=_next_number(curriculum, today.year),
                    trainee_id=trainee_id,
                    curriculum=curriculum,
                    tier=curriculum.tier,
                    track=curriculum.track,
                    institution=enrolment.cohort.institution,
                    enrolment=enrolment,
                    issued_on=today,
                    period_starts_on=today,
                    valid_until=today + relativedelta(years=validity_years()),
                    status_list_index=index,
                )
            break
        except IntegrityError:
            if Certificate.objects.filter(status_list_index=index).exists():
                continue  # another issuance drew the same status list index and committed first: draw again
            # Another process issued it between our check and insert (only without the lock).
            return selectors.current_certificate(trainee_id=trainee_id, curriculum_id=curriculum_id)
    else:
        raise RuntimeError("no free status list index after five draws")
    CertificateStatusChange.objects.create(
        certificate=certificate, old_status="", new_status=certificate.status, action="issue"
    )
    _after_commit_issued(certificate)
    return certificate


def do_check_certification(*, trainee_id: int) -> list[Certificate]:
    """Issue every certificate the trainee has earned and does not hold yet.

    Clears the trainee's pending checks read before looking: their results were committed, so this
    check saw them. A row committed meanwhile stays for its own check (or the sweep).
    """
    owed = list(PendingCheck.objects.filter(trainee_id=trainee_id).values_list("pk", flat=True))
    issued = []
    for curriculum_id in selectors.curricula_in_progress(trainee_id=trainee_id):
        certificate = do_issue_certificate(trainee_id=trainee_id, curriculum_id=curriculum_id)
        if certificate is not None:
            issued.append(certificate)
    if owed:
        PendingCheck.objects.filter(pk__in=owed).delete()
    return issued


# --- follow-ups the broker lost ------------------------------------------------------------


def sweep_after() -> datetime.timedelta:
    """Rows younger than this belong to the on-commit path still running; the sweep leaves them."""
    return datetime.timedelta(seconds=settings.CERTIFICATION_SWEEP_AFTER_SECONDS)


def sweep_horizon_days() -> int:
    """Mails and announcements are owed for certificates issued this recently only: older ones (the
    demo's, those from before the portal mailed, an outage longer than this) are not announced late."""
    return settings.CERTIFICATION_SWEEP_HORIZON_DAYS


def _pages(rows: QuerySet[Any], key: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
    """``values_list`` rows whose first value is ``key``, in pages by key (flat memory, one query a page)."""
    last = None
    while True:
        page = list((rows if last is None else rows.filter(**{f"{key}__gt": last})).order_by(key)[:size])
        if page:
            yield page
        if len(page) < size:
            return
        last = page[-1][0]


def do_sweep_follow_ups(*, now: datetime.datetime | None = None, chunk: int = 500) -> dict[str, int]:
    """Beat: enqueue again the follow-ups of results and issuance that the broker (or a killed worker) lost.

    Driven by the database, for rows older than ``sweep_after()``:

    * ``checks`` — passed results whose check left its ``PendingCheck`` row (never ran or failed);
    * ``mails`` — active certificates issued in the last ``sweep_horizon_days()`` without the
      claim of their issued mail (``ReminderSent``), for holders who have not switched it off;
    * ``announcements`` — such certificates whose ``certificate_issued`` claim (``announced_at``) is
      empty: the issuing process was killed before it announced them.

    Every task enqueued is idempotent, so a copy that was not lost does nothing. Reads in pages of
    ``chunk`` rows. Stops quietly while the broker is down; the next run enqueues it.
    """
    from .tasks import announce_certificate_issued, check_certification, send_certificate_issued_reminder

    now = now or timezone.now()
    before = now - sweep_after()
    since = timezone.localdate(now) - datetime.timedelta(days=sweep_horizon_days())
    counts = {"checks": 0, "mails": 0, "announcements": 0}
    recent = Certificate.objects.filter(status=Certificate.Status.ACTIVE, issued_on__gte=since, created_at__lte=before)
    mail_claim = ReminderSent.objects.filter(
        user_id=OuterRef("trainee_id"),
        kind=ReminderKind.CERTIFICATE_ISSUED,
        object_key=Concat(Value("certificate:"), Cast(OuterRef("pk"), output_field=CharField())),
    )
    with stops_while_broker_down("certification follow-up sweep", log):
        owed = PendingCheck.objects.filter(created_at__lte=before).values_list("trainee_id").distinct()
        for page in _pages(owed, "trainee_id", chunk):
            for (trainee_id,) in page:
                check_certification.delay(trainee_id)
                counts["checks"] += 1

        unmailed = recent.filter(trainee__is_active=True).exclude(Exists(mail_claim)).values_list("pk", "trainee_id")
        for page in _pages(unmailed, "pk", chunk):
            off = reminders.switched_off_by_user(trainee_id for _pk, trainee_id in page)
            for pk, trainee_id in page:
                if ReminderKind.CERTIFICATE_ISSUED not in off[trainee_id]:
                    send_certificate_issued_reminder.delay(pk)
                    counts["mails"] += 1

        unannounced = CERTIFICATE_ISSUED.unannounced(issued_on__gte=since, created_at__lte=before).values_list("pk")
        for page in _pages(unannounced, "pk", chunk):
            for (pk,) in page:
                announce_certificate_issued.delay(pk)
                counts["announcements"] += 1
    return counts


def do_announce_issued(*, certificate_id: int) -> bool:
    """Send ``certificate_issued`` for an active certificate whose claim is empty; False when nothing to do.

    The follow-up sweep's task: issuance announces after its commit, and a killed process leaves the
    claim empty. The claim is set in the transaction that sends, so a second call sends nothing.
    """
    return CERTIFICATE_ISSUED.announce(certificate_id)


# --- status changes ------------------------------------------------------------------------


def _lock(certificate: Certificate | int) -> Certificate:
    pk = certificate.pk if isinstance(certificate, Certificate) else certificate
    return Certificate.objects.select_for_update().get(pk=pk)


def _change(
    certificate: Certificate,
    *,
    new_status: str,
    action: str,
    by: User | None,
    reason: str,
    extra_fields: tuple[str, ...] = (),
) -> Certificate:
    old_status = certificate.status
    # The bits of the credentials' status lists are this column (certification.status_list): revoked and
    # suspended set them, so the lists show the change as soon as this transaction commits, never before.
    certificate.status = new_status
    certificate.status_reason = reason if new_status != Certificate.Status.ACTIVE else ""
    certificate.save(update_fields=["status", "status_reason", "updated_at", *extra_fields])
    CertificateStatusChange.objects.create(
        certificate=certificate,
        old_status=old_status,
        new_status=new_status,
        action=action,
        reason=reason,
        changed_by=by,
    )
    audit.record(
        audit.Action.CERTIFICATE_STATUS,
        actor=by,
        target=certificate,
        institution=certificate.institution_id,
        summary=f"{certificate.number}: {old_status} -> {new_status} ({action})",
        detail={"old_status": old_status, "new_status": new_status, "action": action, "reason": reason},
    )
    _after_commit_changed(certificate, old_status, action, reason)
    return certificate


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificationError("reason_missing", _("Give the reason; the holder and the history will show it."))
    return reason[:500]


@transaction.atomic
def do_suspend_certificate(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    reason = _require_reason(reason)
    certificate = _lock(certificate)
    if certificate.status != Certificate.Status.ACTIVE:
        raise CertificationError("not_active", _("Only an active certificate can be suspended."))
    return _change(certificate, new_status=Certificate.Status.SUSPENDED, action="suspend", by=by, reason=reason)


@transaction.atomic
def do_reinstate_certificate(*, certificate: Certificate, by: User | None, reason: str = "") -> Certificate:
    certificate = _lock(certificate)
    if certificate.status != Certificate.Status.SUSPENDED:
        raise CertificationError("not_suspended", _("Only a suspended certificate can be reinstated."))
    if certificate.valid_until < timezone.localdate():
        return _change(certificate, new_status=Certificate.Status.EXPIRED, action="expire", by=by, reason=reason)
    return _change(certificate, new_status=Certificate.Status.ACTIVE, action="reinstate", by=by, reason=reason)


@transaction.atomic
def do_revoke_certificate(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    reason = _require_reason(reason)
    certificate = _lock(certificate)
    if certificate.status == Certificate.Status.REVOKED:
        raise CertificationError("already_revoked", _("This certificate is already revoked."))
    return _change(certificate, new_status=Certificate.Status.REVOKED, action="revoke", by=by, reason=reason)


def ce_hours_in_period(certificate: Certificate) -> Decimal:
    return selectors.ce_hours(
        trainee_id=certificate.trainee_id, start=certificate.period_starts_on, end=certificate.valid_until
    )


@transaction.atomic
def do_renew_certificate(*, certificate: Certificate, by: User | None = None) -> Certificate:
    """Extend validity by the validity period when the continuing-education hours are met."""
    certificate = _lock(certificate)
    if certificate.status not in (Certificate.Status.ACTIVE, Certificate.Status.EXPIRED):
        raise CertificationError("not_renewable", _("Only an active or expired certificate can be renewed."))
    done = ce_hours_in_period(certificate)
    if done < hours_required():
        raise CertificationError(
            "hours_missing",
            _("Renewal needs %(required)s hours of continuing education in the period; %(done)s are confirmed.")
            % {"required": plain_number(hours_required()), "done": plain_number(done)},
        )
    certificate.period_starts_on = certificate.valid_until
    certificate.valid_until = certificate.valid_until + relativedelta(years=validity_years())
    try:
        with transaction.atomic():
            return _change(
                certificate,
                new_status=Certificate.Status.ACTIVE,
                action="renew",
                by=by,
                reason="",
                extra_fields=("period_starts_on", "valid_until"),
            )
    except IntegrityError:
        raise CertificationError(
            "newer_certificate", _("The holder has a newer certificate of this tier and track.")
        ) from None


@transaction.atomic
def do_expire_certificate(*, certificate: Certificate, today: datetime.date | None = None) -> bool:
    """Expire a lapsed certificate, or renew it when its hours are met; False when nothing to do.

    A certificate lapsed by more than one period (a run after a long outage) is renewed period by
    period while each one's hours are met, and expired at the first that falls short: it never stays
    active with a validity already past. Idempotent: one expired (or still valid) is left alone.
    """
    today = today or timezone.localdate()
    certificate = _lock(certificate)
    if certificate.status not in Certificate.CURRENT_STATES or certificate.valid_until >= today:
        return False
    while certificate.valid_until < today:
        if certificate.status != Certificate.Status.ACTIVE or ce_hours_in_period(certificate) < hours_required():
            _change(certificate, new_status=Certificate.Status.EXPIRED, action="expire", by=None, reason="")
            break
        certificate = do_renew_certificate(certificate=certificate)
    return True


def do_expire_lapsed(*, today: datetime.date | None = None, chunk: int = 500) -> int:
    """Expire every lapsed certificate, in chunks of ids, one transaction each; safe to run twice."""
    today = today or timezone.localdate()
    done = 0
    last_pk = 0
    while True:
        ids = list(
            Certificate.objects.filter(status__in=Certificate.CURRENT_STATES, valid_until__lt=today, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            return done
        for pk in ids:
            done += do_expire_certificate(certificate=Certificate(pk=pk), today=today)
        last_pk = ids[-1]


# --- continuing education ------------------------------------------------------------------


# One rule for the hours of continuing education, whichever way they come: a holder's report (the portal), an
# institution's record (admin), its confirmation of a report (admin, one by one or in bulk), a course and the
# attendance of it (admin). An activity counts at most CE_ACTIVITY_MOST_HOURS: three training days of
# TRAINING_DAY_HOURS (the program's day of training), the hours a whole validity period asks for; a course at most a
# training day for each of its days besides. Rows recorded above the cap before it stay (models.ContinuingEducation).


def _hours_number(value: object) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise CertificationError("bad_hours", _("Enter the hours as a number.")) from None
    if not hours.is_finite():  # NaN cannot even be compared
        raise CertificationError("bad_hours", _("Enter the hours as a number."))
    if hours <= 0:
        raise CertificationError("bad_hours", _("Hours must be more than 0."))
    return hours


def ce_cap_explained() -> str:
    """Why an activity counts at most so many hours, for a form's help and a refusal (in the active language)."""
    return _(
        "One activity counts at most %(most)s hours: three training days of %(day)s hours, the continuing "
        "education a whole validity period asks for. Report a longer programme as separate activities."
    ) % {"most": CE_ACTIVITY_MOST_HOURS, "day": TRAINING_DAY_HOURS}


def check_ce_hours(value: object) -> Decimal:
    """The hours of one activity as a number, or a refusal (``bad_hours``): more than 0, at most the cap."""
    hours = _hours_number(value)
    if hours > CE_ACTIVITY_MOST_HOURS:
        raise CertificationError("bad_hours", ce_cap_explained(), field="hours")
    return hours


def ce_course_most_hours(*, starts_on: datetime.date, ends_on: datetime.date) -> int:
    """The most a course from ``starts_on`` to ``ends_on`` counts: a training day's hours a day, and the cap."""
    days = (ends_on - starts_on).days + 1
    return min(CE_ACTIVITY_MOST_HOURS, TRAINING_DAY_HOURS * max(days, 1))


def check_record_continuing_education(
    *, title: str, completed_on: datetime.date, hours: object, holder: User | None = None
) -> None:
    """An activity's own facts; with ``holder`` (a self-report), also that it falls in the current validity
    period of one of the holder's active certificates: an activity from before counts toward none of them."""
    if completed_on > timezone.localdate():
        raise CertificationError("future_date", _("The activity cannot be completed in the future."))
    if holder is not None:
        _check_in_period(holder=holder, completed_on=completed_on)
    if not (title or "").strip():
        raise CertificationError("title_missing", _("Name the activity."))
    check_ce_hours(hours)


def _check_in_period(*, holder: User, completed_on: datetime.date) -> None:
    certificate = selectors.earliest_active_period(holder.pk)
    if certificate is None or completed_on >= certificate.period_starts_on:
        return
    values = {"number": certificate.number, "date": date_format(certificate.period_starts_on)}
    if certificate.period_starts_on == certificate.issued_on:
        message = _(
            "Continuing education counts only within a certificate's validity period, and certificate %(number)s "
            "was issued on %(date)s: an activity completed before that day does not count."
        )
    else:
        message = _(
            "Continuing education counts only within a certificate's current validity period, and that of "
            "certificate %(number)s began on %(date)s, when it was renewed: an activity completed before that "
            "day does not count."
        )
    raise CertificationError("before_period", message % values, field="completed_on")


@transaction.atomic
def do_record_continuing_education(
    *,
    trainee: User,
    institution: Institution,
    title: str,
    completed_on: datetime.date,
    hours: object,
    by: User | None = None,
    self_reported: bool = False,
) -> ContinuingEducation:
    """Record an activity: confirmed when an institution records it, pending when self-reported.

    Only a holder of an active certificate reports one (``not_holder``); an institution may record
    activities for anyone.
    """
    if self_reported:
        check_holder(holder=trainee)
    check_record_continuing_education(
        title=title, completed_on=completed_on, hours=hours, holder=trainee if self_reported else None
    )
    return ContinuingEducation.objects.create(
        trainee=trainee,
        institution=institution,
        title=title.strip()[:200],
        completed_on=completed_on,
        hours=check_ce_hours(hours),
        self_reported=self_reported,
        status=ContinuingEducation.Status.PENDING if self_reported else ContinuingEducation.Status.CONFIRMED,
        decided_by=None if self_reported else by,
        decided_at=None if self_reported else timezone.now(),
    )


@transaction.atomic
def do_decide_continuing_education(
    *, activity: ContinuingEducation, confirm: bool, by: User | None
) -> ContinuingEducation:
    activity = ContinuingEducation.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ContinuingEducation.Status.PENDING:
        raise CertificationError("already_decided", _("This activity was already decided."))
    if confirm and activity.hours > CE_ACTIVITY_MOST_HOURS:  # reported before the cap: rejected, then reported anew
        raise CertificationError(
            "bad_hours",
            _(
                "It reports %(hours)s hours, more than one activity counts (%(most)s), so it cannot be confirmed: "
                "reject it, and the holder reports it again with at most %(most)s hours."
            )
            % {"hours": plain_number(activity.hours), "most": CE_ACTIVITY_MOST_HOURS},
        )
    activity.status = ContinuingEducation.Status.CONFIRMED if confirm else ContinuingEducation.Status.REJECTED
    activity.decided_by = by
    activity.decided_at = timezone.now()
    activity.save(update_fields=["status", "decided_by", "decided_at"])
    return activity


# --- continuing-education courses ----------------------------------------------------------
#
# Lock order: the course row (seats), then the enrolment row; the ContinuingEducation row an
# attendance makes is written under the enrolment's lock, so recording twice updates it.


def check_holder(*, holder: User) -> None:
    """Only a person holding an active certificate takes continuing education through the portal.

    A suspended, expired or revoked certificate is not valid for work, and hours after an expiry would
    not count toward it anyway; the person reports nothing until a certificate is active again.
    """
    if not holder.is_active or not selectors.holds_active_certificate(holder.pk):
        raise CertificationError(
            "not_holder",
            _("Continuing education is for holders of an active certificate; you hold none at the moment."),
        )


def _lock_course(course: CECourse | int) -> CECourse:
    pk = course.pk if isinstance(course, CECourse) else course
    return CECourse.objects.select_for_update(of=("self",)).select_related("institution").get(pk=pk)


def check_ce_course(*, title_zh: str, hours: object, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if not (title_zh or "").strip():
        raise CertificationError("title_missing", _("Name the course."))
    value = _hours_number(hours)
    if ends_on < starts_on:
        raise CertificationError("bad_dates", _("The course cannot end before it starts."))
    most = ce_course_most_hours(starts_on=starts_on, ends_on=ends_on)
    if value > most:
        days = (ends_on - starts_on).days + 1
        raise CertificationError(
            "bad_hours",
            ngettext(
                "A course of %(days)s day counts at most %(most)s hours: %(day)s for each day it runs, and %(cap)s "
                "for one course.",
                "A course of %(days)s days counts at most %(most)s hours: %(day)s for each day it runs, and %(cap)s "
                "for one course.",
                days,
            )
            % {"days": days, "most": most, "day": TRAINING_DAY_HOURS, "cap": CE_ACTIVITY_MOST_HOURS},
            field="hours",
        )


@transaction.atomic
def do_publish_ce_course(*, course: CECourse, by: User | None = None, today: datetime.date | None = None) -> CECourse:
    """Publish a course: holders see it and may enrol until it starts. Idempotent."""
    locked = _lock_course(course)
    if locked.is_published:
        return locked
    today = today or timezone.localdate()
    if locked.ends_on < today:
        raise CertificationError("course_over", _("%(course)s is over; it cannot be published.") % {"course": locked})
    if not locked.institution.is_authorized_on(today):
        raise CertificationError(
            "not_authorized",
            _("%(institution)s is not authorized at the moment, so it cannot publish courses.")
            % {"institution": locked.institution},
        )
    locked.is_published = True
    locked.published_at = timezone.now()
    locked.save(update_fields=["is_published", "published_at", "updated_at"])
    return locked


@transaction.atomic
def do_unpublish_ce_course(*, course: CECourse, by: User | None = None) -> CECourse:
    """Take a course off the list; holders already enrolled keep their seats. Idempotent."""
    locked = _lock_course(course)
    if locked.is_published:
        locked.is_published = False
        locked.save(update_fields=["is_published", "updated_at"])
    return locked


def check_enrol_ce(*, holder: User, course: CECourse, today: datetime.date | None = None) -> None:
    """Raise :class:`CertificationError` when ``holder`` cannot enrol in ``course`` now.

    Reads ``course.seats_taken`` as given: :func:`do_enrol_ce` passes the locked row.
    """
    today = today or timezone.localdate()
    check_holder(holder=holder)
    if not course.is_published:
        raise CertificationError("course_unpublished", _("%(course)s is not open for enrolment.") % {"course": course})
    if course.starts_on < today:
        raise CertificationError(
            "course_closed", _("%(course)s has started; enrolment is closed.") % {"course": course}
        )
    if CEEnrolment.objects.filter(holder=holder, course=course, state__in=CEEnrolment.SEATED_STATES).exists():
        raise CertificationError("already_enrolled", _("You are already enrolled in %(course)s.") % {"course": course})
    if course.seats_taken >= course.capacity:
        raise CertificationError("course_full", _("%(course)s is full.") % {"course": course})


@transaction.atomic
def do_enrol_ce(*, holder: User, course: CECourse, today: datetime.date | None = None) -> CEEnrolment:
    """Enrol a certificate holder in a published course, taking a seat; mails a confirmation.

    Locks the course row, so concurrent enrolments count seats one at a time. A holder who withdrew
    enrols again on the same row (one per person and course).
    """
    locked = _lock_course(course)
    check_enrol_ce(holder=holder, course=locked, today=today)
    enrolment = CEEnrolment.objects.select_for_update().filter(holder=holder, course=locked).first()
    if enrolment is None:
        try:
            with transaction.atomic():
                enrolment = CEEnrolment.objects.create(holder=holder, course=locked)
        except IntegrityError:
            raise CertificationError(
                "already_enrolled", _("You are already enrolled in %(course)s.") % {"course": locked}
            ) from None
    else:
        enrolment.state = CEEnrolment.State.ENROLLED
        enrolment.confirmation_mailed_at = None
        enrolment.save(update_fields=["state", "confirmation_mailed_at", "updated_at"])
    locked.seats_taken += 1
    locked.save(update_fields=["seats_taken", "updated_at"])
    enrolment.course = locked
    _enqueue_ce_confirmation(enrolment)
    return enrolment


def _enqueue_ce_confirmation(enrolment: CEEnrolment) -> None:
    from . import tasks

    enqueue_on_commit(tasks.send_ce_enrolment_confirmation, enrolment.pk)


def _lock_ce_enrolment(enrolment: CEEnrolment | int) -> tuple[CECourse, CEEnrolment]:
    pk = enrolment.pk if isinstance(enrolment, CEEnrolment) else enrolment
    course_id = CEEnrolment.objects.values_list("course_id", flat=True).get(pk=pk)
    course = _lock_course(course_id)
    locked = CEEnrolment.objects.select_for_update(of=("self",)).select_related("holder").get(pk=pk)
    locked.course = course
    return course, locked


@transaction.atomic
def do_withdraw_ce(*, enrolment: CEEnrolment) -> CEEnrolment:
    """Give up the seat of an enrolment without recorded attendance."""
    course, locked = _lock_ce_enrolment(enrolment)
    if locked.state != CEEnrolment.State.ENROLLED:
        raise CertificationError(
            "bad_state",
            _("This enrolment is %(state)s; it cannot be withdrawn.") % {"state": locked.get_state_display()},
        )
    locked.state = CEEnrolment.State.WITHDRAWN
    locked.save(update_fields=["state", "updated_at"])
    course.seats_taken = max(0, course.seats_taken - 1)
    course.save(update_fields=["seats_taken", "updated_at"])
    return locked


def check_ce_attendance(
    *, enrolment: CEEnrolment, hours: object, acting_institution: Institution | None = None,
    today: datetime.date | None = None,
) -> Decimal:  # fmt: skip
    """The hours to record, or a refusal: the enrolment is seated, the course has begun, the hours fit it."""
    today = today or timezone.localdate()
    course = enrolment.course
    if acting_institution is not None and acting_institution.pk != course.institution_id:
        raise CertificationError("foreign_course", _("%(course)s belongs to another institution.") % {"course": course})
    if enrolment.state not in CEEnrolment.SEATED_STATES:
        raise CertificationError("bad_state", _("%(holder)s withdrew from this course.") % {"holder": enrolment.holder})
    if course.starts_on > today:
        raise CertificationError(
            "future_date", _("%(course)s has not started; record attendance once it is held.") % {"course": course}
        )
    value = check_ce_hours(hours)
    if value > course.hours:
        raise CertificationError(
            "bad_hours",
            _("At most %(hours)s hours: the course is no longer.") % {"hours": plain_number(course.hours)},
        )
    return value


@transaction.atomic
def do_record_ce_attendance(
    *,
    enrolment: CEEnrolment,
    hours: object,
    by: User | None = None,
    acting_institution: Institution | None = None,
    today: datetime.date | None = None,
) -> CEEnrolment:
    """Record the hours a holder attended; they are confirmed continuing education at once.

    Creates the holder's confirmed ``ContinuingEducation`` row (completed on the course's last day,
    or today while it runs), or updates it when attendance is recorded again, in this transaction:
    the renewal rules count it with no separate report, and recording twice never counts twice.
    Locks the course, then the enrolment.
    """
    today = today or timezone.localdate()
    _course, locked = _lock_ce_enrolment(enrolment)
    value = check_ce_attendance(enrolment=locked, hours=hours, acting_institution=acting_institution, today=today)
    course = locked.course
    now = timezone.now()
    completed_on = min(course.ends_on, today)
    if locked.activity_id is None:
        locked.activity = ContinuingEducation.objects.create(
            trainee_id=locked.holder_id,
            institution_id=course.institution_id,
            title=course.title_zh[:200],
            completed_on=completed_on,
            hours=value,
            status=ContinuingEducation.Status.CONFIRMED,
            decided_by=by,
            decided_at=now,
        )
    else:
        ContinuingEducation.objects.filter(pk=locked.activity_id).update(
            hours=value, completed_on=completed_on, status=ContinuingEducation.Status.CONFIRMED,
            decided_by=by, decided_at=now,
        )  # fmt: skip
    locked.state = CEEnrolment.State.ATTENDED
    locked.hours_attended = value
    locked.recorded_by = by
    locked.confirmed_at = now
    locked.save(update_fields=["state", "hours_attended", "activity", "recorded_by", "confirmed_at", "updated_at"])
    return locked


@transaction.atomic
def do_send_ce_confirmation(*, enrolment_id: int) -> bool:
    """Mail the holder, in their language, that the seat is theirs; once per enrolment (a claim).

    The conditional update claims the mail; if sending raises, the claim rolls back and a retry may
    send. Returns whether a mail went out.
    """
    from django.urls import reverse
    from django.utils import translation

    from core.mail import send_templated_mail

    claimed = CEEnrolment.objects.filter(
        pk=enrolment_id, confirmation_mailed_at__isnull=True, state=CEEnrolment.State.ENROLLED
    ).update(confirmation_mailed_at=timezone.now())
    if not claimed:
        return False
    enrolment = CEEnrolment.objects.select_related("holder", "course__institution").get(pk=enrolment_id)
    holder = enrolment.holder
    with translation.override(holder.preferred_language):
        link = site_url() + reverse("certification:mine")
    send_templated_mail(
        "certification/email/ce_enrolled",
        to=holder.email,
        language=holder.preferred_language,
        context={"holder": holder, "course": enrolment.course, "link": link},
    )
    return True
