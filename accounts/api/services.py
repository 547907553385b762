"""Writes behind the employers' API: clients (for the program office) and employees.

Employees are trainee profiles of the client's employer; the account rules themselves (a
new person gets no usable password and the trainee role) are accounts.services'.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AccessToken, Application, RefreshToken

from accounts import audit
from accounts.models import Employer, TraineeProfile, User
from accounts.scoping import TRAINEE_GROUP
from accounts.services import do_register_trainee

from .models import ApiClient


class ApiError(Exception):
    """An API write refused; ``code`` is stable, ``field`` names the bad input, ``status`` the HTTP status."""

    def __init__(self, code: str, message: Any, *, field: str = "", status: int = 400) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status


# --- clients (program office, in admin) ----------------------------------------------------


@transaction.atomic
def do_create_client(
    *,
    employer: Employer,
    name: str,
    scopes: Sequence[str],
    client_id: str | None = None,
    client_secret: str | None = None,
) -> tuple[ApiClient, str]:
    """Create a confidential client-credentials client. Returns it and the secret in clear (shown once)."""
    secret = client_secret or secrets.token_urlsafe(32)
    kwargs = {"client_id": client_id} if client_id else {}
    application = Application(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        **kwargs,
    )
    application.save()
    client = ApiClient.objects.create(
        application=application, employer=employer, **{f"can_{scope}": True for scope in scopes}
    )
    audit.record(
        audit.Action.API_CLIENT_CHANGED, target=client, employer=employer,
        summary=f"created {application.client_id}", detail={"change": "created", "scopes": list(scopes)},
    )
    return client, secret


@transaction.atomic
def do_rotate_secret(*, client: ApiClient, client_secret: str | None = None) -> str:
    """A new secret; tokens already issued stay valid until they expire (a rotation without downtime)."""
    secret = client_secret or secrets.token_urlsafe(32)
    application = Application.objects.select_for_update().get(pk=client.application_id)
    application.client_secret = secret
    application.save(update_fields=["client_secret", "updated"])
    audit.record(
        audit.Action.API_CLIENT_CHANGED, target=client, employer=client.employer_id,
        summary=f"secret rotated {application.client_id}", detail={"change": "secret_rotated"},
    )
    return secret


@transaction.atomic
def do_revoke_client(*, client: ApiClient) -> ApiClient:
    """No more tokens, and the ones issued stop working now."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            audit.Action.API_CLIENT_CHANGED, target=client, employer=client.employer_id,
            summary="revoked", detail={"change": "revoked"},
        )
    RefreshToken.objects.filter(application_id=client.application_id).delete()
    AccessToken.objects.filter(application_id=client.application_id).delete()
    return client


# --- employees -----------------------------------------------------------------------------

EMPLOYEE_FIELDS = ("display_name", "preferred_language", "branch", "manager_class", "phone")


@dataclass
class UpsertOutcome:
    created: list[TraineeProfile] = field(default_factory=list)
    updated: list[TraineeProfile] = field(default_factory=list)


def _apply(profile: TraineeProfile, values: dict[str, Any]) -> None:
    for name in ("branch", "manager_class", "phone", "employee_number"):
        if name in values:
            setattr(profile, name, values[name])
    for name in ("display_name", "preferred_language"):
        if name in values:
            setattr(profile.user, name, values[name])


def _new_profile(employer: Employer, values: dict[str, Any]) -> TraineeProfile:
    user = User(email=values["email"].lower(), display_name=values["display_name"])
    if values.get("preferred_language"):
        user.preferred_language = values["preferred_language"]
    profile = TraineeProfile(user=user, employer=employer)
    _apply(profile, values)
    return profile


def check_email_free(emails: Sequence[str]) -> set[str]:
    """The addresses among ``emails`` that an account already uses."""
    lowered = [e.lower() for e in emails]
    return set(User.objects.annotate(low=Lower("email")).filter(low__in=lowered).values_list("low", flat=True))


@transaction.atomic
def do_create_employee(*, employer: Employer, values: dict[str, Any]) -> TraineeProfile:
    if TraineeProfile.objects.filter(employer=employer, employee_number=values["employee_number"]).exists():
        raise ApiError(
            "employee_number_taken",
            _("Another employee already has this employee number."),
            field="employee_number",
            status=409,
        )
    if check_email_free([values["email"]]):
        raise ApiError("email_taken", _("An account with this e-mail address exists."), field="email", status=409)
    return do_register_trainee(profile=_new_profile(employer, values))


