"""Who may open the supervision area, and whose figures they see.

The program office sees every institution (all of them together, or one by the ``institution``
filter); an institution's staff see only their own institution; trainees and everyone else nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import Institution
from accounts.scoping import institution_of, is_program_office


@dataclass(frozen=True)
class Viewer:
    """The reader of a supervision page: the office or an institution, and the institution shown."""

    is_office: bool
    institution: Institution | None  # None: the office looking at every institution

    @property
    def institution_id(self) -> int | None:
        return self.institution.pk if self.institution else None


def viewer_of(request: HttpRequest) -> Viewer:
    """The viewer, or PermissionDenied for someone with no supervision role.

    The office may narrow to one institution with ``?institution=<id>``; institution staff may not
    widen theirs: any other id is a 404, as for any row that is not theirs.
    """
    user: Any = request.user
    asked = _institution_asked(request)
    if is_program_office(user):
        return Viewer(is_office=True, institution=asked)
    own = institution_of(user)
    if own is None:
        raise PermissionDenied
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
    if not raw.isdigit():
        raise Http404
    try:
        return Institution.objects.get(pk=int(raw))
    except Institution.DoesNotExist:
        raise Http404 from None
