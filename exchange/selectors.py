"""Who takes part in a cohort's exchange, and what each of them reads.

A person's part (:class:`Access`) is worked out on every request and in every service, never stored:
- a *trainee*: an admitted enrolment in the cohort (approved, in training or completed);
- a *teacher*: a teacher of the cohort's institution named on one of its sessions;
- a *moderator*: an admin of the cohort's institution (reads all, hides; does not post);
- a *former* member: a withdrawn enrolment and no admitted one; reads only their own posts, posts nothing.
Everyone else has no part: the views answer 404, as for a cohort that does not exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from accounts.models import StaffMembership
from courses.models import Cohort, Enrolment, TrainingSession
from courses.selectors import courses_of_curriculum

from .models import Post, Thread

if TYPE_CHECKING:
    from accounts.models import User
    from courses.models import Course

Role = Literal["trainee", "teacher", "moderator", "former"]

#: The enrolment states of a trainee who takes part (reads and posts): the admitted ones.
MEMBER_STATES = Enrolment.ADMITTED_STATES


@dataclass(frozen=True)
class Access:
    cohort: Cohort
    role: Role

    @property
    def reads_all(self) -> bool:
        return self.role != "former"

    @property
    def can_post(self) -> bool:
        return self.role in ("trainee", "teacher")

    @property
    def is_teacher(self) -> bool:
        return self.role == "teacher"

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"


def teaching(**filters: Any) -> QuerySet[TrainingSession, tuple[int, int]]:
    """(user id, cohort id) of each teacher named on a session of a cohort of their own institution."""
    return (
        TrainingSession.objects.filter(teacher_person__role=StaffMembership.Role.TEACHER, **filters)
        .filter(teacher_person__institution_id=F("cohort__institution_id"))
        .values_list("teacher_person__user_id", "cohort_id")
        .distinct()
    )


def _teaches(membership: StaffMembership, cohort_id: int) -> bool:
    return TrainingSession.objects.filter(cohort_id=cohort_id, teacher_person=membership).exists()


def _membership(user: Any) -> StaffMembership | None:
    """``user``'s staff membership, or None (a trainee, the program office …): the one the session loaded with the
    user, no query."""
    try:
        membership: StaffMembership | None = user.staff_membership
    except StaffMembership.DoesNotExist:
        return None
    return membership


#: The part each staff role takes in its institution's cohorts' exchanges (a teacher only in those it teaches);
#: other roles take none.
_STAFF_PARTS: dict[str, Role] = {StaffMembership.Role.ADMIN: "moderator", StaffMembership.Role.TEACHER: "teacher"}


def _staff_part(membership: StaffMembership) -> Role | None:
    return _STAFF_PARTS.get(membership.role)


def access_to(user: Any, cohort: Cohort) -> Access | None:
    """``user``'s part in ``cohort``'s exchange, or None (nothing to see)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    membership = _membership(user)
    if membership is not None:
        if membership.institution_id != cohort.institution_id:
            return None
        role = _staff_part(membership)
        if role is None or (role == "teacher" and not _teaches(membership, cohort.pk)):
            return None
        return Access(cohort, role)
    states = set(Enrolment.objects.filter(cohort=cohort, trainee_id=user.pk).values_list("state", flat=True))
    if states & set(MEMBER_STATES):
        return Access(cohort, "trainee")
    if Enrolment.State.WITHDRAWN in states:
        return Access(cohort, "former")
    return None


