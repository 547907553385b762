"""The exchange's e-mail digest: each new post mailed once to each person who takes part in its cohort.

Beat (``exchange.tasks.send_digests``) enqueues, once the transaction commits, one task per person with
something new; that task (:func:`send_digest`) claims the posts it mails by writing their
``PostNotification`` rows (unique per post and person) in the transaction of the send, so a second run,
a retried task or two workers at once mail nothing twice, and a send that raises rolls the claims back.

People switch the digest off on the reminder preferences page (``certification.reminders``, kind
:data:`DIGEST_KIND`, registered there by :func:`connect`). A post is mailed within ``DIGEST_WINDOW`` of
being written: the digest is news, not an archive for someone who joins later.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from certification import reminders
from core.links import site_url
from core.mail import send_templated_mail
from core.tasks import enqueue_on_commit
from courses.models import Enrolment

from .models import Post, PostNotification
from .selectors import MEMBER_STATES, teaching

DIGEST_KIND = "exchange_digest"
DIGEST_WINDOW = datetime.timedelta(days=7)
DIGEST_MAX_POSTS = 50


def connect() -> None:
    """Put the digest on the reminder preferences page."""
    entry = (DIGEST_KIND, _("new questions and answers in my cohorts' discussions"))
    if entry not in reminders.EXTRA_KINDS:
        reminders.EXTRA_KINDS.append(entry)


def _recent(now: datetime.datetime) -> QuerySet[Post]:
    return Post.objects.filter(hidden_at__isnull=True, created_at__gte=now - DIGEST_WINDOW)


def _participants(cohort_ids: set[int]) -> dict[int, set[int]]:
    """user id → the cohorts (of ``cohort_ids``) whose exchange they take part in and post in."""
    found: dict[int, set[int]] = {}
    trainees = Enrolment.objects.filter(
        cohort_id__in=cohort_ids, state__in=MEMBER_STATES, trainee__is_active=True
    ).values_list("trainee_id", "cohort_id")
    teachers = teaching(cohort_id__in=cohort_ids, teacher_person__user__is_active=True)
    for user_id, cohort_id in [*trainees, *teachers]:
        found.setdefault(user_id, set()).add(cohort_id)
    return found


def pending_for(user_id: int, cohort_ids: set[int], now: datetime.datetime) -> QuerySet[Post]:
    """The recent visible posts of ``cohort_ids`` not written by the person and not yet mailed to them."""
    return (
        _recent(now)
        .filter(thread__cohort_id__in=cohort_ids)
        .exclude(author_id=user_id)
        .exclude(pk__in=PostNotification.objects.filter(user_id=user_id).values("post_id"))
    )


def do_enqueue_digests(*, now: datetime.datetime | None = None) -> int:
    """Beat: one digest task for each person with a recent post to read who has not switched it off."""
    from .tasks import send_exchange_digest

    now = now or timezone.now()
    cohort_ids = set(_recent(now).values_list("thread__cohort_id", flat=True).distinct())
    if not cohort_ids:
        return 0
    people = _participants(cohort_ids)
    off = reminders.switched_off_by_user(people)
    enqueued = 0
    for user_id in sorted(people):
        if DIGEST_KIND in off[user_id] or not pending_for(user_id, people[user_id], now).exists():
            continue
        enqueue_on_commit(send_exchange_digest, user_id)
        enqueued += 1
    return enqueued


def _link(name: str, language: str, *args: Any) -> str:
    with translation.override(language):
        return site_url() + reverse(name, args=args)


def send_digest(*, user_id: int, now: datetime.datetime | None = None) -> int:
    """Mail the person the posts new to them, in their language; the number of posts mailed (0: no mail).

    Raises what the mail backend raises (the claims rolled back: the task retries).
    """
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or DIGEST_KIND in reminders.switched_off(user):
        return 0
    cohort_ids = _participants_of(user)
    if not cohort_ids:
        return 0
    posts = list(
        pending_for(user.pk, cohort_ids, now)
        .select_related("author", "parent", "thread__course", "thread__cohort__institution",
                        "thread__cohort__curriculum__tier", "thread__cohort__curriculum__track")
        .order_by("thread__cohort__code", "thread__course__code", "created_at", "pk")[:DIGEST_MAX_POSTS]
    )  # fmt: skip
    if not posts:
        return 0
    language = user.preferred_language
    groups: dict[tuple[int, int], dict[str, Any]] = {}
    for post in posts:
        key = (post.thread.cohort_id, post.thread.course_id)
        if key not in groups:
            groups[key] = {
                "cohort": post.thread.cohort,
                "course": post.thread.course,
                "link": _link("exchange:thread", language, post.thread.cohort.code, post.thread.course.code),
                "posts": [],
            }
        groups[key]["posts"].append(post)
    context = {
        "user": user,
        "groups": list(groups.values()),
        "count": len(posts),
        "preferences_url": _link("certification:reminders", language),
    }
    try:
        with transaction.atomic():
            PostNotification.objects.bulk_create([PostNotification(post=p, user=user) for p in posts])
            send_templated_mail("exchange/email/digest", to=user.email, language=language, context=context)
    except IntegrityError:
        return 0  # another run claimed some of them first: it mails them
    return len(posts)


def _participants_of(user: User) -> set[int]:
    """The cohorts in whose exchange ``user`` posts today (trainee or teacher)."""
    cohorts = set(Enrolment.objects.filter(trainee=user, state__in=MEMBER_STATES).values_list("cohort_id", flat=True))
    cohorts |= {cohort_id for _user_id, cohort_id in teaching(teacher_person__user=user)}
    return cohorts
