"""Who may open the supervision area, and whose figures they see.

The program office sees every institution (all of them together, or one by the ``institution``
filter); an institution's admins and graders see only their own institution; teachers, trainees,
employer HR staff and everyone else nothing (a teacher sees the sessions they teach and those
cohorts in admin, not the whole institution's trainees).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.converters import parse_id
from accounts.models import Institution, StaffMembership
from accounts.scoping import is_program_office

# The institution staff who read their institution's figures and exports; a teacher is staff too,
# but sees only the sessions they teach and their cohorts (accounts.scoping), never every trainee.
SUPERVISING_ROLES = frozenset({StaffMembership.Role.ADMIN, StaffMembership.Role.GRADER})


@dataclass(frozen=True)
class Viewer:
    """The reader of a supervision page: the office or an institution, and the institution shown."""

    is_office: bool
    institution: Institution | None  # None: the office looking at every institution

    @property
    def institution_id(self) -> int | None:
        return self.institution.pk if self.institution else None


def supervised_institution(user: Any) -> Institution | None:
    """The institution whose figures ``user`` reads as one of its admins or graders, else None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        membership = user.staff_membership  # read with the session (accounts.sessions): no query
    except StaffMembership.DoesNotExist:
        return None
    return membership.institution if membership.role in SUPERVISING_ROLES else None


def may_supervise(user: Any) -> bool:
    """Whether ``user`` has a supervision role: the program office, or an institution's admin or grader.

    The one rule for every supervision page and download (:func:`viewer_of`) and for the site's
    navigation, which offers the area only to those it will not refuse (``supervision.apps``).
    """
    return is_program_office(user) or supervised_institution(user) is not None


def viewer_of(request: HttpRequest) -> Viewer:
    """The viewer, or PermissionDenied for someone with no supervision role (:func:`may_supervise`).

    The office may narrow to one institution with ``?institution=<id>``; institution staff may not
    widen theirs: any other id is a 404, as for any row that is not theirs. The role is judged
    first, so someone without one is refused alike whatever the query string says.
    """
    user: Any = request.user
    if is_program_office(user):
        return Viewer(is_office=True, institution=_institution_asked(request))
    own = supervised_institution(user)
    if own is None:
        raise PermissionDenied
    asked = _institution_asked(request)
    if asked is not None and asked.pk != own.pk:
        raise Http404
    return Viewer(is_office=False, institution=own)


def require_office(viewer: Viewer) -> None:
    if not viewer.is_office:
        raise PermissionDenied


def _institution_asked(request: HttpRequest) -> Institution | None:
    raw = request.GET.get("institution", "")
    if not raw:
        return None
    pk = parse_id(raw)  # "²", "x" or 5,000 digits: no institution has that id
    if pk is None:
        raise Http404
    try:
        return Institution.objects.get(pk=pk)
    except Institution.DoesNotExist:
        raise Http404 from None
