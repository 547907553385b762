"""Essays waiting for a grader: when the trainee may expect the result, the graders' daily digest, and
the one reminder to the institution's admins when an essay is past the service level.

The service level is ``EXAM_ESSAY_MARKING_DAYS`` (calendar days after the submission). Both mails are
claimed before they go, as ``certification.reminders`` does: a row (``GraderDigestSent`` per grader
and day, ``EssayOverdueReminder`` per essay) is inserted in the transaction that sends. A second beat
run, or a retried task, meets the unique constraint and sends nothing; a send that raises rolls the
claim back, so the retry sends. The beat jobs only find who is owed a mail and enqueue one task each
(``core.tasks.enqueue_on_commit``); the tasks take ids.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import StaffMembership, User
from core.links import site_url
from core.mail import send_templated_mail
from core.tasks import enqueue_on_commit

from .. import selectors
from ..models import AttemptQuestion, EssayOverdueReminder, GraderDigestSent

# The digest lists this many essays, oldest first, and counts the rest.
DIGEST_ROWS = 20


def marking_days() -> int:
    return int(settings.EXAM_ESSAY_MARKING_DAYS)


def expected_by(submitted_at: datetime.datetime) -> datetime.date:
    """The day by which the essays of an attempt submitted at ``submitted_at`` are to be marked."""
    return timezone.localdate(submitted_at) + datetime.timedelta(days=marking_days())


def overdue_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """Essays of attempts submitted before this moment are past the service level."""
    return (now or timezone.now()) - datetime.timedelta(days=marking_days())


def _queue_url(language: str) -> str:
    """The institution's grading queue in admin, waiting essays only, in the recipient's language."""
    with translation.override(language):
        path = reverse("admin:exams_essayanswer_changelist")
    return f"{site_url()}{path}?graded=no"


def _rows(essays: list[AttemptQuestion], now: datetime.datetime) -> list[dict[str, Any]]:
    rows = []
    for item in essays:
        submitted_at = item.attempt.submitted_at
        assert submitted_at is not None  # a waiting essay belongs to a submitted attempt
        rows.append(
            {
                "course": item.attempt.paper.course,
                "number": item.attempt.number,
                "submitted_on": timezone.localdate(submitted_at),
                "due": expected_by(submitted_at),
                "overdue": submitted_at < overdue_before(now),
            }
        )
    return rows


def _essays(institution_id: int, limit: int | None = None) -> list[AttemptQuestion]:
    essays = selectors.waiting_essays(institution_id).select_related("attempt__paper__course")
    return list(essays[:limit] if limit else essays)


# --- the graders' daily digest --------------------------------------------------------------------


def do_enqueue_grader_digests(*, today: datetime.date | None = None) -> int:
    """Beat, daily: one digest task for each active grader of an institution with waiting essays who
    has not had today's digest."""
    from ..tasks import send_grader_digest

    today = today or timezone.localdate()
    institutions = selectors.waiting_by_institution()
    if not institutions:
        return 0
    graders = StaffMembership.objects.filter(
        role=StaffMembership.Role.GRADER, institution_id__in=list(institutions), user__is_active=True
    ).exclude(user_id__in=GraderDigestSent.objects.filter(day=today).values("user_id"))
    enqueued = 0
    for user_id in graders.order_by("user_id").values_list("user_id", flat=True):
        enqueue_on_commit(send_grader_digest, user_id, today.isoformat())
        enqueued += 1
    return enqueued


def send_grader_digest(*, user_id: int, day: datetime.date, now: datetime.datetime | None = None) -> bool:
    """Mail one grader the essays waiting at their institution, once per day, in their language.

    Nothing goes to someone who is no longer an active grader, nor when nothing waits any more.
    Raises what the mail backend raises (the claim rolled back: the task retries).
    """
    now = now or timezone.now()
    membership = (
        StaffMembership.objects.select_related("user", "institution")
        .filter(user_id=user_id, role=StaffMembership.Role.GRADER, user__is_active=True)
        .first()
    )
    if membership is None:
        return False
    waiting = selectors.waiting_summary(membership.institution_id)
    if not waiting.count:
        return False
    grader = membership.user
    essays = _essays(membership.institution_id, DIGEST_ROWS)
    context = {
        "user": grader,
        "institution": membership.institution,
        "count": waiting.count,
        "overdue": selectors.waiting_essays(membership.institution_id)
        .filter(attempt__submitted_at__lt=overdue_before(now))
        .count(),
        "rows": _rows(essays, now),
        "more": waiting.count - len(essays),
        "days": marking_days(),
        "link": _queue_url(grader.preferred_language),
    }
    try:
        with transaction.atomic():
            GraderDigestSent.objects.create(user=grader, day=day)
            send_templated_mail(
                "exams/email/grader_digest", to=grader.email, language=grader.preferred_language, context=context
            )
    except IntegrityError:
        return False
    return True


# --- the overdue reminder to the institution's admins ---------------------------------------------


def _overdue_unreminded(institution_id: int | None, now: datetime.datetime | None) -> Any:
    return (
        selectors.waiting_essays(institution_id)
        .filter(attempt__submitted_at__lt=overdue_before(now))
        .exclude(pk__in=EssayOverdueReminder.objects.values("item_id"))
    )


def do_enqueue_overdue_reminders(*, now: datetime.datetime | None = None) -> int:
    """Beat: one reminder task for each institution with essays past the service level not yet reminded."""
    from ..tasks import send_overdue_essay_reminder

    institution_ids = (
        _overdue_unreminded(None, now)
        .order_by()
        .values_list("attempt__sitting__cohort__institution_id", flat=True)
        .distinct()
    )
    enqueued = 0
    for institution_id in sorted(institution_ids):
        enqueue_on_commit(send_overdue_essay_reminder, institution_id)
        enqueued += 1
    return enqueued


def send_overdue_reminder(*, institution_id: int, now: datetime.datetime | None = None) -> int:
    """Claim the institution's overdue essays not yet reminded and mail the list to its active admins,
    each in their language; the number of essays claimed (0: nothing owed, or nobody to tell yet).

    One transaction: a claim per essay (the ``essay_overdue_reminded_once`` constraint refuses a
    second one; a concurrent run waits on the unique index, then finds it taken), then the mails. A
    mail the server refuses rolls every claim back and raises, so the task's retry reminds again.
    """
    now = now or timezone.now()
    admins = list(
        User.objects.filter(
            staff_membership__institution_id=institution_id,
            staff_membership__role=StaffMembership.Role.ADMIN,
            is_active=True,
        ).order_by("pk")
    )
    if not admins:  # unclaimed: the first admin the institution gets is reminded
        return 0
    with transaction.atomic():
        claimed = []
        for item in _overdue_unreminded(institution_id, now).select_related("attempt__paper__course"):
            try:
                with transaction.atomic():
                    EssayOverdueReminder.objects.create(item=item, institution_id=institution_id)
            except IntegrityError:
                continue
            claimed.append(item)
        if not claimed:
            return 0
        institution = admins[0].staff_membership.institution
        rows = _rows(claimed, now)
        for admin in admins:
            send_templated_mail(
                "exams/email/essays_overdue",
                to=admin.email,
                language=admin.preferred_language,
                context={
                    "user": admin,
                    "institution": institution,
                    "rows": rows,
                    "count": len(rows),
                    "days": marking_days(),
                    "link": _queue_url(admin.preferred_language),
                },
            )
    return len(claimed)
