"""When a domain signal is sent: the one rule of every app.

A domain app announces what changed with a Django signal (declared in its ``signals.py``); higher
apps connect receivers in their ``AppConfig.ready``. A lower app never calls a higher one.

1. **After commit.** A signal is sent once the transaction that made the change has committed
   (:func:`send_after_commit`): receivers see committed rows, nothing is announced for a change
   that rolled back, and no receiver runs inside the sender's transaction.

2. **Robust.** Signals go out with ``send_robust``: a receiver that raises is logged with its
   traceback, the other receivers still run, and the change stays made; the error never reaches
   the person who made it. Receivers enqueue their work with :func:`core.tasks.enqueue_on_commit`.

3. **Claimed, for events a receiver must not miss** (a result published, a certificate issued).
   A process killed between the commit and the sending would lose a plain after-commit signal, so
   these are sent by a *claimed announcement* (:class:`ClaimedAnnouncement`): the sending app's own
   row has a claim column (``announced_at``), empty until announced. After the change commits, one
   transaction locks the row, finds the claim empty, sends the signal and sets the claim: what the
   receivers write in it (a pending check, webhook deliveries) commits with the claim or not at all,
   and a second announcement waits on the lock and then finds the claim set. A beat sweep of the
   sending app announces again the rows whose claim is still empty after a grace period
   (:meth:`ClaimedAnnouncement.unannounced`), so a lost announcement is sent late, never missed.
   A receiver whose database error aborts the transaction rolls the claim back with it, and the
   sweep tries again.

   Receivers must be idempotent all the same (a second announcement must not do twice what the first
   did): the claim makes a second send rare, not impossible to reason away for work done outside the
   database.
4. **Inside, only for a hand-over.** A signal whose receivers move their own app's rows as part of
   the change itself (``accounts.signals.stand_in_replaced``: a consenting person takes a stand-in
   account's place, and courses moves the stand-in's enrolments) is sent with plain ``send`` inside
   the transaction, so that a receiver that fails undoes the whole change. Its ``signals.py`` says
   so; no other kind of signal is sent this way.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone

log = logging.getLogger(__name__)


def send_robust(signal: Signal, *, sender: type[Model], **kwargs: Any) -> None:
    """Send ``signal`` now to every receiver; one that raises is logged and the others still run."""
    for receiver, outcome in signal.send_robust(sender=sender, **kwargs):
        if isinstance(outcome, Exception):
            log.error(
                "Receiver %s of %s failed: %r",
                getattr(receiver, "__qualname__", receiver),
                sender.__name__,
                outcome,
                exc_info=outcome,
            )


def send_after_commit(signal: Signal, *, sender: type[Model], **kwargs: Any) -> None:
    """Send ``signal`` (robustly) once the current transaction commits; at once outside one."""
    transaction.on_commit(lambda: send_robust(signal, sender=sender, **kwargs))


@dataclass(frozen=True)
class ClaimedAnnouncement:
    """A signal sent once per row of ``model``, claimed by the row's ``claim_field``.

    ``argument`` names the row for receivers (``result=…``); ``owed`` narrows the rows that are
    announced at all (a published result, an active certificate); ``select_related`` is what the
    receivers read with the row.
    """

    signal: Signal
    model: type[Model]
    argument: str
    owed: Q = field(default_factory=Q)
    claim_field: str = "announced_at"
    select_related: tuple[str, ...] = ()

    def _rows(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(self.owed, **{f"{self.claim_field}__isnull": True})

    def announce(self, pk: int, *, now: datetime.datetime | None = None) -> bool:
        """Send the signal for row ``pk`` unless it was announced (or is not owed); True when sent.

        One transaction: the row is locked, the signal sent, then the claim set, so the claim and what
        receivers wrote commit together (or roll back together, for the sweep to try again).
        """
        with transaction.atomic():
            row = (
                self._rows().select_for_update(of=("self",)).select_related(*self.select_related).filter(pk=pk).first()
            )
            if row is None:
                return False
            send_robust(self.signal, sender=self.model, **{self.argument: row})
            claimed_at = now or timezone.now()
            # After the receivers: on PostgreSQL this statement fails if one of them aborted the transaction.
            self.model._default_manager.filter(pk=pk).update(**{self.claim_field: claimed_at})
            setattr(row, self.claim_field, claimed_at)
        return True

    def announce_after_commit(self, pk: int) -> None:
        """Announce row ``pk`` once the current transaction commits. A failure is logged, never raised into
        the caller's committed change: the claim stays empty and the sending app's sweep announces it."""

        def announce() -> None:
            try:
                self.announce(pk)
            except Exception:  # any failure leaves the claim empty, which is what the sweep reads
                log.exception("Announcing %s %s failed; the sweep will announce it", self.model.__name__, pk)

        transaction.on_commit(announce)

    def unannounced(self, **filters: Any) -> QuerySet[Any]:
        """The owed rows whose claim is empty (``filters`` narrow them: older than the sweep's grace…)."""
        return self._rows().filter(**filters)
