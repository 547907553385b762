"""The audit trail: ``record(action, …)`` from any app's services, in the transaction of the change.

Who acted is taken from the current request when the caller does not say (a person, or an API
client and its employer); the request id comes from :class:`accounts.middleware.RequestIdMiddleware`.
Outside a request (Celery, beat, commands) the actor is "system".
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from core.numbers import plain_number
from core.times import local_with_offset

from .client_address import client_ip
from .models import AuditEvent, Employer, Institution, User
from .request_context import bind_request, current_request, current_request_id, unbind_request

Action = AuditEvent.Action
__all__ = [
    "Action",
    "actor_name",
    "bind_request",
    "current_request",
    "current_request_id",
    "describe",
    "describe_detail",
    "event_time",
    "model_name",
    "record",
    "record_refused_request",
    "unbind_request",
]  # fmt: skip


def _request_actor(request: HttpRequest) -> Any:
    """Who made ``request``, as far as it is known already: reading it never authenticates anyone.

    A DRF ``Request`` (which wraps Django's as ``_request``) authenticates when its ``user`` is first read, and an
    authenticator that checks a password (HTTP Basic) fails a log-in through Django, which is audited here: reading
    ``user`` again started authentication again, until RecursionError. So a DRF request's user is taken only once
    authenticated (DRF sets the API client or person on both requests then), else the Django request's (the
    session's, lazy through AuthenticationMiddleware)."""
    attributes = vars(request)
    if isinstance(attributes.get("_request"), HttpRequest):
        if "_user" in attributes:
            return attributes["_user"]
        request = attributes["_request"]
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


def _storable(value: Any) -> Any:
    """``value`` with every NUL character as U+FFFD: PostgreSQL stores none in text or JSON, and what an
    outsider sent (an API client id, a form field) must still be recorded, not become a server error."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


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
        actor_label=_storable(actor_label or label or ("system" if request is None else "anonymous"))[:254],
        institution_id=institution.pk if isinstance(institution, Institution) else institution,
        employer_id=employer.pk if isinstance(employer, Employer) else employer,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip_address=(client_ip(request) or None) if request is not None else None,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=_storable(summary)[:500],
        detail=_storable(detail or {}),
    )


def record_refused_request(
    request: HttpRequest, *, detail: dict[str, Any], target: models.Model | None = None
) -> AuditEvent:
    """The trail's line for a request refused (403), or answered 404 for another owner's row (``target``,
    where the view has it): what was asked."""
    return record(
        Action.ACCESS_REFUSED, request=request, target=target, summary=f"{request.method} {request.path}", detail=detail
    )


# --- Reading the trail: times in the site's zone, events in words (the admin, in the reader's language) ---


def event_time(moment: datetime.datetime) -> str:
    """When an event happened, in the site's zone with the UTC offset (core.times.local_with_offset)."""
    return local_with_offset(moment)


#: The actors that are not a person or an API client, as ``record`` names them.
ACTORS = {"system": gettext_lazy("system"), "anonymous": gettext_lazy("anonymous")}


def actor_name(label: str) -> str:
    """Who acted, as the trail stores it; "system" and "anonymous" in the reader's language."""
    return str(ACTORS.get(label, label))


#: What the keys of ``AuditEvent.detail`` mean, for the detail in words.
DETAIL_LABELS = {
    "old_state": gettext_lazy("from"),
    "new_state": gettext_lazy("to"),
    "old_status": gettext_lazy("from"),
    "new_status": gettext_lazy("to"),
    "action": gettext_lazy("action"),
    "reason": gettext_lazy("reason"),
    "trainee_id": gettext_lazy("trainee"),
    "attempt_id": gettext_lazy("attempt"),
    "old_score": gettext_lazy("previous score"),
    "new_score": gettext_lazy("new score"),
    "model": gettext_lazy("data"),
    "format": gettext_lazy("format"),
    "rows": gettext_lazy("rows"),
    "numbers": gettext_lazy("certificate numbers"),
    "cohort": gettext_lazy("cohort"),
    "paper": gettext_lazy("paper"),
    "flagged": gettext_lazy("flagged"),
    "period": gettext_lazy("period"),
    "report": pgettext_lazy("audit detail", "report"),
    "table": pgettext_lazy("audit detail", "table"),
    "status": gettext_lazy("HTTP status"),
    "idempotency_key": gettext_lazy("idempotency key"),
    "ip_address": gettext_lazy("IP address"),
    "failed_log_ins": gettext_lazy("failed log-ins"),
    "recovery_codes_left": gettext_lazy("recovery codes left"),
    "devices_deleted": gettext_lazy("authenticators removed"),
    "sessions_ended": gettext_lazy("sessions ended"),
    "passkey": gettext_lazy("passkey"),
    "first_factor": gettext_lazy("passkey as first factor"),
    "change": gettext_lazy("change"),
    "scopes": gettext_lazy("scopes"),
    "former": gettext_lazy("previous trainee record"),
    "object_id": gettext_lazy("object id"),
    "endpoint": gettext_lazy("endpoint"),
    "file": gettext_lazy("file"),
    "created": gettext_lazy("new"),
    "revised": gettext_lazy("revised"),
    "family": gettext_lazy("question family"),
    "old_version": gettext_lazy("previous version"),
    "new_version": gettext_lazy("new version"),
    "old_question_id": gettext_lazy("previous version's id"),
    "old_correct": gettext_lazy("previous correct options"),
    "new_correct": gettext_lazy("new correct options"),
    "changed": gettext_lazy("fields changed"),
    "refused": gettext_lazy("times refused"),
    "client_id": gettext_lazy("client id"),
}

#: The kinds of change that ``detail["change"]`` names.
CHANGES = {
    "employment_accepted": gettext_lazy("joined the employer"),
    "email_changed": gettext_lazy("log-in e-mail address changed"),
    "created": gettext_lazy("client created"),
    "secret_rotated": gettext_lazy("secret replaced"),
    "revoked": gettext_lazy("client revoked"),
    "scopes": gettext_lazy("scopes changed"),
}

#: A certificate's status changes (certification.services), named.
CERTIFICATE_ACTIONS = {
    "issue": pgettext_lazy("certificate action", "issued"),
    "suspend": pgettext_lazy("certificate action", "suspended"),
    "reinstate": pgettext_lazy("certificate action", "reinstated"),
    "revoke": pgettext_lazy("certificate action", "revoked"),
    "expire": pgettext_lazy("certificate action", "expired"),
    "renew": pgettext_lazy("certificate action", "renewed"),
}


def _model(label: str) -> type[models.Model] | None:
    # The trail names models of every app by label; looked up by name, so that accounts imports none of them.
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def model_name(label: str, *, plural: bool = False) -> str:
    model = _model(label)
    if model is None:
        return label
    return str(model._meta.verbose_name_plural if plural else model._meta.verbose_name)


def _choice(label: str, field_name: str, value: Any) -> str:
    """The label of ``value`` among the choices of ``label``'s field (a state, a status); the value if none."""
    if value in (None, ""):
        return "—"
    model = _model(label)
    try:
        field = model._meta.get_field(field_name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    choices = dict(getattr(field, "flatchoices", None) or [])
    return str(choices.get(value, value))


def _scopes(scopes: Any) -> str:
    """An API client's scopes by the verbose names of their fields (``can_read`` → "scope: read")."""
    names = [_field_name("hr_api.ApiClient", f"can_{scope}") or str(scope) for scope in scopes or []]
    return _list(names) if names else "—"


def _field_name(label: str, field_name: str) -> str:
    model = _model(label)
    try:
        return str(model._meta.get_field(field_name).verbose_name) if model is not None else ""
    except FieldDoesNotExist:
        return ""


def describe(event: AuditEvent) -> str:
    """The event in a sentence of the reader's language: states and statuses by their labels, data by its name.

    The stored ``summary`` is written once, in English, with raw codes (``pending -> approved``); this is
    what the admin shows instead, worked out from the action and its ``detail``.
    """
    detail = event.detail if isinstance(event.detail, dict) else {}
    action = event.action
    if action == Action.ENROLMENT_STATE:
        return _("%(what)s: %(old)s → %(new)s") % {
            "what": model_name(event.object_type or "courses.Enrolment"),
            "old": _choice("courses.Enrolment", "state", detail.get("old_state")),
            "new": _choice("courses.Enrolment", "state", detail.get("new_state")),
        }
    if action == Action.CERTIFICATE_STATUS:
        text = _("Certificate %(number)s %(action)s: %(old)s → %(new)s") % {
            "number": event.summary.partition(":")[0] or event.object_id,
            "action": str(CERTIFICATE_ACTIONS.get(detail.get("action", ""), detail.get("action", ""))),
            "old": _choice("certification.Certificate", "status", detail.get("old_status")),
            "new": _choice("certification.Certificate", "status", detail.get("new_status")),
        }
        if detail.get("reason"):
            text = _("%(text)s (reason: %(reason)s)") % {"text": text, "reason": detail["reason"]}
        return text
    if action == Action.GRADE_CHANGED:
        old, new = detail.get("old_score"), detail.get("new_score")
        return _("Attempt %(attempt)s: score %(old)s → %(new)s") % {
            "attempt": detail.get("attempt_id", event.object_id),
            "old": _score(old),
            "new": _score(new),
        }
    if action in (Action.ADMIN_EXPORT, Action.ADMIN_IMPORT):
        what = model_name(str(detail.get("model") or event.summary), plural=True)
        rows = detail.get("rows", len(detail["numbers"]) if isinstance(detail.get("numbers"), list) else None)
        if rows is None:
            return what
        words = ngettext("%(what)s, %(rows)s row", "%(what)s, %(rows)s rows", int(rows))
        return words % {"what": what, "rows": rows}
    if action == Action.API_CLIENT_CHANGED:
        change = str(CHANGES.get(detail.get("change", ""), detail.get("change", "")))
        if "scopes" in detail:
            return _("%(change)s: %(scopes)s") % {"change": change, "scopes": _scopes(detail["scopes"])}
        return change or event.summary
    if action == Action.API_WRITE and detail.get("change") in CHANGES:
        return str(CHANGES[detail["change"]])
    if action == Action.LOCKED_OUT and "failed_log_ins" in detail:  # an address paused (accounts.lockout)
        return _("Log-ins from %(address)s paused after too many failures") % {"address": detail.get("ip_address", "")}
    return event.summary


def _score(value: Any) -> str:
    if value in (None, ""):
        return "—"
    try:
        return plain_number(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _list(items: Any) -> str:
    return pgettext("list separator", ", ").join(str(item) for item in items)


def describe_detail(event: AuditEvent) -> list[tuple[str, str]]:
    """(label, value) of each item of ``detail``, in words; unknown keys keep their name."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    rows = []
    for key, value in detail.items():
        if key in ("old_state", "new_state"):
            shown = _choice("courses.Enrolment", "state", value)
        elif key in ("old_status", "new_status"):
            shown = _choice("certification.Certificate", "status", value)
        elif key == "action" and event.action == Action.CERTIFICATE_STATUS:
            shown = str(CERTIFICATE_ACTIONS.get(value, value))
        elif key == "change":
            shown = str(CHANGES.get(value, value))
        elif key == "scopes":
            shown = _scopes(value)
        elif key == "model":
            shown = model_name(str(value), plural=True)
        elif key in ("old_score", "new_score"):
            shown = _score(value)
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif isinstance(value, list):
            shown = _list(value)
        else:
            shown = "—" if value in (None, "") else str(value)
        rows.append((str(DETAIL_LABELS.get(key, key)), shown))
    return rows
