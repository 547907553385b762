"""The trainee dashboard's rendered parts, cached per trainee and language until something they show changes.

Generational invalidation: an entry is stamped with the version tokens it was built under (one global
token for the catalog's structure, one per trainee) and with the local date; an entry whose stamp
differs from the current tokens is rebuilt. Every write to a row the dashboard shows replaces the
token of each trainee it concerns (or the global token) with a new random one, through receivers of
``post_save``/``post_delete`` on those models (``connect_receivers``). Writes in this project go
through model ``save``/``delete`` (services, admin, imports); a new path that writes with
``QuerySet.update`` or ``bulk_create`` must call ``bump_trainees``/``bump_everyone`` itself.

A token is replaced twice: at once, so the writing transaction's own later reads miss, and again
after commit, so a page built by another request from the rows before the commit (under the first
new token) is never served. A reader reads the tokens before it reads the database, so an entry is
never stamped newer than its rows. A missing token (evicted, expired, Redis restarted) is created
anew, which only costs a rebuild.

Only the parts are cached, never the frame: CSRF tokens, messages and the navigation are rendered
per request around them. A part that is the same for every trainee (``cached_shared``: the
continuing-education courses of the next step) is cached once per language under a version key of
its own, which the app that renders it bumps (``bump``) from receivers of the rows it shows.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone, translation

log = logging.getLogger(__name__)

ENTRY_SECONDS = 600
TOKEN_SECONDS = 24 * 3600
GLOBAL_KEY = "dashboard-v:all"


def trainee_key(trainee_id: int) -> str:
    return f"dashboard-v:t:{trainee_id}"


def entry_key(trainee_id: int, language: str) -> str:
    return f"dashboard:{trainee_id}:{language}"


def _replace(keys: list[str]) -> None:
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, TOKEN_SECONDS)
    except Exception:
        # A write must not fail because the cache does; entries expire after ENTRY_SECONDS.
        log.exception("Could not invalidate %d cached dashboards", len(keys))


def _bump(keys: list[str]) -> None:
    if not keys:
        return
    if transaction.get_connection().in_atomic_block:
        _replace(keys)
    transaction.on_commit(lambda: _replace(keys))


def bump_trainees(trainee_ids: Iterable[int | None]) -> None:
    """The dashboards of these trainees are rebuilt on their next visit."""
    _bump(sorted({trainee_key(pk) for pk in trainee_ids if pk is not None}))


def bump_everyone() -> None:
    """Every dashboard is rebuilt on its next visit (the catalog's structure changed)."""
    _bump([GLOBAL_KEY])


def _tokens(keys: list[str], found: dict[str, Any]) -> list[str]:
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, TOKEN_SECONDS)  # another request may have added one first
            token = cache.get(key)
        tokens.append(token)
    return tokens