def staff_part_of(user: Any) -> Role | None:
    """The part an institution's staff member takes in its cohorts' exchanges: "moderator" for its admins,
    "teacher" for its teachers (in the cohorts whose sessions they teach); None for anyone else (a grader, HR,
    the program office, a trainee). Read from the membership the session loaded with the user: no query."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    membership = _membership(user)
    return None if membership is None else _staff_part(membership)


def offered_in_staff_menu(user: Any) -> bool:
    """Whether the site's menu offers a staff member the discussions: only to those who take part in them
    (``exchange.apps``). Trainees reach theirs from their enrolments and cohort pages."""
    return staff_part_of(user) is not None


def cohort_by_code(code: str) -> Cohort | None:
    return Cohort.objects.filter(code=code).first()


def cohorts_of(user: User) -> list[tuple[Cohort, Role]]:
    """The cohorts whose exchange ``user`` takes part in, newest first (a few queries, not one per cohort)."""
    found: dict[int, tuple[Cohort, Role]] = {}
    membership = _membership(user)
    if membership is not None:
        cohorts = Cohort.objects.filter(institution_id=membership.institution_id)
        role = _staff_part(membership)
        if role == "moderator":
            found = {c.pk: (c, "moderator") for c in cohorts.exclude(status=Cohort.Status.DRAFT)}
        elif role == "teacher":
            taught = cohorts.filter(sessions__teacher_person=membership).distinct()
            found = {c.pk: (c, "teacher") for c in taught}
    else:
        for e in Enrolment.objects.filter(trainee=user).select_related(
            "cohort__institution", "cohort__curriculum__tier", "cohort__curriculum__track"
        ):
            if e.state in MEMBER_STATES:
                found[e.cohort_id] = (e.cohort, "trainee")
            elif e.state == Enrolment.State.WITHDRAWN and e.cohort_id not in found:
                found[e.cohort_id] = (e.cohort, "former")
    return sorted(found.values(), key=lambda pair: (pair[0].starts_on, pair[0].code), reverse=True)


def visible_posts(access: Access, user: User) -> QuerySet[Post]:
    """The posts of the cohort ``user`` reads: a former member only their own; hidden ones only a moderator."""
    posts = Post.objects.filter(thread__cohort=access.cohort)
    if not access.reads_all:
        posts = posts.filter(author=user)
    if not access.is_moderator:
        posts = posts.filter(hidden_at__isnull=True)
    return posts


@dataclass(frozen=True)
class CourseThread:
    course: Course
    questions: int
    unanswered: int
    last_post_at: datetime.datetime | None


def course_threads(access: Access, user: User) -> list[CourseThread]:
    """A line per course of the cohort's curriculum (a former member: only those they wrote in); two queries."""
    entries = list(courses_of_curriculum(access.cohort.curriculum_id))
    posts = visible_posts(access, user)
    stats = {
        row["thread__course_id"]: row
        for row in posts.values("thread__course_id").annotate(
            questions=Count("pk", filter=Q(parent__isnull=True)),
            answered=Count("parent_id", distinct=True),
            last=Max("created_at"),
        )
    }
    lines = []
    for entry in entries:
        row = stats.get(entry.course_id)
        if row is None and not access.reads_all:
            continue
        questions = row["questions"] if row else 0
        lines.append(
            CourseThread(
                course=entry.course,
                questions=questions,
                unanswered=max(questions - (row["answered"] if row else 0), 0),
                last_post_at=row["last"] if row else None,
            )
        )
    return lines


def thread_of(cohort: Cohort, course: Course) -> Thread | None:
    return Thread.objects.filter(cohort=cohort, course=course).first()


def own_posts(access: Access, user: User, thread: Thread) -> list[Post]:
    """A former member's posts in the thread, oldest first (what they read, and all of it)."""
    return list(visible_posts(access, user).filter(thread=thread).select_related("author", "parent"))


def questions_of(access: Access, user: User, thread: Thread) -> list[Post]:
    """The thread's questions, pinned first then newest, each with its answers (accepted first) in
    ``.shown_answers``; three queries whatever the number of posts."""
    posts = visible_posts(access, user).filter(thread=thread)
    answers = posts.filter(parent__isnull=False).select_related("author").order_by("-is_accepted", "created_at")
    return list(
        posts.filter(parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("answers", queryset=answers, to_attr="shown_answers"))
        .order_by("-is_pinned", "-created_at", "-pk")
    )
