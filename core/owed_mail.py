"""A mail owed (:class:`core.models.OwedMail`): claimed once by the task that sends it, found again by a beat sweep
while its on-commit enqueue was lost (a broker outage) or the mail server kept refusing."""

from __future__ import annotations

import datetime
import logging
from typing import TypeVar

from django.db.models import QuerySet

from .models import OwedMail

Owed = TypeVar("Owed", bound=OwedMail)


def claim(owed: QuerySet[Owed]) -> Owed | None:
    """In the sending task's transaction: lock the row ``owed`` selects and delete it; the row, or ``None`` when
    nothing is owed (any more).

    So the mail goes out once: a second run (a duplicate message, the sweep's) finds nothing to claim, and under
    PostgreSQL it waits on the row's lock until the first run commits. A send that raises rolls the claim back with
    the task's transaction, and so does a worker killed halfway: the mail stays owed, for the retry or the sweep."""
    row = owed.select_for_update(of=("self",)).first()
    if row is None:
        return None
    claimed, _deleted = type(row)._default_manager.filter(pk=row.pk).delete()
    return row if claimed else None


#: A mail still owed this long after it was owed is enqueued again: its on-commit enqueue has had its chance.
SWEEP_AFTER = datetime.timedelta(minutes=10)
#: A mail owed longer than this is given up: a link in it would have expired, and its news is stale.
GIVE_UP_AFTER = datetime.timedelta(days=7)


def due(model: type[Owed], *, now: datetime.datetime, sweep: str, logger: logging.Logger) -> QuerySet[Owed]:
    """For a beat sweep: give up the mails owed longer than :data:`GIVE_UP_AFTER` (deleted, with a line in the
    sweep's ``logger``), and select those owed for at least :data:`SWEEP_AFTER`, oldest first."""
    given_up, _deleted = model._default_manager.filter(owed_since__lt=now - GIVE_UP_AFTER).delete()
    if given_up:
        logger.warning("The %s gave up %d mails owed for longer than %s", sweep, given_up, GIVE_UP_AFTER)
    return model._default_manager.filter(owed_since__lte=now - SWEEP_AFTER).order_by("owed_since")