def cached_parts(trainee_id: int, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The dashboard parts of ``trainee_id`` in the active language: cached, or built by ``build``."""
    return _cached([GLOBAL_KEY, trainee_key(trainee_id)], entry_key(trainee_id, translation.get_language()), build)


def bump(version_keys: Iterable[str]) -> None:
    """The entries stamped with these version keys (``cached_shared``) are rebuilt on their next read."""
    _bump(sorted(set(version_keys)))


def cached_shared(name: str, version_key: str, build: Callable[[], Any]) -> Any:
    """A dashboard part every visitor shares, in the active language: cached, or built by ``build``.

    Stamped like the trainees' parts, with ``version_key``'s token (replaced by ``bump`` from the
    receivers of whatever the part shows), the local date and the time zone: one cache round trip
    while it holds, no query."""
    return _cached([version_key], f"dashboard-shared:{name}:{translation.get_language()}", build)


def _cached(version_keys: list[str], key: str, build: Callable[[], Any]) -> Any:
    try:
        found = cache.get_many([*version_keys, key])
        stamp = (*_tokens(version_keys, found), timezone.localdate().isoformat(), timezone.get_current_timezone_name())
    except Exception:
        log.exception("Cache unavailable; the dashboard is built from the database")
        return build()
    entry = found.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = build()
    try:
        cache.set(key, (stamp, value), ENTRY_SECONDS)
    except Exception:
        log.exception("Could not cache a dashboard")
    return value


def cached_fragment(shape: tuple, render: Callable[[], str]) -> str:
    """A fragment that depends only on ``shape`` and the catalog's structure, such as the empty
    self-study form (crispy's rendering was a third of a rebuild): shared by rebuilds of one trainee's
    dashboard after changes that leave ``shape`` alone."""
    try:
        (token,) = _tokens([GLOBAL_KEY], {})
        digest = hashlib.sha256(repr((token, translation.get_language(), shape)).encode()).hexdigest()
        key = f"dashboard-fragment:{digest}"
        html = cache.get(key)
    except Exception:
        log.exception("Cache unavailable; a dashboard fragment is rendered")
        return render()
    if html is None:
        html = render()
        cache.set(key, html, ENTRY_SECONDS)
    return html


# --- what invalidates ----------------------------------------------------------------------


def _trainee_of_enrolment_row(instance: Model) -> int | None:
    """The trainee of an attendance, remote completion or self-study entry (one query if not loaded)."""
    from .models import Enrolment

    if type(instance)._meta.get_field("enrolment").is_cached(instance):
        return instance.enrolment.trainee_id
    return Enrolment.objects.filter(pk=instance.enrolment_id).values_list("trainee_id", flat=True).first()


def _trainees_of_cohorts(cohort_ids: Iterable[int | None]) -> list[int]:
    from .models import Enrolment

    ids = {pk for pk in cohort_ids if pk is not None}
    if not ids:
        return []
    return list(Enrolment.objects.filter(cohort_id__in=ids).values_list("trainee_id", flat=True).distinct())


def _own_row_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    bump_trainees([instance.trainee_id])


def _enrolment_row_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    bump_trainees([_trainee_of_enrolment_row(instance)])


def _cohort_changed(sender: type[Model], instance: Model, created: bool = False, **kwargs: Any) -> None:
    if created:  # nobody is enrolled yet
        return
    bump_trainees(_trainees_of_cohorts([instance.pk]))


def _remember_old_cohort(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    # A session or module moved to another cohort leaves the first cohort's dashboards too.
    if not instance._state.adding and instance.pk is not None:
        instance._dashboard_old_cohort_id = (
            sender._default_manager.filter(pk=instance.pk).values_list("cohort_id", flat=True).first()
        )


def _cohort_row_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    cohorts = [instance.cohort_id, getattr(instance, "_dashboard_old_cohort_id", None)]
    bump_trainees(_trainees_of_cohorts(cohorts))


def _structure_changed(sender: type[Model], **kwargs: Any) -> None:
    bump_everyone()


def _user_saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    if created:  # a new account never sees pages stamped for an earlier holder of its id
        bump_trainees([instance.pk])


# Every model whose rows the dashboard shows, and the receiver that finds the dashboards a change
# to one of its rows concerns. Senders are named by label, so importing this module loads no model.
RECEIVERS: dict[str, Callable[..., None]] = {
    "courses.Enrolment": _own_row_changed,
    "courses.PriorLearning": _own_row_changed,
    "courses.Attendance": _enrolment_row_changed,
    "courses.RemoteCompletion": _enrolment_row_changed,
    "courses.SelfStudyEntry": _enrolment_row_changed,
    "courses.Cohort": _cohort_changed,
    "courses.TrainingSession": _cohort_row_changed,
    "courses.RemoteModule": _cohort_row_changed,
    "courses.Tier": _structure_changed,
    "courses.Track": _structure_changed,
    "courses.Course": _structure_changed,
    "courses.Curriculum": _structure_changed,
    "courses.CurriculumCourse": _structure_changed,
    "accounts.Institution": _structure_changed,
}


def connect_receivers() -> None:
    for label, receiver in RECEIVERS.items():
        uid = f"dashboard_cache_{label.lower()}"
        if receiver is _cohort_row_changed:
            pre_save.connect(_remember_old_cohort, sender=label, dispatch_uid=uid)
        post_save.connect(receiver, sender=label, dispatch_uid=uid)
        post_delete.connect(receiver, sender=label, dispatch_uid=uid)
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="dashboard_cache_new_user")
