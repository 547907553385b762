"""Reminder e-mails: at most one per person, kind and object, in the person's language.

A reminder is claimed by inserting its ``ReminderSent`` row (unique on person, kind, object) in
the same transaction as the send: a second beat run or a retried task hits the constraint and
sends nothing; a send that raises rolls the claim back so a retry can send.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.links import site_url
from core.mail import render_mail, send_rendered
from core.numbers import plain_number
from courses import selectors as course_selectors
from courses.models import Enrolment

from . import selectors
from .models import Certificate, ReminderKind, ReminderPreference, ReminderSent

log = logging.getLogger(__name__)
# While ``send_daily`` runs, a refused send is counted here instead of raised, so one mail server
# outage does not stop the rest of the run; the beat task then retries the whole run with back-off
# (what was sent has its claim, so it is not sent again).
_run = threading.local()


def retry_countdown(retries: int) -> int:
    """``REMINDER_RETRY_BASE_SECONDS``, then twice as long each retry, at most an hour."""
    return min(settings.REMINDER_RETRY_BASE_SECONDS * 2**retries, 3600)


#: Kinds of e-mail of the apps above certification (the exchange's digest of new posts): (value, label).
#: Filled by those apps when they start (as ``courses.views.NEXT_STEP_PARTS``); the preferences page
#: lists them after certification's own and records them switched off in the same row, the same way.
EXTRA_KINDS: list[tuple[str, Any]] = []


def kind_choices() -> list[tuple[str, Any]]:
    """Every kind a person can switch off on the preferences page: certification's, then the others'."""
    return [*ReminderKind.choices, *EXTRA_KINDS]


def switched_off(user: User) -> list[str]:
    known = getattr(_run, "preferences", None)
    if known is not None and user.pk in known:
        return known[user.pk]
    pref = ReminderPreference.objects.filter(user=user).first()
    return list(pref.switched_off) if pref else []


def switched_off_by_user(user_ids: Iterable[int]) -> dict[int, list[str]]:
    """The reminder kinds each of these people switched off (none if they never chose), in one query."""
    ids = set(user_ids)
    found = dict(ReminderPreference.objects.filter(user_id__in=ids).values_list("user_id", "switched_off"))
    return {pk: list(found.get(pk) or []) for pk in ids}


def _load_preferences(user_ids: list[int]) -> None:
    """Read the preferences of a chunk's people in one query (the beat jobs' chunks)."""
    _run.preferences = switched_off_by_user(user_ids)


@transaction.atomic
def do_set_preferences(*, user: User, wanted: list[str]) -> ReminderPreference:
    off = [kind for kind, _label in kind_choices() if kind not in set(wanted)]
    pref, _created = ReminderPreference.objects.update_or_create(user=user, defaults={"switched_off": off})
    return pref


def _url(name: str, **kwargs: Any) -> str:
    return site_url() + reverse(name, kwargs=kwargs or None)


def send_reminder(*, user: User, kind: str, object_key: str, build: Callable[[], tuple[str, list[str], str]]) -> bool:
    """Claim and send one reminder; ``build`` returns (subject, paragraphs, link) in the active language."""
    if kind in switched_off(user) or not user.is_active:
        return False
    try:
        with transaction.atomic():
            ReminderSent.objects.create(user=user, kind=kind, object_key=object_key)
            with translation.override(user.preferred_language):
                subject, paragraphs, link = build()
                context = {
                    "user": user,
                    "subject": subject,
                    "paragraphs": paragraphs,
                    "link": link,
                    "preferences_url": _url("certification:reminders"),
                }
                _subject, text, html = render_mail(
                    "certification/email/reminder", language=user.preferred_language, context=context
                )
            send_rendered(to=user.email, subject=subject, text=text, html=html, language=user.preferred_language)
    except IntegrityError:
        return False
    except OSError as exc:  # smtplib's errors too: the claim rolled back, so a retry sends it
        failures = getattr(_run, "failures", None)
        if failures is None:
            raise
        failures.append(f"{kind}:{object_key}")
        log.warning("Reminder %s %s to user %s not sent: %s", kind, object_key, user.pk, exc)
        return False
    return True


# --- event reminders -----------------------------------------------------------------------


def send_certificate_issued(*, certificate_id: int) -> bool:
    certificate = selectors.with_catalog().filter(pk=certificate_id).first()
    if certificate is None:
        return False

    def build() -> tuple[str, list[str], str]:
        return (
            _("Your certificate %(name)s is issued") % {"name": certificate.tier.certificate_name},
            [
                _("Congratulations! Certificate %(number)s is issued, valid until %(until)s.")
                % {"number": certificate.number, "until": certificate.valid_until.isoformat()},
                _("Download it and share its verification link from your certificates page."),
            ],
            _url("certification:mine"),
        )

    return send_reminder(
        user=certificate.trainee,
        kind=ReminderKind.CERTIFICATE_ISSUED,
        object_key=f"certificate:{certificate.pk}",
        build=build,
    )


# --- scheduled reminders -------------------------------------------------------------------


def _validity_period_key(certificate: Certificate) -> str:
    """One reminder of a kind per certificate and validity period: a renewal starts the kind afresh."""
    return f"certificate:{certificate.pk}:{certificate.valid_until:%Y%m%d}"


def _active_certificates(**lookups: datetime.date) -> Iterator[Certificate]:
    """The active certificates whose end of validity is in the window ``lookups`` give (``valid_until__gt``…),
    with what their reminders name (``selectors.with_catalog``), by id in chunks."""
    return (
        selectors.with_catalog(Certificate.objects.filter(status=Certificate.Status.ACTIVE, **lookups))
        .order_by("pk")
        .iterator(chunk_size=500)
    )


def _expiring(today: datetime.date, days: int, kind: str) -> int:
    sent = 0
    window_start = today + datetime.timedelta(days=30 if days == 90 else 0)
    for certificate in _active_certificates(
        valid_until__gt=window_start, valid_until__lte=today + datetime.timedelta(days=days)
    ):

        def build(c: Certificate = certificate) -> tuple[str, list[str], str]:
            return (
                _("Your certificate %(number)s expires on %(until)s") % {"number": c.number, "until": c.valid_until},
                [
                    _("Certificate %(number)s is valid until %(until)s.")
                    % {"number": c.number, "until": c.valid_until},
                    _("Renew it with %(hours)s hours of continuing education in its validity period.")
                    % {"hours": settings.CONTINUING_EDUCATION_HOURS},
                ],
                _url("certification:mine"),
            )

        sent += send_reminder(
            user=certificate.trainee,
            kind=kind,
            object_key=_validity_period_key(certificate),
            build=build,
        )
    return sent


def _ce_short(today: datetime.date) -> int:
    sent = 0
    required = Decimal(settings.CONTINUING_EDUCATION_HOURS)
    for certificate in _active_certificates(
        valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=90)
    ):
        done = selectors.ce_hours(
            trainee_id=certificate.trainee_id, start=certificate.period_starts_on, end=certificate.valid_until
        )
        if done >= required:
            continue

        def build(c: Certificate = certificate, done: Decimal = done) -> tuple[str, list[str], str]:
            return (
                _("Continuing-education hours short for %(number)s") % {"number": c.number},
                [
                    _("%(done)s of the %(required)s hours of continuing education are confirmed for %(number)s.")
                    % {"done": plain_number(done), "required": plain_number(required), "number": c.number}
                ],
                _url("certification:mine"),
            )

        sent += send_reminder(
            user=certificate.trainee,
            kind=ReminderKind.CE_SHORT,
            object_key=_validity_period_key(certificate),
            build=build,
        )
    return sent


HOURS_BEHIND_CHUNK = 500


def _enrolment_key(enrolment: Enrolment) -> str:
    """One hours-behind reminder per enrolment: what is claimed, and what a chunk looks up as claimed."""
    return f"enrolment:{enrolment.pk}"


def _hours_behind(today: datetime.date) -> int:
    """Half the cohort's time gone and under 40 % of the hours owed done.

    In chunks of enrolments by id (keyset), so memory stays flat however many trainees are in
    training; enrolments already reminded are skipped with one query per chunk.
    """
    sent = 0
    last_pk = 0
    candidates = Enrolment.objects.filter(
        state__in=Enrolment.TRAINING_STATES,
        teaching_hours_owed__isnull=False,
        cohort__starts_on__lte=today,
        cohort__ends_on__gte=today,
    ).select_related("trainee", "cohort", "curriculum__tier", "curriculum__track")
    while True:
        chunk = list(candidates.filter(pk__gt=last_pk).order_by("pk")[:HOURS_BEHIND_CHUNK])
        if not chunk:
            _run.preferences = None
            return sent
        last_pk = chunk[-1].pk
        claimed = set(
            ReminderSent.objects.filter(
                kind=ReminderKind.HOURS_BEHIND, object_key__in=[_enrolment_key(e) for e in chunk]
            ).values_list("object_key", flat=True)
        )
        behind = []
        for enrolment in chunk:
            cohort = enrolment.cohort
            span = (cohort.ends_on - cohort.starts_on).days or 1
            if (today - cohort.starts_on).days * 2 >= span and _enrolment_key(enrolment) not in claimed:
                behind.append(enrolment)
        progress = course_selectors.progress_of_many(behind)
        _load_preferences([e.trainee_id for e in behind])
        for enrolment in behind:
            p = progress[enrolment.pk]
            if not p.owed or p.total_done * 100 >= p.owed * 40:
                continue

            def build(e: Enrolment = enrolment, p: Any = p) -> tuple[str, list[str], str]:
                return (
                    _("Your training hours in %(cohort)s are falling behind") % {"cohort": e.cohort.code},
                    [
                        _("Half of the cohort's time is gone and %(done)s of %(owed)s hours are done.")
                        % {"done": plain_number(p.total_done), "owed": p.owed}
                    ],
                    _url("training:dashboard"),
                )

            sent += send_reminder(
                user=enrolment.trainee,
                kind=ReminderKind.HOURS_BEHIND,
                object_key=_enrolment_key(enrolment),
                build=build,
            )


def _sittings(today: datetime.date) -> int:
    """Trainees eligible in a sitting's cohort, 3 days and 1 day before its window opens."""
    from exams.models import Sitting

    sent = 0
    for days, kind in ((3, ReminderKind.SITTING_3_DAYS), (1, ReminderKind.SITTING_1_DAY)):
        day = today + datetime.timedelta(days=days)
        sittings = list(
            Sitting.objects.filter(opens_at__date=day).select_related("paper__course", "cohort").order_by("pk")
        )
        if not sittings:
            continue
        enrolments = Enrolment.objects.filter(
            cohort_id__in={s.cohort_id for s in sittings},
            state__in=Enrolment.TRAINING_STATES,
        ).select_related("trainee")
        by_cohort: dict[int, list[User]] = {}
        for enrolment in enrolments:
            by_cohort.setdefault(enrolment.cohort_id, []).append(enrolment.trainee)
        for sitting in sittings:
            for trainee in by_cohort.get(sitting.cohort_id, []):

                def build(s: Any = sitting) -> tuple[str, list[str], str]:
                    opens = timezone.localtime(s.opens_at)
                    return (
                        _("Your exam of %(course)s is on %(day)s")
                        % {"course": s.paper.course.title, "day": f"{opens:%Y-%m-%d}"},
                        [
                            _("The exam of %(course)s opens on %(when)s (%(place)s).")
                            % {
                                "course": s.paper.course.title,
                                "when": f"{opens:%Y-%m-%d %H:%M}",
                                "place": _("online") if s.is_online else s.place_name,
                            }
                        ],
                        _url("training:dashboard"),
                    )

                sent += send_reminder(user=trainee, kind=kind, object_key=f"sitting:{sitting.pk}", build=build)
    return sent


def send_daily(today: datetime.date | None = None) -> dict[str, int]:
    """Every scheduled kind; ``failed`` counts the mails the server refused (the task retries them)."""
    today = today or timezone.localdate()
    _run.failures = []
    try:
        counts = {
            "sittings": _sittings(today),
            "hours_behind": _hours_behind(today),
            "expiring_90": _expiring(today, 90, ReminderKind.EXPIRING_90),
            "expiring_30": _expiring(today, 30, ReminderKind.EXPIRING_30),
            "ce_short": _ce_short(today),
        }
        counts["failed"] = len(_run.failures)
    finally:
        _run.failures = None
        _run.preferences = None
    return counts
