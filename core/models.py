"""Abstract models every app builds on: the kernel has no tables of its own."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import acting_user


class Created(models.Model):
    """A row that keeps when it was made (set by Django on insert, never edited)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class Timestamped(Created):
    """A :class:`Created` row that also keeps when it last changed (set by Django on each save)."""

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SyncedTimestamped(Timestamped):
    """A :class:`Timestamped` row the employers' systems read page by page by its last change (the HR
    API's ``updated_since`` cursor): ``updated_at`` is indexed for them."""

    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class MailClaim(models.Model):
    """A mail claimed for one person before (or with) its sending: the row goes in first, and the
    model's unique constraint on the person and what was sent refuses a second claim, so that a task
    run twice mails once. Each claim adds what it is a claim of (a post, a kind and object, a day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Decided(models.Model):
    """A row a person decides on (approves, confirms or rejects): who decided it and when, both empty
    until then."""

    decided_by = acting_user(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True


class OwedMail(models.Model):
    """A mail one person is owed, recorded in the transaction that made it owed and deleted by the task that sends
    it (or finds it moot): while the row is here, a beat sweep enqueues the task again, so a broker outage loses
    nothing (``core.owed_mail`` claims and sweeps). Each subclass's primary key is a one-to-one link to what the mail
    is owed for: a table of its own, not a column of that row, so that a row saved whole (the admin, an import's
    update) cannot write back a mark the task already cleared."""

    owed_since = models.DateTimeField(_("owed since"), default=timezone.now)

    class Meta:
        abstract = True
