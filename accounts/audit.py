"""The audit trail: ``record(action, …)`` from any app's services, in the transaction of the change.

Who acted is taken from the current request when the caller does not say (a person, or an API
client and its employer); the request id comes from :class:`accounts.middleware.RequestIdMiddleware`.
Outside a request (Celery, beat, commands) the actor is "system".
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from .client_address import client_ip
from .models import AuditEvent, Employer, Institution, User
from .request_context import bind_request, current_request, current_request_id, unbind_request

Action = AuditEvent.Action
__all__ = ["Action", "bind_request", "current_request", "current_request_id", "record", "unbind_request"]


def _request_actor(request: HttpRequest) -> Any:
    # AuthenticationMiddleware makes request.user lazy; DRF sets the API client on it too.
    return getattr(request, "user", None)


def _describe(actor: Any) -> tuple[User | None, str, Institution | None, int | None]:
    """(user, label, institution, employer id) of a person, an API client, or nobody.

    A principal that is not a person (an HR system's API client, hr_api.models.ApiClient) names
    itself by ``audit_label`` and acts for its ``employer_id``.
    """
    from .scoping import institution_of

    label = getattr(actor, "audit_label", None)
    if isinstance(label, str):
        return None, label, None, getattr(actor, "employer_id", None)
    if isinstance(actor, User) and actor.pk is not None:
        return actor, actor.email, institution_of(actor), None
    return None, "", None, None


def record(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    institution: Institution | int | None = None,
    employer: Employer | int | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit event. ``actor`` defaults to the current request's user or API client."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        actor = _request_actor(request)
    user, label, actor_institution, actor_employer = _describe(actor)
    if institution is None:
        institution = actor_institution
    if employer is None:
        employer = actor_employer
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        actor_label=(actor_label or label or ("system" if request is None else "anonymous"))[:254],
        institution_id=institution.pk if isinstance(institution, Institution) else institution,
        employer_id=employer.pk if isinstance(employer, Employer) else employer,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip_address=(client_ip(request) or None) if request is not None else None,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=summary[:500],
        detail=detail or {},
    )