@transaction.atomic
def do_update_employee(*, profile: TraineeProfile, values: dict[str, Any]) -> TraineeProfile:
    number = values.get("employee_number")
    if (
        number
        and number != profile.employee_number
        and TraineeProfile.objects.filter(employer_id=profile.employer_id, employee_number=number).exists()
    ):
        raise ApiError(
            "employee_number_taken",
            _("Another employee already has this employee number."),
            field="employee_number",
            status=409,
        )
    _apply(profile, values)
    profile.user.save(update_fields=["display_name", "preferred_language"])
    profile.save(update_fields=["branch", "manager_class", "phone", "employee_number", "updated_at"])
    return profile


@transaction.atomic
def do_upsert_employees(*, employer: Employer, items: Sequence[dict[str, Any]]) -> UpsertOutcome:
    """Create or update every item, matched by employee number; all of them or none.

    Raises :class:`BulkRejected` with one error list per item when any item is refused.
    """
    numbers = [item["employee_number"] for item in items]
    existing = {
        p.employee_number: p
        for p in TraineeProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(employer=employer, employee_number__in=numbers)
    }
    new_emails = [item["email"] for item in items if item["employee_number"] not in existing and item.get("email")]
    taken = check_email_free(new_emails)
    errors: dict[int, list[dict[str, str]]] = {}
    seen_numbers: set[str] = set()
    seen_emails: set[str] = set()
    for index, item in enumerate(items):
        problems = []
        number = item["employee_number"]
        if number in seen_numbers:
            problems.append(("employee_number", "duplicate", _("This employee number appears twice in the batch.")))
        seen_numbers.add(number)
        if number not in existing:
            email = (item.get("email") or "").lower()
            if not email:
                problems.append(("email", "required", _("A new employee needs an e-mail address.")))
            elif email in taken:
                problems.append(("email", "email_taken", _("An account with this e-mail address exists.")))
            elif email in seen_emails:
                problems.append(("email", "duplicate", _("This e-mail address appears twice in the batch.")))
            seen_emails.add(email)
            if not item.get("display_name"):
                problems.append(("display_name", "required", _("A new employee needs a name.")))
        if problems:
            errors[index] = [{"field": f, "code": c, "message": str(m)} for f, c, m in problems]
    if errors:
        raise BulkRejected(errors)
    # Bulk writes: the same statements for a batch of 5 or 500 (issue 9's benchmark).
    outcome = UpsertOutcome()
    now = timezone.now()
    for item in items:
        profile = existing.get(item["employee_number"])
        if profile is None:
            outcome.created.append(_new_profile(employer, item))
        else:
            _apply(profile, item)
            profile.updated_at = now  # bulk_update does not touch auto_now fields
            outcome.updated.append(profile)
    if outcome.updated:
        # Only the fields the batch carries (matched by employee number, which stays): Django's
        # bulk_update builds one CASE per field and row, the cost of a batch of 500.
        given = {name for item in items for name in item}
        user_fields = [name for name in ("display_name", "preferred_language") if name in given]
        if user_fields:
            User.objects.bulk_update([p.user for p in outcome.updated], user_fields)
        profile_fields = [name for name in ("branch", "manager_class", "phone") if name in given]
        TraineeProfile.objects.bulk_update(outcome.updated, [*profile_fields, "updated_at"])
    _register_many(outcome.created)
    return outcome


def _register_many(profiles: list[TraineeProfile]) -> None:
    """``accounts.services.do_register_trainee`` for many new people in three INSERTs: accounts
    without a usable password, the trainee role, the profiles."""
    if not profiles:
        return
    users = [profile.user for profile in profiles]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    group = Group.objects.get_or_create(name=TRAINEE_GROUP)[0]
    Membership = User.groups.through
    Membership.objects.bulk_create([Membership(user_id=user.pk, group_id=group.pk) for user in users])
    for profile, user in zip(profiles, users, strict=True):
        profile.user = user
    TraineeProfile.objects.bulk_create(profiles)


class BulkRejected(Exception):
    def __init__(self, errors: dict[int, list[dict[str, str]]]) -> None:
        super().__init__(errors)
        self.errors = errors


@transaction.atomic
def do_deactivate_employee(*, profile: TraineeProfile) -> TraineeProfile:
    """The person left the employer's customer-manager team: no more log-in, sessions ended.

    Saving the user inactive ends their sessions and records the deactivation (accounts.receivers).
    """
    user = User.objects.select_for_update().get(pk=profile.user_id)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    profile.user = user
    profile.save(update_fields=["updated_at"])
    return profile
