"""Every write of training delivery: cohorts, enrolments, attendance, remote learning, self-study.

Views, admin actions, the API, tasks and the demo call these functions; none re-implements a
rule. Each refusal raises :class:`TrainingError` with a stable ``code`` (the API maps it to an
HTTP status) and a translatable message.

Locks: a function that changes seats locks the cohort row first, then the enrolment row
(always in that order, so two of them never wait on each other). The cohort's
``seats_taken`` counter is changed only under that lock; the ``cohort_never_overbooked``
CheckConstraint is the last line if a caller forgets.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext

from accounts import audit
from core.errors import DomainError
from core.numbers import plain_number
from core.signals import send_after_commit
from core.tasks import enqueue_on_commit

from . import caching, selectors
from .isbn import normalise_isbn
from .knowledge import KnowledgeArea
from .models import (
    Attendance,
    Cohort,
    Course,
    Enrolment,
    OwedReceipt,
    PriorLearning,
    Purpose,
    RemoteCompletion,
    RemoteModule,
    SelfStudyEntry,
    SyllabusTopic,
    SyllabusVersion,
    TrainingSession,
)
from .signals import enrolment_state_changed, training_progress_changed

if TYPE_CHECKING:
    from accounts.models import Institution, StaffMembership, User

State = Enrolment.State
MAX_HOURS_A_DAY = Decimal(24)


class TrainingError(DomainError):
    """A training rule refused the request.

    Codes: full, closed, not_open_yet, window_passed, already_enrolled, trainee_inactive,
    not_authorized, foreign_cohort, bad_state, not_in_cohort, hours_beyond_session, bad_hours, day_over_24,
    future_date, mode_not_offered, course_not_in_curriculum, not_yours, hours_missing,
    outside_cohort_dates, before_cohort_start, has_attendance, foreign_teacher, not_a_teacher,
    enrolled_meanwhile, reason_missing, no_location, remote_location, below_attendance, no_mode,
    enrolment_after_end, records_outside_dates, seats_taken, city.
    """


#: The most of a reason a decision keeps (``Enrolment.decision_note``, ``Enrolment.withdrawal_reason``,
#: ``SelfStudyEntry.decision_note``: the trainee reads it); a longer one is cut, not refused.
REASON_LENGTH = 500


def _required_reason(reason: str, *, missing: Promise) -> str:
    """The reason a decision the trainee reads must give (a withdrawal, a rejected self-study), trimmed and cut to
    :data:`REASON_LENGTH`; none, or only spaces: refused with ``missing`` (code ``reason_missing``, at the form's
    ``reason`` field)."""
    reason = (reason or "").strip()
    if not reason:
        raise TrainingError("reason_missing", missing, field="reason")
    return reason[:REASON_LENGTH]


# --- announcements -------------------------------------------------------------------------


def _announce_state(
    enrolment: Enrolment, old_state: str, new_state: str, actor: User | None = None, reason: str = ""
) -> None:
    """Audit the change (``actor`` None: the current request's user or client, else "system"; ``reason``, the
    one a withdrawal gave, in the detail) and announce it after commit."""
    detail: dict[str, object] = {"old_state": old_state, "new_state": new_state, "trainee_id": enrolment.trainee_id}
    if reason:
        detail["reason"] = reason
    audit.record(
        audit.Action.ENROLMENT_STATE,
        actor=actor,
        target=enrolment,
        institution=enrolment.cohort.institution_id,
        summary=f"{old_state or '-'} -> {new_state}",
        detail=detail,
    )
    send_after_commit(
        enrolment_state_changed, sender=Enrolment, enrolment=enrolment, old_state=old_state, new_state=new_state
    )


def _announce_progress(enrolment: Enrolment) -> None:
    send_after_commit(training_progress_changed, sender=Enrolment, enrolment=enrolment)


def _enqueue_decision_email(enrolment: Enrolment) -> None:
    from .tasks import send_enrolment_decision_email

    enqueue_on_commit(send_enrolment_decision_email, enrolment.pk)


def _owe_received_email(enrolment: Enrolment, *, employer_id: int | None = None) -> None:
    """Owe the trainee the "application received" mail (``courses.mail.send_enrolment_received``) and enqueue it
    once the transaction commits; nothing if it rolls back. ``employer_id``: the employer whose HR system applied
    on the trainee's behalf (the mail names it).

    What is owed is an :class:`OwedReceipt` row written in this transaction, so an enqueue lost to a broker outage
    is found again by ``courses.mail.do_sweep_owed_receipts`` (the contract of ``core.tasks.enqueue_on_commit``)."""
    from .tasks import send_enrolment_received_email

    OwedReceipt.objects.create(enrolment=enrolment, employer_id=employer_id)
    enqueue_on_commit(send_enrolment_received_email, enrolment.pk)


# --- cohorts -------------------------------------------------------------------------------


def _lock_cohort(cohort: Cohort | int) -> Cohort:
    pk = cohort.pk if isinstance(cohort, Cohort) else cohort
    return Cohort.objects.select_for_update(of=("self",)).select_related("institution", "curriculum").get(pk=pk)


def check_open_cohort(*, cohort: Cohort, today: datetime.date | None = None) -> None:
    if not cohort.institution.is_authorized_on(today):
        raise TrainingError(
            "not_authorized",
            _("%(institution)s is not authorized today, so it cannot open cohorts.")
            % {"institution": cohort.institution},
        )
    if cohort.status not in (Cohort.Status.DRAFT, Cohort.Status.CLOSED):
        raise TrainingError("bad_state", _("Only a draft or closed cohort can be opened."))


def _set_status(cohort: Cohort, status: str) -> None:
    cohort.status = status
    cohort.save(update_fields=["status", "updated_at"])


def _move_cohort(cohort: Cohort, allowed_from: set[str], to: str, refusal: str | Promise) -> Cohort:
    """Lock the cohort and move it to ``to`` from one of ``allowed_from``, else refuse with ``refusal``."""
    locked = _lock_cohort(cohort)
    if locked.status not in allowed_from:
        raise TrainingError("bad_state", refusal)
    _set_status(locked, to)
    return locked


@transaction.atomic
def do_open_cohort(*, cohort: Cohort, today: datetime.date | None = None) -> Cohort:
    """Open ``cohort`` for enrolment. Only an institution whose authorization is valid may."""
    locked = _lock_cohort(cohort)
    check_open_cohort(cohort=locked, today=today)
    _set_status(locked, Cohort.Status.OPEN)
    return locked


@transaction.atomic
def do_close_cohort(*, cohort: Cohort) -> Cohort:
    """Stop taking enrolments; enrolments already made stay."""
    return _move_cohort(cohort, {Cohort.Status.OPEN}, Cohort.Status.CLOSED, _("Only an open cohort can be closed."))


@transaction.atomic
def do_start_cohort(*, cohort: Cohort) -> Cohort:
    """The cohort begins: it stops taking enrolments and its approved trainees are in training."""
    locked = _move_cohort(
        cohort,
        {Cohort.Status.OPEN, Cohort.Status.CLOSED},
        Cohort.Status.RUNNING,
        _("Only an open or closed cohort can start."),
    )
    for enrolment in locked.enrolments.select_for_update(of=("self",)).filter(state=State.APPROVED):
        _move(enrolment, State.IN_TRAINING)
    return locked


@transaction.atomic
def do_finish_cohort(*, cohort: Cohort) -> Cohort:
    return _move_cohort(cohort, {Cohort.Status.RUNNING}, Cohort.Status.FINISHED, _("Only a running cohort can finish."))


#: At most this many of the records a refusal names; more are shown as "…".
NAMED_AT_MOST = 5


def _named(names: Sequence[str]) -> str:
    """The first :data:`NAMED_AT_MOST` of ``names`` as a list in the active language ("…" when there are more)."""
    shown = pgettext("list separator", ", ").join(names[:NAMED_AT_MOST])
    return shown + ("…" if len(names) > NAMED_AT_MOST else "")


def _person(enrolment: Enrolment) -> str:
    """The trainee as a refusal names them: their name, else their address."""
    return enrolment.trainee.display_name or enrolment.trainee.email


def _records_outside(cohort: Cohort) -> list[TrainingError]:
    """What a stored cohort's new dates would leave outside it: sessions (and so their attendance) outside its
    first to last day, and the self-study and remote-module completions that count from its first day on
    (:func:`_outside_days_that_count`) dated before it. Self-study after the last day still counts (a trainee in
    training may study for what they still owe), so a cohort may end before it. Rejected self-study never counts
    and is not in the way."""
    problems = []
    sessions = (
        TrainingSession.objects.filter(cohort_id=cohort.pk)
        .exclude(held_on__range=(cohort.starts_on, cohort.ends_on))
        .select_related("course")
        .order_by("held_on", "pk")
    )
    refusals = {
        TrainingSession.Mode.FACE_TO_FACE: ngettext_lazy(
            "%(count)d face-to-face session would fall outside these dates (%(which)s); move it first.",
            "%(count)d face-to-face sessions would fall outside these dates (%(which)s); move them first.",
            "count",
        ),
        TrainingSession.Mode.LIVE_REMOTE: ngettext_lazy(
            "%(count)d live remote session would fall outside these dates (%(which)s); move it first.",
            "%(count)d live remote sessions would fall outside these dates (%(which)s); move them first.",
            "count",
        ),
    }
    for mode, refusal in refusals.items():
        names = [
            f"{date_format(s.held_on)} {s.course.code if s.course is not None else s.get_purpose_display()}"
            for s in sessions
            if s.mode == mode
        ]
        if names:
            problems.append(
                TrainingError("records_outside_dates", refusal % {"count": len(names), "which": _named(names)})
            )
    starts = date_format(cohort.starts_on)
    entries = (
        SelfStudyEntry.objects.filter(enrolment__cohort_id=cohort.pk, studied_on__lt=cohort.starts_on)
        .exclude(status=SelfStudyEntry.Status.REJECTED)
        .select_related("enrolment__trainee")
        .order_by("studied_on", "pk")
    )
    completions = (
        RemoteCompletion.objects.filter(module__cohort_id=cohort.pk, completed_on__lt=cohort.starts_on)
        .select_related("enrolment__trainee")
        .order_by("completed_on", "pk")
    )
    before_start = (
        (
            [f"{_person(e.enrolment)} {date_format(e.studied_on)}" for e in entries],
            ngettext_lazy(
                "%(count)d self-study entry is dated before %(starts)s (%(which)s); self-study before a cohort's "
                "first day does not count, so the cohort cannot start later than that.",
                "%(count)d self-study entries are dated before %(starts)s (%(which)s); self-study before a cohort's "
                "first day does not count, so the cohort cannot start later than that.",
                "count",
            ),
        ),
        (
            [f"{_person(c.enrolment)} {date_format(c.completed_on)}" for c in completions],
            ngettext_lazy(
                "%(count)d remote-module completion is dated before %(starts)s (%(which)s); completions before a "
                "cohort's first day do not count, so the cohort cannot start later than that.",
                "%(count)d remote-module completions are dated before %(starts)s (%(which)s); completions before a "
                "cohort's first day do not count, so the cohort cannot start later than that.",
                "count",
            ),
        ),
    )
    for names, refusal in before_start:
        if names:
            problems.append(
                TrainingError(
                    "records_outside_dates",
                    refusal % {"count": len(names), "starts": starts, "which": _named(names)},
                    field="starts_on",
                )
            )
    return problems


def cohort_problems(*, cohort: Cohort) -> list[TrainingError]:
    """Every rule ``cohort`` (as it is to be saved: a new one, or a stored one with its changes) breaks, each with
    the field it is about (``None``: the whole cohort). The rules of creating a cohort and of changing one are
    these, in one place (the admin's form shows them all; :func:`do_save_cohort` refuses the first):

    - at least one delivery mode (a database constraint too), else the public page offers none and the cohort
      is in no mode's filter;
    - an online cohort has no city (a database constraint too) and any other names one;
    - enrolment closes by the cohort's last day (local date) at the latest: late enrolments during the training are
      taken (its approval puts the trainee in training at once), after it nothing is left to enrol in;
    - a stored cohort keeps at least as many seats as are taken, and its dates keep what it holds inside them
      (:func:`_records_outside`).

    The order of the dates and of the enrolment window are the database's check constraints (the model form
    shows them)."""
    problems = []
    if not (cohort.offers_face_to_face or cohort.offers_remote or cohort.offers_self_study):
        problems.append(
            TrainingError("no_mode", _("A cohort offers at least one delivery mode."), field="offers_face_to_face")
        )
    if cohort.is_online and cohort.city:
        problems.append(TrainingError("city", _("An online cohort has no city."), field="city"))
    if not cohort.is_online and not cohort.city:
        problems.append(TrainingError("city", _("Name the city, or mark the cohort online."), field="city"))
    closes, ends = cohort.enrolment_closes_at, cohort.ends_on
    if closes is not None and ends is not None and timezone.localdate(closes) > ends:
        problems.append(
            TrainingError(
                "enrolment_after_end",
                _("Enrolment closes on %(closes)s, after the cohort's last day (%(ends)s); it must close by that day.")
                % {"closes": date_format(timezone.localdate(closes)), "ends": date_format(ends)},
                field="enrolment_closes_at",
            )
        )
    if cohort.pk is None:
        return problems
    if cohort.capacity is not None and cohort.capacity < cohort.seats_taken:
        problems.append(
            TrainingError(
                "seats_taken",
                _("%(taken)d seats are taken; the capacity cannot be smaller.") % {"taken": cohort.seats_taken},
                field="capacity",
            )
        )
    if cohort.starts_on is not None and ends is not None and cohort.starts_on <= ends:
        problems += _records_outside(cohort)
    return problems


@transaction.atomic
def do_save_cohort(*, cohort: Cohort) -> Cohort:
    """Create ``cohort`` or save its changes; refused (:class:`TrainingError`, the first of
    :func:`cohort_problems`) when it breaks a rule, and nothing is saved.

    A stored cohort is locked first (as every write of its sessions and remote completions locks it), so that
    none is dated outside the new dates while they are checked (self-study is logged under its enrolment's lock
    only; an entry that slips before a new start is never confirmed: :func:`check_confirm_self_study`); its status
    and seats taken are kept as the database has them: only the services that move them change them (a form read
    before an enrolment must not write back the seats it showed)."""
    if cohort.pk is not None:
        locked = _lock_cohort(cohort.pk)
        cohort.status, cohort.seats_taken = locked.status, locked.seats_taken
    problems = cohort_problems(cohort=cohort)
    if problems:
        raise problems[0]
    cohort.save()
    return cohort


# --- enrolments ----------------------------------------------------------------------------


def check_trainee_active(*, trainee: User) -> None:
    """A deactivated account (the employer's HR system, admin) or one never verified takes no new
    enrolment and no approval: the person has left, or has not shown that the address is theirs."""
    if not trainee.is_active:
        raise TrainingError(
            "trainee_inactive",
            _("The account of %(trainee)s is not active, so they cannot be enrolled.") % {"trainee": trainee},
        )


def _already_enrolled(trainee: User, cohort: Cohort, on_behalf: bool) -> TrainingError:
    if on_behalf:
        message = _("%(trainee)s already has an active enrolment for %(curriculum)s.") % {
            "trainee": trainee,
            "curriculum": cohort.curriculum,
        }
    else:
        message = _("You already have an active enrolment for %(curriculum)s.") % {"curriculum": cohort.curriculum}
    return TrainingError("already_enrolled", message)


def check_enrol(
    *,
    trainee: User,
    cohort: Cohort,
    acting_institution: Institution | None = None,
    now: datetime.datetime | None = None,
    on_behalf: bool = False,
) -> None:
    """Raise :class:`TrainingError` when ``trainee`` cannot enrol in ``cohort`` now.

    ``acting_institution`` is the institution of the staff member enrolling someone (an
    import, admin); it may enrol people only in its own cohorts. ``on_behalf``: staff enrol
    the trainee (refusals name the trainee, not "you"). Reads ``cohort.seats_taken`` as
    given: :func:`do_enrol` passes the locked row.
    """
    now = now or timezone.now()
    if acting_institution is not None and acting_institution.pk != cohort.institution_id:
        raise TrainingError(
            "foreign_cohort", _("Cohort %(cohort)s belongs to another institution.") % {"cohort": cohort}
        )
    check_trainee_active(trainee=trainee)
    if not cohort.institution.is_authorized_on(timezone.localdate(now)):
        raise TrainingError(
            "not_authorized",
            _("%(institution)s is not authorized at the moment, so it cannot take enrolments.")
            % {"institution": cohort.institution},
        )
    if cohort.status != Cohort.Status.OPEN:
        raise TrainingError("closed", _("Cohort %(cohort)s is not open for enrolment.") % {"cohort": cohort})
    if now < cohort.enrolment_opens_at:
        raise TrainingError(
            "not_open_yet",
            _("Enrolment for %(cohort)s opens on %(date)s.")
            % {"cohort": cohort, "date": timezone.localtime(cohort.enrolment_opens_at).date()},
        )
    if now >= cohort.enrolment_closes_at:
        raise TrainingError(
            "window_passed",
            _("Enrolment for %(cohort)s closed on %(date)s.")
            % {"cohort": cohort, "date": timezone.localtime(cohort.enrolment_closes_at).date()},
        )
    if Enrolment.objects.filter(
        trainee=trainee, curriculum_id=cohort.curriculum_id, state__in=Enrolment.ACTIVE_STATES
    ).exists():
        raise _already_enrolled(trainee, cohort, on_behalf)
    if cohort.seats_taken >= cohort.capacity:
        raise TrainingError("full", _("Cohort %(cohort)s is full.") % {"cohort": cohort})


@transaction.atomic
def do_enrol(
    *,
    trainee: User,
    cohort: Cohort,
    acting_institution: Institution | None = None,
    now: datetime.datetime | None = None,
    on_behalf: bool = False,
    for_employer_id: int | None = None,
) -> Enrolment:
    """Enrol ``trainee`` in ``cohort`` (pending approval), taking a seat.

    Locks the cohort row, so that concurrent enrolments count seats one at a time. ``for_employer_id``: the
    employer whose HR system applies on the trainee's behalf (the HR API); the trainee is owed the "application
    received" mail naming it, as :func:`do_apply` owes them the mail of their own application. Staff's enrolments
    (an import, the admin) and the demo's owe none.
    """
    locked = _lock_cohort(cohort)
    check_enrol(trainee=trainee, cohort=locked, acting_institution=acting_institution, now=now, on_behalf=on_behalf)
    try:
        # A concurrent enrolment of the same trainee in another cohort of the same curriculum
        # holds another cohort's lock; the partial unique constraint settles that race.
        with transaction.atomic():
            enrolment = Enrolment.objects.create(trainee=trainee, cohort=locked, curriculum_id=locked.curriculum_id)
    except IntegrityError:
        raise _already_enrolled(trainee, locked, on_behalf) from None
    locked.seats_taken += 1
    locked.save(update_fields=["seats_taken", "updated_at"])
    _announce_state(enrolment, "", State.PENDING)
    if for_employer_id is not None:
        _owe_received_email(enrolment, employer_id=for_employer_id)
    return enrolment


@transaction.atomic
def do_apply(*, trainee: User, cohort: Cohort, now: datetime.datetime | None = None) -> Enrolment:
    """The trainee applies on the portal: :func:`do_enrol` (pending the institution's review), and once it
    commits the "application received" mail, in the trainee's language, with a link to their dashboard (owed in
    this transaction, so a broker outage delays it, never loses it).

    Enrolments staff make (import, admin) are not applications of the trainee's and get no such mail; one an
    employer makes (the HR API) gets it from :func:`do_enrol`, naming the employer. Every enrolment gets the
    decision mail.
    """
    enrolment = do_enrol(trainee=trainee, cohort=cohort, now=now)
    _owe_received_email(enrolment)
    return enrolment


def _lock_enrolment(enrolment: Enrolment | int) -> tuple[Cohort, Enrolment]:
    pk = enrolment.pk if isinstance(enrolment, Enrolment) else enrolment
    cohort_id = Enrolment.objects.values_list("cohort_id", flat=True).get(pk=pk)
    cohort = _lock_cohort(cohort_id)
    locked = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("trainee", "curriculum__tier", "curriculum__track")
        .get(pk=pk)
    )
    locked.cohort = cohort
    return cohort, locked


def _move(
    enrolment: Enrolment,
    new_state: str,
    extra_fields: Iterable[str] = (),
    *,
    actor: User | None = None,
    reason: str = "",
) -> None:
    old_state = enrolment.state
    enrolment.state = new_state
    enrolment.save(update_fields=["state", "updated_at", *extra_fields])
    _announce_state(enrolment, old_state, new_state, actor, reason)


def _release_seat(cohort: Cohort) -> None:
    # Never below zero: a counter that drifted (rows changed by hand) must not block a withdrawal.
    cohort.seats_taken = max(0, cohort.seats_taken - 1)
    cohort.save(update_fields=["seats_taken", "updated_at"])


def _require_state(enrolment: Enrolment, *states: str, refusal: str | Promise) -> None:
    """``refusal``: which enrolments the step is for, and this one's ``%(state)s``."""
    if enrolment.state not in states:
        raise TrainingError("bad_state", str(refusal) % {"state": enrolment.get_state_display()})


@transaction.atomic
def do_approve_enrolment(*, enrolment: Enrolment, by: User | None = None) -> Enrolment:
    """Approve a pending enrolment and fix the hours it owes (plan less credit for prior training)."""
    cohort, locked = _lock_enrolment(enrolment)
    _require_state(
        locked, State.PENDING, refusal=_("Only an enrolment pending approval can be approved; this one is %(state)s.")
    )
    # Deactivated after enrolling: approving would take a seat and fix hours for someone who has
    # left. The enrolment stays pending for the institution to reject (which frees the seat).
    check_trainee_active(trainee=locked.trainee)
    approved = cohort.enrolments.filter(state__in=Enrolment.TRAINING_STATES).count()
    if approved >= cohort.capacity:
        raise TrainingError("full", _("Cohort %(cohort)s is full.") % {"cohort": cohort})
    owed = selectors.hours_owed(locked.curriculum, selectors.completed_curricula(locked.trainee))
    locked.teaching_hours_owed = owed.teaching_hours
    locked.teaching_days_owed = owed.teaching_days
    locked.exam_prep_hours_owed = owed.exam_prep_hours
    locked.exam_prep_days_owed = owed.exam_prep_days
    locked.credited_hours = owed.credited_hours
    locked.decided_by = by
    locked.decided_at = timezone.now()
    new_state = State.IN_TRAINING if cohort.status == Cohort.Status.RUNNING else State.APPROVED
    _move(
        locked,
        new_state,
        [
            "teaching_hours_owed",
            "teaching_days_owed",
            "exam_prep_hours_owed",
            "exam_prep_days_owed",
            "credited_hours",
            "decided_by",
            "decided_at",
        ],
    )
    _enqueue_decision_email(locked)
    return locked


@transaction.atomic
def do_reject_enrolment(*, enrolment: Enrolment, by: User | None = None, reason: str = "") -> Enrolment:
    """Reject a pending enrolment; its seat is free again."""
    cohort, locked = _lock_enrolment(enrolment)
    _require_state(
        locked, State.PENDING, refusal=_("Only an enrolment pending approval can be rejected; this one is %(state)s.")
    )
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = reason[:REASON_LENGTH]  # optional here, unlike a withdrawal's (_required_reason)
    _move(locked, State.REJECTED, ["decided_by", "decided_at", "decision_note"])
    _release_seat(cohort)
    _enqueue_decision_email(locked)
    return locked


@dataclass
class BulkOutcome:
    done: list[Enrolment] = field(default_factory=list)
    refused: list[tuple[Enrolment, TrainingError]] = field(default_factory=list)


def do_approve_enrolments(*, enrolments: Iterable[Enrolment], by: User | None = None) -> BulkOutcome:
    """Approve each enrolment in its own transaction; the refused ones are reported with why."""
    outcome = BulkOutcome()
    for enrolment in enrolments:
        try:
            outcome.done.append(do_approve_enrolment(enrolment=enrolment, by=by))
        except TrainingError as error:
            outcome.refused.append((enrolment, error))
    return outcome


def do_reject_enrolments(*, enrolments: Iterable[Enrolment], by: User | None = None, reason: str = "") -> BulkOutcome:
    outcome = BulkOutcome()
    for enrolment in enrolments:
        try:
            outcome.done.append(do_reject_enrolment(enrolment=enrolment, by=by, reason=reason))
        except TrainingError as error:
            outcome.refused.append((enrolment, error))
    return outcome


@transaction.atomic
def do_start_training(*, enrolment: Enrolment) -> Enrolment:
    _cohort, locked = _lock_enrolment(enrolment)
    _require_state(
        locked, State.APPROVED, refusal=_("Only an approved enrolment can start training; this one is %(state)s.")
    )
    _move(locked, State.IN_TRAINING)
    return locked


@transaction.atomic
def do_complete_enrolment(*, enrolment: Enrolment) -> Enrolment:
    """Mark the training complete; refused while hours are missing. The seat is released."""
    cohort, locked = _lock_enrolment(enrolment)
    _require_state(
        locked,
        *Enrolment.TRAINING_STATES,
        refusal=_("Only an approved enrolment or one in training can be marked complete; this one is %(state)s."),
    )
    progress = selectors.progress(locked)
    if not progress.complete:
        # Each part on its own: extra teaching hours never make up for missing exam preparation.
        raise TrainingError(
            "hours_missing",
            _(
                "Teaching %(teaching_done)s of %(teaching_owed)s hours and exam preparation %(prep_done)s of "
                "%(prep_owed)s hours are done; the training is not complete yet."
            )
            % {
                "teaching_done": plain_number(progress.teaching_done),
                "teaching_owed": plain_number(progress.teaching_owed or 0),
                "prep_done": plain_number(progress.exam_prep),
                "prep_owed": plain_number(progress.exam_prep_owed or 0),
            },
        )
    locked.completed_at = timezone.now()
    _move(locked, State.COMPLETED, ["completed_at"])
    _release_seat(cohort)
    return locked


@transaction.atomic
def do_withdraw_enrolment(*, enrolment: Enrolment, by: User | None = None) -> Enrolment:
    """Withdraw an active enrolment; the seat is free and the trainee may enrol again.

    ``by`` (the trainee, an institution admin) is who the audit trail names; None: the request's.
    """
    cohort, locked = _lock_enrolment(enrolment)
    _require_state(
        locked,
        *Enrolment.ACTIVE_STATES,
        refusal=_(
            "Only an enrolment pending approval, approved or in training can be withdrawn; this one is %(state)s."
        ),
    )
    _withdraw(cohort, locked, by=by)
    return locked


def check_withdrawal_reason(*, reason: str) -> str:
    """The reason the institution gives for withdrawing an enrolment, cleaned (:func:`_required_reason`); required:
    the trainee reads it in the mail and on their dashboard."""
    return _required_reason(
        reason,
        missing=_("Say why the enrolment is withdrawn: the trainee reads it in the e-mail and on their dashboard."),
    )


@transaction.atomic
def do_withdraw_enrolment_by_institution(*, enrolment: Enrolment, reason: str, by: User | None = None) -> Enrolment:
    """The institution withdraws an active enrolment, saying why (``reason``, required): as any withdrawal (the seat
    freed, audited with the reason, announced after commit), and the trainee is mailed the reason in their language
    once the transaction commits (the decision mail's task and sweep: :func:`courses.mail.send_enrolment_decision`
    claims it once) and reads it on their dashboard."""
    note = check_withdrawal_reason(reason=reason)
    cohort, locked = _lock_enrolment(enrolment)
    _require_state(
        locked,
        *Enrolment.ACTIVE_STATES,
        refusal=_(
            "Only an enrolment pending approval, approved or in training can be withdrawn; this one is %(state)s."
        ),
    )
    _withdraw(cohort, locked, by=by, reason=note)
    return locked


def do_withdraw_enrolments_by_institution(
    *, enrolments: Iterable[Enrolment], reason: str, by: User | None = None
) -> BulkOutcome:
    """:func:`do_withdraw_enrolment_by_institution` for each enrolment, each in its own transaction; the refused
    ones are reported with why. A missing reason refuses them all."""
    check_withdrawal_reason(reason=reason)
    outcome = BulkOutcome()
    for enrolment in enrolments:
        try:
            outcome.done.append(do_withdraw_enrolment_by_institution(enrolment=enrolment, reason=reason, by=by))
        except TrainingError as error:
            outcome.refused.append((enrolment, error))
    return outcome


def _withdraw(cohort: Cohort, locked: Enrolment, *, by: User | None, reason: str = "") -> None:
    """Every withdrawal: the state change (audited, announced after commit) and the seat freed.
    ``cohort`` and ``locked`` are locked in that order (:func:`_lock_enrolment`). ``reason``: the institution's
    (:func:`do_withdraw_enrolment_by_institution`), kept for the trainee to read and mailed to them: the decision
    mail's claim is emptied, so the task (or its sweep) sends this news once, even if the approval's mail is still
    on its way (that task then finds the enrolment withdrawn and says so)."""
    locked.withdrawn_at = timezone.now()
    fields = ["withdrawn_at"]
    if reason:
        locked.withdrawal_reason = reason
        locked.decision_mailed_at = None
        fields += ["withdrawal_reason", "decision_mailed_at"]
    _move(locked, State.WITHDRAWN, fields, actor=by, reason=reason)
    _release_seat(cohort)
    if reason:
        _enqueue_decision_email(locked)


# --- prior learning ------------------------------------------------------------------------


def check_prior_learning(*, completed_on: datetime.date, today: datetime.date | None = None) -> None:
    """Prior learning was finished in the past: a date to come is a typing mistake."""
    if completed_on > (today or timezone.localdate()):
        raise TrainingError("future_date", _("Prior learning cannot be completed on a day that has not come yet."))


@transaction.atomic
def do_record_prior_learning(*, prior: PriorLearning, by: User | None = None) -> PriorLearning:
    """Save a prior-learning record (new or corrected) and note it in the audit trail: it takes
    hours off what the trainee owes, so who credited what must be on record."""
    check_prior_learning(completed_on=prior.completed_on)
    created = prior.pk is None
    if created:
        prior.recorded_by = by
    prior.save()
    audit.record(
        audit.Action.PRIOR_LEARNING,
        actor=by,
        target=prior,
        summary=f"{'recorded' if created else 'changed'}: {prior.curriculum} {prior.completed_on}"[:500],
        detail={
            "trainee_id": prior.trainee_id,
            "curriculum_id": prior.curriculum_id,
            "completed_on": prior.completed_on.isoformat(),
            "created": created,
        },
    )
    return prior


# --- training records ----------------------------------------------------------------------


def _parse_hours(value: object, *, field: str | None = None) -> Decimal:
    """``value`` as hours to a tenth, or ``bad_hours`` (at ``field``) for what is not a finite number. The range
    is each caller's own rule."""
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite():
        raise TrainingError("bad_hours", _("Hours must be a number."), field=field)
    return hours


def _hours(value: object, *, field: str | None = None) -> Decimal:
    hours = _parse_hours(value, field=field)
    if hours <= 0 or hours > MAX_HOURS_A_DAY:
        raise TrainingError("bad_hours", _("Hours must be more than 0 and at most 24 in a day."), field=field)
    return hours


def check_session_hours(*, hours: object) -> Decimal:
    """The length of a session or a recorded module as a clean value: more than 0 and at most a day's 24 hours,
    else ``bad_hours`` at ``hours``. A form checks it at its hours field, so that the model's own range check
    (the database's last line, worded otherwise) is not reported as well."""
    return _hours(hours, field="hours")


def _require_training(enrolment: Enrolment) -> None:
    if not enrolment.is_training:
        raise TrainingError(
            "bad_state",
            _("Hours are recorded only for an approved enrolment or one in training; this one is %(state)s.")
            % {"state": enrolment.get_state_display()},
        )


def check_within_cohort_dates(*, cohort: Cohort, day: datetime.date) -> None:
    """``day`` falls between the cohort's first and last day (both included)."""
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise TrainingError(
            "outside_cohort_dates",
            _("%(date)s is outside cohort %(cohort)s, which runs from %(starts)s to %(ends)s.")
            % {
                "date": date_format(day),
                "cohort": cohort,
                "starts": date_format(cohort.starts_on),
                "ends": date_format(cohort.ends_on),
            },
        )


def _check_mode(cohort: Cohort, mode: str) -> None:
    if mode == TrainingSession.Mode.LIVE_REMOTE:
        if not cohort.offers_remote:
            raise TrainingError("mode_not_offered", _("Cohort %(cohort)s has no remote learning.") % {"cohort": cohort})
    elif not cohort.offers_face_to_face or cohort.is_online:
        raise TrainingError(
            "mode_not_offered", _("Cohort %(cohort)s has no face-to-face teaching.") % {"cohort": cohort}
        )


def _check_purpose(cohort: Cohort, purpose: str, course: Course | None) -> None:
    """Teaching names a course of the cohort's curriculum; exam preparation names none."""
    if purpose == Purpose.EXAM_PREP:
        if course is not None:
            raise TrainingError(
                "course_not_in_curriculum", _("Exam preparation is not tied to a course: leave the course empty.")
            )
        return
    if course is None:
        raise TrainingError("course_not_in_curriculum", _("Teaching needs a course."))
    if not cohort.curriculum.entries.filter(course=course).exists():
        raise TrainingError(
            "course_not_in_curriculum",
            _("%(course)s is not part of %(curriculum)s.") % {"course": course, "curriculum": cohort.curriculum},
        )


def check_session_teacher(*, cohort: Cohort, teacher_person: StaffMembership | None) -> None:
    """A session's teacher, when an account is named, is a teacher of the cohort's own institution:
    naming another institution's teacher would show them its cohort and trainees."""
    if teacher_person is None:
        return
    if teacher_person.role != teacher_person.Role.TEACHER:
        raise TrainingError(
            "not_a_teacher",
            _("%(person)s is not a teacher; only staff with the teacher role teach sessions.")
            % {"person": teacher_person.user.display_name},
        )
    if teacher_person.institution_id != cohort.institution_id:
        raise TrainingError(
            "foreign_teacher",
            _("%(person)s teaches at another institution, not at %(institution)s, which runs cohort %(cohort)s.")
            % {"person": teacher_person.user.display_name, "institution": cohort.institution, "cohort": cohort},
        )


def check_session_place(*, mode: str, location: str, location_en: str = "") -> None:
    """The rules of a session's place that the database keeps too (``TrainingSession.Meta.constraints``), in the
    constraints' words, as :func:`exams.services.attempts.check_sitting_fits` says a sitting's: a face-to-face
    session names the place its trainees go to, a live remote one has none. A model form shows them once, through
    the model's constraints; every other caller asks here."""
    if mode == TrainingSession.Mode.FACE_TO_FACE and not location.strip():
        raise TrainingError(
            "no_location", _("Give the place of a face-to-face session, or make it live remote."), field="location"
        )
    if mode == TrainingSession.Mode.LIVE_REMOTE and (location.strip() or location_en.strip()):
        raise TrainingError("remote_location", _("A live remote session has no location."), field="location")


def check_session(
    *,
    cohort: Cohort,
    purpose: str,
    course: Course | None,
    hours: object,
    mode: str = TrainingSession.Mode.FACE_TO_FACE,
    held_on: datetime.date | None = None,
    teacher_person: StaffMembership | None = None,
    session: TrainingSession | None = None,
) -> None:
    """A session fits its cohort: its delivery offered (face-to-face in a room, or live remote), on a
    day within the cohort's dates, a course of the curriculum for teaching and none for exam
    preparation, a day's hours, a teacher of the cohort's institution. ``session``, the stored session
    being changed: one with attendance recorded does not move to a day that has not come yet (its
    hours would count for a class not held), nor to another cohort (its trainees' hours stay with theirs). Its
    place is :func:`check_session_place`'s; its length against the hours credited, :func:`check_session_length`'s."""
    check_session_teacher(cohort=cohort, teacher_person=teacher_person)
    _check_mode(cohort, mode)
    if session is not None and session.pk is not None:
        stored_cohort = TrainingSession.objects.filter(pk=session.pk).values_list("cohort_id", flat=True).first()
        if stored_cohort not in (None, cohort.pk) and session.attendances.exists():
            raise TrainingError(
                "has_attendance",
                _("Attendance of this session is recorded for the trainees of its cohort, so it stays in that cohort."),
                field="cohort",
            )
    if held_on is not None:
        check_within_cohort_dates(cohort=cohort, day=held_on)
        if (
            session is not None
            and session.pk is not None
            and held_on > timezone.localdate()
            and session.attendances.exists()
        ):
            raise TrainingError(
                "has_attendance",
                _("Attendance of this session is recorded, so it cannot move to %(date)s, a day that has not come yet.")
                % {"date": date_format(held_on)},
            )
    _hours(hours)
    _check_purpose(cohort, purpose, course)


def check_session_length(*, session: TrainingSession, hours: object) -> None:
    """A stored session is never shorter than the hours already credited for it (its attendance rows): a
    session cut to 4 hours would leave its trainees 8 hours of it, as recording more than its length is refused
    (:func:`check_attendance`). Those rows are lowered first, then the session. The refusal says how many rows
    credit more and the most any does."""
    if session.pk is None:
        return
    length = _hours(hours)
    over = list(Attendance.objects.filter(session_id=session.pk, hours__gt=length).values_list("hours", flat=True))
    if not over:
        return
    refusal = ngettext_lazy(
        "%(count)d trainee's attendance of this session is recorded as %(largest)s hours, more than %(hours)s: a "
        "session cannot be shorter than the hours already credited for it. Lower that attendance first.",
        "%(count)d trainees' attendance of this session is recorded as more than %(hours)s hours, up to "
        "%(largest)s: a session cannot be shorter than the hours already credited for it. Lower that attendance "
        "first.",
        "count",
    )
    raise TrainingError(
        "below_attendance",
        refusal % {"count": len(over), "hours": plain_number(length), "largest": plain_number(max(over))},
        field="hours",
    )


def _lock_session(session: TrainingSession) -> TrainingSession:
    return (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("cohort__institution", "cohort__curriculum")
        .get(pk=session.pk)
    )


@transaction.atomic
def do_save_session(*, session: TrainingSession) -> TrainingSession:
    """Create ``session`` or save its changes (the admin's form): every rule of :func:`check_session` and
    :func:`check_session_place`, and a change of a stored session's length may not leave it shorter than the
    hours credited for it (:func:`check_session_length`). Refused with :class:`TrainingError`, nothing saved.

    The cohort is locked first (its dates are checked against its sessions under that lock), then the stored
    session, which every recording of its attendance locks too: hours recorded meanwhile are counted."""
    cohort = _lock_cohort(session.cohort_id)
    stored = _lock_session(session) if session.pk is not None else None
    check_session(
        cohort=cohort,
        purpose=session.purpose,
        course=session.course,
        hours=session.hours,
        mode=session.mode,
        held_on=session.held_on,
        teacher_person=session.teacher_person,
        session=session,
    )
    check_session_place(mode=session.mode, location=session.location, location_en=session.location_en)
    if stored is not None and stored.hours != session.hours:
        check_session_length(session=session, hours=session.hours)
    session.save()
    return session


def check_session_held(*, session: TrainingSession, today: datetime.date | None = None) -> None:
    """Attendance is of a session already held: from its day on (local date), never before, so that no
    hours count for a class that has not taken place."""
    if session.held_on > (today or timezone.localdate()):
        raise TrainingError(
            "future_date",
            _("This session is on %(date)s and has not been held yet: attendance is recorded from that day on.")
            % {"date": date_format(session.held_on)},
        )


def check_attendance(*, session: TrainingSession, enrolment: Enrolment, hours: object) -> Decimal:
    """The clean hours value, or :class:`TrainingError` (not in the cohort, beyond the session …)."""
    if enrolment.cohort_id != session.cohort_id:
        raise TrainingError(
            "not_in_cohort",
            _("%(trainee)s is not in cohort %(cohort)s.") % {"trainee": enrolment.trainee, "cohort": session.cohort},
        )
    _require_training(enrolment)
    # The cohort's dates may have moved since the session was planned: no hours outside them.
    check_within_cohort_dates(cohort=session.cohort, day=session.held_on)
    check_session_held(session=session)
    return check_attended_hours(session=session, hours=hours)


def check_attended_hours(*, session: TrainingSession, hours: object) -> Decimal:
    """The hours a trainee attended of ``session`` as a clean value: from 0 (absent) to the session's length.
    Refused with one message saying that range, whichever side is passed (``hours_beyond_session`` above the
    session's length, ``bad_hours`` below 0 or above a day's 24), or ``bad_hours`` for what is not a number."""
    value = _parse_hours(hours, field="hours")
    if 0 <= value <= session.hours:
        return value
    raise TrainingError(
        "bad_hours" if value < 0 or value > MAX_HOURS_A_DAY else "hours_beyond_session",
        _("Attended hours are between 0 (absent) and the session's %(length)s hours; %(hours)s is outside that.")
        % {"hours": plain_number(value), "length": plain_number(session.hours)},
        field="hours",
    )


@transaction.atomic
def do_record_attendance(
    *, session: TrainingSession, enrolment: Enrolment, hours: object, by: User | None = None
) -> Attendance:
    """Record (or correct) the hours ``enrolment``'s trainee attended of ``session``; 0 is absent. The session's
    row is locked and read again, so that its length is the one a change saved meanwhile gave it."""
    session = _lock_session(session)
    value = check_attendance(session=session, enrolment=enrolment, hours=hours)
    attendance, _created = Attendance.objects.update_or_create(
        session=session, enrolment=enrolment, defaults={"hours": value, "recorded_by": by}
    )
    _announce_progress(enrolment)
    return attendance


@transaction.atomic
def do_record_session_attendance(
    *, session: TrainingSession, hours_by_enrolment: Mapping[int, object | None], by: User | None = None
) -> list[Attendance]:
    """Attendance for many trainees of one session, all or nothing.

    ``hours_by_enrolment`` maps enrolment ids to hours; ``None`` means the whole session. The session's row is
    locked and read again (see :func:`do_record_attendance`).
    """
    return _record_session_attendance(_lock_session(session), hours_by_enrolment=hours_by_enrolment, by=by)


def _record_session_attendance(
    session: TrainingSession, *, hours_by_enrolment: Mapping[int, object | None], by: User | None
) -> list[Attendance]:
    """:func:`do_record_session_attendance`'s work on ``session``, a row the caller has locked and read again
    (:func:`_lock_session`) in the transaction it runs in."""
    enrolments = Enrolment.objects.select_related("trainee").in_bulk(list(hours_by_enrolment))
    missing = set(hours_by_enrolment) - set(enrolments)
    if missing:
        raise TrainingError(
            "not_in_cohort", _("No such enrolment: %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))}
        )
    cleaned = {
        pk: check_attendance(session=session, enrolment=enrolments[pk], hours=session.hours if hours is None else hours)
        for pk, hours in hours_by_enrolment.items()
    }
    records = []
    for pk, value in cleaned.items():
        # The loaded enrolment, not its id: the dashboard cache's receiver reads its trainee from it.
        attendance, _created = Attendance.objects.update_or_create(
            session=session, enrolment=enrolments[pk], defaults={"hours": value, "recorded_by": by}
        )
        records.append(attendance)
        _announce_progress(enrolments[pk])
    return records


def check_delete_session(*, session: TrainingSession) -> None:
    """A session whose attendance is recorded stays: deleting it would take hours back from trainees."""
    count = session.attendances.count()
    if count:
        raise TrainingError(
            "has_attendance",
            ngettext_lazy(
                "Session %(session)s has %(count)d attendance record; it cannot be deleted.",
                "Session %(session)s has %(count)d attendance records; it cannot be deleted.",
                "count",
            )
            % {"session": session, "count": count},
        )


@transaction.atomic
def do_delete_session(*, session: TrainingSession) -> None:
    """Delete a session nobody's attendance is recorded on; the row lock keeps attendance from
    being recorded while it goes."""
    locked = (
        TrainingSession.objects.select_for_update(of=("self",)).select_related("cohort", "course").get(pk=session.pk)
    )
    check_delete_session(session=locked)
    locked.delete()


@dataclass(frozen=True)
class WholeSessionMarked:
    """What :func:`do_mark_whole_session_attended` did to one session: the rows it wrote (one per trainee who had
    none), and how many trainees' attendance was recorded already and left as it was."""

    recorded: list[Attendance]
    kept: int


@transaction.atomic
def do_mark_whole_session_attended(*, session: TrainingSession, by: User | None = None) -> WholeSessionMarked:
    """Every trainee in training in the session's cohort whose attendance of it is not recorded yet attended all
    of it. Attendance already recorded stays as it is: an absence (0 hours) or part of the session was typed on
    purpose, and is corrected on the session's page, never by this shortcut.

    The session's row is locked first (as every recording of its attendance does), so that a row recorded
    meanwhile is seen and kept, and the count of those kept is true."""
    session = _lock_session(session)
    recorded = set(Attendance.objects.filter(session=session).values_list("enrolment_id", flat=True))
    ids = (
        selectors.enrolments_in_training(cohort_id=session.cohort_id)
        .exclude(pk__in=recorded)
        .values_list("pk", flat=True)
    )
    hours_by_enrolment: dict[int, object | None] = dict.fromkeys(ids)
    records = (
        _record_session_attendance(session, hours_by_enrolment=hours_by_enrolment, by=by) if hours_by_enrolment else []
    )
    return WholeSessionMarked(recorded=records, kept=len(recorded))


def check_module(*, cohort: Cohort, course: Course | None, hours: object, purpose: str = Purpose.TEACHING) -> None:
    """A recorded module fits its cohort: remote learning offered, a course of the curriculum for
    teaching and none for exam preparation."""
    if not cohort.offers_remote:
        raise TrainingError("mode_not_offered", _("Cohort %(cohort)s has no remote learning.") % {"cohort": cohort})
    _hours(hours)
    _check_purpose(cohort, purpose, course)


def _outside_days_that_count(*, cohort: Cohort, day: datetime.date, today: datetime.date) -> str | None:
    """The days a trainee's own learning (self-study, a remote module's completion) counts toward a cohort:
    from its first day to today (local date). After the cohort's last day it still counts while the
    enrolment is in training (a trainee may study for what they still owe). ``None`` for such a day,
    else the refusal's code: ``future_date`` (a day that has not come yet) or ``before_cohort_start``."""
    if day > today:
        return "future_date"
    if day < cohort.starts_on:
        return "before_cohort_start"
    return None


def check_remote_completion(*, module: RemoteModule, enrolment: Enrolment, completed_on: datetime.date) -> None:
    if enrolment.cohort_id != module.cohort_id:
        raise TrainingError(
            "not_in_cohort",
            _("%(trainee)s is not in cohort %(cohort)s.") % {"trainee": enrolment.trainee, "cohort": module.cohort},
        )
    _require_training(enrolment)
    today = timezone.localdate()
    refused = _outside_days_that_count(cohort=module.cohort, day=completed_on, today=today)
    if refused:
        raise TrainingError(
            refused,
            _(
                "A completion in cohort %(cohort)s is dated from the cohort's first day (%(starts)s) to today "
                "(%(today)s); %(date)s is not."
            )
            % {
                "cohort": module.cohort,
                "starts": date_format(module.cohort.starts_on),
                "today": date_format(today),
                "date": date_format(completed_on),
            },
            field="completed_on",
        )


@transaction.atomic
def do_record_remote_completion(
    *, module: RemoteModule, enrolment: Enrolment, completed_on: datetime.date | None = None, by: User | None = None
) -> RemoteCompletion:
    """``enrolment``'s trainee completed ``module``; recording it twice changes nothing. Locks the cohort row
    (its dates are changed under that lock: :func:`do_save_cohort`)."""
    _lock_cohort(module.cohort_id)
    completed_on = completed_on or timezone.localdate()
    check_remote_completion(module=module, enrolment=enrolment, completed_on=completed_on)
    completion, created = RemoteCompletion.objects.get_or_create(
        module=module, enrolment=enrolment, defaults={"completed_on": completed_on, "recorded_by": by}
    )
    if created:
        _announce_progress(enrolment)
    return completion


def check_self_study_day(*, cohort: Cohort, studied_on: datetime.date, today: datetime.date | None = None) -> None:
    """Self-study counts on the days that count (:func:`_outside_days_that_count`)."""
    refused = _outside_days_that_count(cohort=cohort, day=studied_on, today=today or timezone.localdate())
    if refused == "future_date":
        raise TrainingError("future_date", _("Self-study cannot be logged for a day that has not come yet."))
    if refused == "before_cohort_start":
        raise TrainingError(
            "before_cohort_start",
            _("Cohort %(cohort)s starts on %(starts)s: self-study before that day cannot be logged for it.")
            % {"cohort": cohort, "starts": date_format(cohort.starts_on)},
        )


def _day_over_24(day: datetime.date, logged: Decimal) -> TrainingError:
    """The refusal of self-study beyond a day's 24 hours: the day as pages show dates, and what is still open."""
    if logged >= MAX_HOURS_A_DAY:
        message = _("%(date)s already has 24 hours of self-study logged: no more can be logged for that day.") % {
            "date": date_format(day)
        }
    else:
        message = _(
            "%(date)s already has %(hours)s hours of self-study logged; a day has 24, "
            "so at most %(open)s more can be logged for it."
        ) % {
            "date": date_format(day),
            "hours": plain_number(logged),
            "open": plain_number(MAX_HOURS_A_DAY - logged),
        }
    return TrainingError("day_over_24", message)


@transaction.atomic
def do_log_self_study(
    *,
    trainee: User,
    enrolment: Enrolment,
    course: Course,
    studied_on: datetime.date,
    hours: object,
    note: str = "",
) -> SelfStudyEntry:
    """The trainee logs self-study; at most 24 hours a day in all. Locks the enrolment row only (trainees of one
    cohort log at once): an entry logged while the cohort's start moves later is not confirmed if it falls before it
    (:func:`check_confirm_self_study`)."""
    locked = Enrolment.objects.select_for_update(of=("self",)).select_related("cohort", "trainee").get(pk=enrolment.pk)
    if locked.trainee_id != trainee.pk:
        raise TrainingError("not_yours", _("This enrolment is not yours."))
    _require_training(locked)
    if not locked.cohort.offers_self_study:
        raise TrainingError("mode_not_offered", _("Cohort %(cohort)s has no self-study.") % {"cohort": locked.cohort})
    value = _hours(hours)
    check_self_study_day(cohort=locked.cohort, studied_on=studied_on)
    if not locked.curriculum.entries.filter(course=course).exists():
        raise TrainingError(
            "course_not_in_curriculum",
            _("%(course)s is not part of %(curriculum)s.") % {"course": course, "curriculum": locked.curriculum},
        )
    that_day = locked.self_study.exclude(status=SelfStudyEntry.Status.REJECTED).filter(studied_on=studied_on).aggregate(
        total=Sum("hours")
    )["total"] or Decimal(0)
    if that_day + value > MAX_HOURS_A_DAY:
        raise _day_over_24(studied_on, that_day)
    return SelfStudyEntry.objects.create(
        enrolment=locked, course=course, studied_on=studied_on, hours=value, note=note[:300]
    )


def check_decide_self_study(*, entry: SelfStudyEntry, acting_institution: Institution | None = None) -> None:
    """Staff decide on the self-study of their own institution's cohorts (``acting_institution``: the deciding
    staff member's institution; ``None`` for the program office); an entry is decided once."""
    if acting_institution is not None and acting_institution.pk != entry.enrolment.cohort.institution_id:
        raise TrainingError("foreign_cohort", _("This self-study entry belongs to another institution."))
    if entry.status != SelfStudyEntry.Status.LOGGED:
        raise TrainingError("bad_state", _("This self-study entry was already decided."))


def check_confirm_self_study(*, entry: SelfStudyEntry, today: datetime.date | None = None) -> None:
    """Confirmed self-study counts, so it is of a day that counts (:func:`_outside_days_that_count`), as the
    trainee's logging requires: an entry logged before the cohort's start moved later is rejected, not
    confirmed."""
    cohort = entry.enrolment.cohort
    if _outside_days_that_count(cohort=cohort, day=entry.studied_on, today=today or timezone.localdate()):
        raise TrainingError(
            "before_cohort_start",
            _(
                "This self-study is dated %(date)s, outside cohort %(cohort)s, which counts self-study from "
                "%(starts)s to today: it cannot be confirmed. Reject it instead."
            )
            % {"date": date_format(entry.studied_on), "cohort": cohort, "starts": date_format(cohort.starts_on)},
        )


def check_reject_self_study(*, reason: str) -> str:
    """The reason a rejection gives, cleaned (:func:`_required_reason`); required: the trainee reads it."""
    return _required_reason(
        reason, missing=_("Say why the self-study is rejected: the trainee reads it on their dashboard.")
    )


def _decide_self_study(
    entry: SelfStudyEntry, status: str, by: User | None, acting_institution: Institution | None, note: str = ""
) -> SelfStudyEntry:
    locked = SelfStudyEntry.objects.select_for_update(of=("self",)).select_related("enrolment__cohort").get(pk=entry.pk)
    check_decide_self_study(entry=locked, acting_institution=acting_institution)
    if status == SelfStudyEntry.Status.CONFIRMED:
        check_confirm_self_study(entry=locked)
    locked.status = status
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked


@transaction.atomic
def do_confirm_self_study(
    *, entry: SelfStudyEntry, by: User | None = None, acting_institution: Institution | None = None
) -> SelfStudyEntry:
    """The institution confirms logged self-study; from now on its hours count. Locks the entry."""
    locked = _decide_self_study(entry, SelfStudyEntry.Status.CONFIRMED, by, acting_institution)
    _announce_progress(locked.enrolment)
    return locked


@transaction.atomic
def do_reject_self_study(
    *, entry: SelfStudyEntry, reason: str, by: User | None = None, acting_institution: Institution | None = None
) -> SelfStudyEntry:
    """The institution rejects logged self-study, saying why (``reason``, required); its hours never count,
    and the trainee reads the reason on their dashboard. Locks the entry."""
    note = check_reject_self_study(reason=reason)
    return _decide_self_study(entry, SelfStudyEntry.Status.REJECTED, by, acting_institution, note)


@transaction.atomic
def do_move_enrolments(*, from_trainee: User, to_trainee: User) -> None:
    """A person takes a stand-in's place (accounts.signals.stand_in_replaced): its enrolments become theirs.

    One active enrolment per curriculum: the person's own stays, the stand-in's is withdrawn as any
    withdrawal is (its seat freed, audited, announced after commit), already as the person's: the
    stand-in's account goes in the same transaction, and receivers (the employer's webhook) find the
    trainee by the enrolment. The person is who the trail names: the mailed link they followed proved
    them. Runs inside the caller's transaction (the acceptance of the employment).

    Race: the person may be enrolled (by their employer, by themselves) while this runs, in a curriculum
    the stand-in holds. No lock here keeps that out (it would take every cohort of the curriculum); the
    partial unique constraint refuses the move instead, once that enrolment has committed, so the clashes
    are looked for once more and withdrawn like the others. Refused a second time, it raises
    :class:`TrainingError` ``enrolled_meanwhile`` and the caller's transaction keeps nothing.
    """
    for last_try in (False, True):
        _withdraw_clashes(from_trainee=from_trainee, to_trainee=to_trainee)
        try:
            with transaction.atomic():
                Enrolment.objects.filter(trainee=from_trainee).update(trainee=to_trainee, updated_at=timezone.now())
        except IntegrityError:
            if last_try:
                raise TrainingError(
                    "enrolled_meanwhile",
                    _(
                        "You were enrolled in a cohort at the very moment your enrolments were being brought "
                        "together, so nothing was changed. Please try again."
                    ),
                ) from None
            continue
        break
    # QuerySet.update sends no post_save: the dashboards are told here (courses.caching).
    caching.bump_trainees([from_trainee.pk, to_trainee.pk])


def _withdraw_clashes(*, from_trainee: User, to_trainee: User) -> None:
    """Withdraw ``from_trainee``'s active enrolments in a curriculum ``to_trainee`` holds an active one in,
    each under its cohort's lock, as ``to_trainee``'s (see :func:`do_move_enrolments`)."""
    held = Enrolment.objects.filter(trainee=to_trainee, state__in=Enrolment.ACTIVE_STATES).values("curriculum_id")
    clashing = list(
        Enrolment.objects.filter(trainee=from_trainee, state__in=Enrolment.ACTIVE_STATES, curriculum_id__in=held)
        .order_by("cohort_id", "pk")  # several cohorts locked in one order: two moves never wait on each other
        .values_list("pk", flat=True)
    )
    for pk in clashing:
        cohort, locked = _lock_enrolment(pk)
        if locked.trainee_id != from_trainee.pk or not locked.is_active:
            continue  # withdrawn or completed meanwhile: nothing to free
        # Announced as the person's (the stand-in's account is gone by commit); the row becomes theirs
        # with the others' in do_move_enrolments.
        locked.trainee = to_trainee
        _withdraw(cohort, locked, by=to_trainee)


# --- the unified syllabus (program office) -------------------------------------------------


class SyllabusError(DomainError):
    """A syllabus rule refused the change.

    Codes: overlap, bad_dates, bad_isbn, no_topics, bad_topic, hours_mismatch.
    """


@dataclass(frozen=True)
class TopicData:
    """One topic of a syllabus version, as the admin's rows or the demo give it."""

    title_zh: str
    title_en: str
    knowledge_area: str
    hours: Decimal


#: The fields of a syllabus version besides its course, dates and topics.
SYLLABUS_TEXT_FIELDS = (
    "learning_outcomes_zh", "learning_outcomes_en", "textbook_title_zh", "textbook_title_en", "textbook_edition",
    "textbook_publisher_zh", "textbook_publisher_en", "textbook_year", "textbook_isbn", "readings_zh", "readings_en",
)  # fmt: skip


def clean_isbn(raw: str) -> str:
    """The ISBN-13 of ``raw`` (ISBN-10 or ISBN-13, hyphens allowed); refuses a wrong check digit."""
    isbn = normalise_isbn(raw or "")
    if isbn is None:
        raise SyllabusError(
            "bad_isbn",
            _("“%(isbn)s” is not a valid ISBN: give the 10 or 13 digits printed on the book (check digit included).")
            % {"isbn": raw},
            field="textbook_isbn",
        )
    return isbn


def check_syllabus_dates(
    *,
    course: Course,
    in_force_from: datetime.date,
    in_force_until: datetime.date | None,
    version_id: int | None = None,
) -> None:
    """Refuse dates out of order, or a period that overlaps another version of the course.

    Reads without a lock: :func:`do_save_syllabus_version` checks again under the course's lock.
    """
    if in_force_until is not None and in_force_until < in_force_from:
        raise SyllabusError(
            "bad_dates", _("A syllabus version cannot end before it comes into force."), field="in_force_until"
        )
    for other in selectors.overlapping_syllabus_versions(
        course=course, in_force_from=in_force_from, in_force_until=in_force_until, exclude_id=version_id
    ):
        if other.in_force_until is None:
            message = _(
                "This period overlaps the syllabus version in force from %(start)s with no end date. "
                "Set that version's last day first."
            ) % {"start": date_format(other.in_force_from)}
        else:
            message = _("This period overlaps the syllabus version in force from %(start)s to %(end)s.") % {
                "start": date_format(other.in_force_from),
                "end": date_format(other.in_force_until),
            }
        raise SyllabusError("overlap", message, field="in_force_from")


def check_syllabus_topics(*, course: Course, topics: Sequence[TopicData]) -> None:
    """Refuse no topics, a topic without both titles, an unknown area or hours, or hours that do
    not add up to the course's class hours."""
    if not topics:
        raise SyllabusError("no_topics", _("A syllabus needs at least one topic."))
    for topic in topics:
        if not (topic.title_zh.strip() and topic.title_en.strip()):
            raise SyllabusError("bad_topic", _("Every topic needs its title in both languages."))
        if topic.knowledge_area not in KnowledgeArea.values:
            raise SyllabusError("bad_topic", _("Choose each topic's knowledge area from the list."))
        if not Decimal(0) < topic.hours <= Decimal(100):
            raise SyllabusError("bad_topic", _("A topic takes more than 0 and at most 100 class hours."))
    total = sum((t.hours for t in topics), Decimal(0))
    if total != course.class_hours:
        raise SyllabusError(
            "hours_mismatch",
            _("The topics add up to %(total)s class hours; the course %(code)s has %(hours)s.")
            % {"total": plain_number(total), "code": course.code, "hours": plain_number(course.class_hours)},
        )


@transaction.atomic
def do_save_syllabus_version(
    *,
    course: Course,
    in_force_from: datetime.date,
    in_force_until: datetime.date | None,
    texts: Mapping[str, object],
    topics: Sequence[TopicData],
    version: SyllabusVersion | None = None,
    by: User | None = None,
) -> SyllabusVersion:
    """Create a syllabus version of ``course`` (``version`` None) or replace ``version``'s content.

    Locks the course row, so that two saves of versions of one course run one after the other and the
    overlap check sees the other's dates. ``texts`` holds :data:`SYLLABUS_TEXT_FIELDS`; its ISBN is
    checked and kept as ISBN-13. The topics replace the version's topics, numbered in the given order.
    A refusal raises :class:`SyllabusError` and writes nothing.
    """
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if version is not None and version.course_id != locked.pk:
        raise SyllabusError("bad_dates", _("A syllabus version stays with its course."), field="course")
    check_syllabus_dates(
        course=locked,
        in_force_from=in_force_from,
        in_force_until=in_force_until,
        version_id=version.pk if version is not None else None,
    )
    check_syllabus_topics(course=locked, topics=topics)
    values = {name: texts[name] for name in SYLLABUS_TEXT_FIELDS if name in texts}
    values["textbook_isbn"] = clean_isbn(str(texts.get("textbook_isbn") or ""))
    for name in ("readings_zh", "readings_en"):
        values.setdefault(name, "")
    if version is None:
        version = SyllabusVersion(course=locked)
    for name, value in values.items():
        setattr(version, name, value)
    version.in_force_from, version.in_force_until, version.recorded_by = in_force_from, in_force_until, by
    version.save()
    version.topics.all().delete()
    SyllabusTopic.objects.bulk_create(
        SyllabusTopic(version=version, position=n, title_zh=t.title_zh.strip(), title_en=t.title_en.strip(),
                      knowledge_area=t.knowledge_area, hours=t.hours)
        for n, t in enumerate(topics, start=1)
    )  # fmt: skip
    return version
