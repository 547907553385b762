"""Reads of the HR API's own rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.identifiers import normalize_employee_number
from accounts.selectors import employees_of

from .models import ApiClient, WebhookEndpoint


def endpoints_of(employer_id: int) -> QuerySet[WebhookEndpoint]:
    """An employer's webhook endpoints: the only ones its HR system sees or changes."""
    return WebhookEndpoint.objects.filter(employer_id=employer_id)


def employer_holds_scope(employer_id: int, scope: str) -> bool:
    """Whether one of the employer's clients that can still get a token has ``scope``."""
    return ApiClient.objects.filter(
        employer_id=employer_id, employer__is_active=True, revoked_at__isnull=True, **{f"can_{scope}": True}
    ).exists()


def stored_addresses(employer_id: int, numbers: Iterable[object]) -> dict[str, str]:
    """The address each of the employer's employees with one of ``numbers`` (as sent: compared in their stored form)
    goes by (the one it gave, for a stand-in), by employee number: what a bulk item may send back as stored."""
    wanted = {normalize_employee_number(number) for number in numbers if isinstance(number, str)}
    wanted.discard("")
    if not wanted:
        return {}
    rows = employees_of(employer_id).filter(employee_number__in=wanted)
    columns = rows.values_list("employee_number", "listed_email", "user__email")
    return {number: listed or login for number, listed, login in columns}
