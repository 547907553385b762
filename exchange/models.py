"""The exchange (issue 22, item 3): a discussion space per cohort, a thread per course of its curriculum.

Trainees of the cohort and its teachers post questions (top-level posts) and answers (posts with a
``parent``); a teacher accepts one answer per question and pins questions. The institution's admins hide a
post with a reason (the row stays; ``ModerationEvent`` keeps who did what, when and why); anyone taking
part reports a post (``PostReport``). ``PostNotification`` records each post mailed to each person, once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from core.fields import acting_user
from core.models import Created, MailClaim

MAX_BODY_CHARS = 5000
MAX_REASON_CHARS = 500


def _reason_given(name: str) -> models.CheckConstraint:
    """A moderation or a report says why (``reason`` is not empty)."""
    return models.CheckConstraint(condition=~Q(reason=""), name=name, violation_error_message=_("Give a reason."))


class Thread(Created):
    """The discussion of one course in one cohort; made on its first post."""

    cohort = models.ForeignKey(
        "courses.Cohort", on_delete=models.PROTECT, related_name="exchange_threads", verbose_name=_("cohort")
    )
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))

    class Meta:
        ordering = ["cohort", "course__code"]
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "course"],
                name="exchange_thread_one_per_cohort_course",
                violation_error_message=_("This cohort already has a discussion of this course."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort.code} · {self.course.code}"


class Post(models.Model):
    """A question (no parent) or an answer to one. ``body`` is what the author typed; ``body_html`` is it
    rendered and sanitised once, when written (``exchange.text``)."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="posts", verbose_name=_("thread"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="answers", verbose_name=_("question")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exchange_posts", verbose_name=_("author")
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(_("text as shown"), editable=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_accepted = models.BooleanField(_("accepted answer"), default=False)
    accepted_by = acting_user(_("accepted by"))
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = acting_user(_("hidden by"))
    hidden_reason = models.CharField(_("reason for hiding"), max_length=MAX_REASON_CHARS, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(Length("body"), 0) & LessThanOrEqual(Length("body"), MAX_BODY_CHARS),
                name="exchange_post_body_length",
                violation_error_message=_("A post has between 1 and 5000 characters."),
            ),
            models.CheckConstraint(
                condition=Q(is_pinned=False) | Q(parent__isnull=True),
                name="exchange_post_only_questions_pinned",
                violation_error_message=_("Only a question can be pinned."),
            ),
            models.CheckConstraint(
                condition=Q(is_accepted=False) | Q(parent__isnull=False),
                name="exchange_post_only_answers_accepted",
                violation_error_message=_("Only an answer can be accepted."),
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(is_accepted=True),
                name="exchange_post_one_accepted_answer",
                violation_error_message=_("This question already has an accepted answer."),
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="exchange_post_hidden_with_reason",
                violation_error_message=_("A hidden post needs the reason it was hidden."),
            ),
        ]
        indexes = [models.Index(fields=["thread", "parent", "created_at"], name="exchange_post_thread_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.body[:40]}"

    @property
    def is_question(self) -> bool:
        return self.parent_id is None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ModerationEvent(models.Model):
    """What a moderator did to a post, and why: the trail of hiding (the post keeps its last state)."""

    class Action(models.TextChoices):
        HIDDEN = "hidden", _("hidden")

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="moderation", verbose_name=_("post"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    by = acting_user(_("by"))
    reason = models.CharField(_("reason"), max_length=MAX_REASON_CHARS)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        constraints = [_reason_given("exchange_moderation_has_reason")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.post_id}"


class PostReport(models.Model):
    """A participant's report of a post to the institution; one per post and person."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="reports", verbose_name=_("post"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reason = models.CharField(_("reason"), max_length=MAX_REASON_CHARS)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reported post")
        verbose_name_plural = _("reported posts")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                name="exchange_report_once_per_person",
                violation_error_message=_("You have already reported this post."),
            ),
            _reason_given("exchange_report_has_reason"),
        ]

    def __str__(self) -> str:
        return f"#{self.post_id} ← {self.reporter}"


class PostNotification(MailClaim):
    """A post mailed to a person in a digest; the row is written with the mail, so each goes once."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("post notification")
        verbose_name_plural = _("post notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                name="exchange_notification_once_per_post_person",
                violation_error_message=_("This post was already mailed to this person."),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.post_id} → {self.user_id}"
