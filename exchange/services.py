"""The exchange's rules: who posts where, accepting and pinning, hiding and reporting (issue 22, item 3).

Every ``do_*`` works out the actor's part in the cohort again (``selectors.access_to``), checks with
the matching ``check_*``, and writes in one transaction: a refusal is an :class:`ExchangeError` with a
stable code and a translated message, and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.text_rules import refuse_control_characters_in_text
from courses.models import Cohort, Course
from courses.selectors import courses_of_curriculum

from . import text
from .models import MAX_BODY_CHARS, MAX_REASON_CHARS, ModerationEvent, Post, PostReport, Thread
from .selectors import Access, access_to

if TYPE_CHECKING:
    from accounts.models import User


class ExchangeError(DomainError):
    """An exchange rule refused the request.

    Codes: not_found, not_a_member, left_cohort, empty, too_long, course_not_in_curriculum, not_a_question,
    wrong_thread, not_a_teacher, not_an_answer, not_a_moderator, hidden, reason_missing, reason_too_long,
    already_reported, control_character.
    """


def _not_found() -> ExchangeError:
    return ExchangeError("not_found", _("There is no such discussion."))


def _access(user: User, cohort: Cohort) -> Access:
    access = access_to(user, cohort)
    if access is None:
        raise _not_found()  # the views answer 404: an outsider learns nothing
    return access


def _refuse_controls(text: str, field: str) -> None:
    try:
        # A bidirectional control would show readers other text than was written (the rule of every text field).
        refuse_control_characters_in_text(text)
    except ValidationError as refused:
        raise ExchangeError("control_character", refused.messages[0], field=field) from None


def _clean_text(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not body:
        raise ExchangeError("empty", _("Write something before you post."), field="body")
    _refuse_controls(body, "body")
    if len(body) > MAX_BODY_CHARS:
        raise ExchangeError(
            "too_long",
            _("A post has at most %(max)d characters; yours has %(count)d.")
            % {"max": MAX_BODY_CHARS, "count": len(body)},
            field="body",
        )
    return body


def _clean_reason(reason: str) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ExchangeError("reason_missing", _("Give a reason."), field="reason")
    _refuse_controls(reason, "reason")  # shown to the post's author
    if len(reason) > MAX_REASON_CHARS:
        raise ExchangeError(
            "reason_too_long", _("A reason has at most %(max)d characters.") % {"max": MAX_REASON_CHARS}, field="reason"
        )
    return reason


# --- posting -------------------------------------------------------------------------------


def check_post(*, access: Access, course: Course, body: str, parent: Post | None = None) -> str:
    """Raise :class:`ExchangeError` when the post cannot be written; return the text as it will be kept."""
    if access.role == "former":
        raise ExchangeError("left_cohort", _("You have left this cohort, so you can no longer post in its discussion."))
    if not access.can_post:
        raise ExchangeError("not_a_member", _("Only the cohort's trainees and teachers post in its discussion."))
    if not any(e.course_id == course.pk for e in courses_of_curriculum(access.cohort.curriculum_id)):
        raise ExchangeError("course_not_in_curriculum", _("This course is not taught in this cohort."))
    if parent is not None:
        if parent.parent_id is not None:
            raise ExchangeError("not_a_question", _("Answer the question, not an answer."))
        if parent.thread.cohort_id != access.cohort.pk or parent.thread.course_id != course.pk:
            raise ExchangeError("wrong_thread", _("This question belongs to another discussion."))
        if parent.is_hidden:
            raise ExchangeError("hidden", _("This question was hidden by the institution."))
    return _clean_text(body)


@transaction.atomic
def do_post(*, by: User, cohort: Cohort, course: Course, body: str, parent: Post | None = None) -> Post:
    """Write a question (``parent`` None) or an answer; the digest mails it to the others later."""
    access = _access(by, cohort)
    body = check_post(access=access, course=course, body=body, parent=parent)
    thread, _created = Thread.objects.get_or_create(cohort=cohort, course=course)
    return Post.objects.create(thread=thread, parent=parent, author=by, body=body, body_html=text.render(body))


# --- what teachers do ----------------------------------------------------------------------


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("thread__cohort__institution").get(pk=post.pk)


def check_teacher(access: Access) -> None:
    if not access.is_teacher:
        raise ExchangeError("not_a_teacher", _("Only the cohort's teachers accept answers and pin questions."))


@transaction.atomic
def do_accept(*, by: User, answer: Post) -> Post:
    """Mark ``answer`` as the accepted answer of its question (another accepted one is unmarked)."""
    answer = _locked(answer)
    check_teacher(_access(by, answer.thread.cohort))
    if answer.parent_id is None:
        raise ExchangeError("not_an_answer", _("Only an answer can be accepted."))
    if answer.is_hidden:
        raise ExchangeError("hidden", _("A hidden post cannot be accepted."))
    # The question's row is the lock two teachers accepting two answers at once queue on (one accepted each).
    list(Post.objects.select_for_update().filter(pk=answer.parent_id).values_list("pk", flat=True))
    Post.objects.filter(parent_id=answer.parent_id, is_accepted=True).exclude(pk=answer.pk).update(
        is_accepted=False, accepted_by=None
    )
    answer.is_accepted = True
    answer.accepted_by = by
    answer.save(update_fields=["is_accepted", "accepted_by"])
    return answer


@transaction.atomic
def do_pin(*, by: User, question: Post, pinned: bool = True) -> Post:
    """Pin ``question`` to the top of its thread, or unpin it."""
    question = _locked(question)
    check_teacher(_access(by, question.thread.cohort))
    if question.parent_id is not None:
        raise ExchangeError("not_a_question", _("Only a question can be pinned."))
    question.is_pinned = pinned
    question.save(update_fields=["is_pinned"])
    return question


# --- moderation ----------------------------------------------------------------------------


@transaction.atomic
def do_hide(*, by: User, post: Post, reason: str) -> Post:
    """Hide ``post`` (an admin of the cohort's institution): the row, its text and the reason stay."""
    post = _locked(post)
    access = _access(by, post.thread.cohort)
    if not access.is_moderator:
        raise ExchangeError("not_a_moderator", _("Only the institution's administrators hide posts."))
    reason = _clean_reason(reason)
    if post.is_hidden:
        raise ExchangeError("hidden", _("This post is hidden already."))
    post.hidden_at = timezone.now()
    post.hidden_by = by
    post.hidden_reason = reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    ModerationEvent.objects.create(post=post, action=ModerationEvent.Action.HIDDEN, by=by, reason=reason)
    return post


def do_report(*, by: User, post: Post, reason: str) -> PostReport:
    """Report ``post`` to the institution (anyone who reads it, once per post)."""
    access = _access(by, post.thread.cohort)
    if post.is_hidden and not access.is_moderator:
        raise _not_found()
    if not access.reads_all and post.author_id != by.pk:
        raise _not_found()
    if post.author_id == by.pk:
        raise ExchangeError("own_post", _("You cannot report your own post."))
    reason = _clean_reason(reason)
    try:
        with transaction.atomic():
            return PostReport.objects.create(post=post, reporter=by, reason=reason)
    except IntegrityError:
        raise ExchangeError("already_reported", _("You have already reported this post.")) from None
