"""Reads of accounts, scoped the same way the admin is (accounts.scoping)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import TraineeProfile, User
from .scoping import institution_of, is_program_office, scope_to_institution

# How a trainee reaches an institution: it registered (imported) them, or they enrol with it.
TRAINEE_INSTITUTION_PATHS = ("registered_by", "user__enrolments__cohort__institution")


def trainee_profiles_visible_to(user: User | Any) -> QuerySet[TraineeProfile]:
    """Trainees ``user`` may see: all for the program office, their institution's for its staff,
    none for anyone else (a trainee reads their own through :func:`trainee_profile_of`)."""
    profiles = TraineeProfile.objects.select_related("user", "employer", "registered_by")
    if is_program_office(user):
        return profiles
    return scope_to_institution(profiles, institution_of(user), TRAINEE_INSTITUTION_PATHS)


def accounts_that_may_be_trainees(users: QuerySet[User], *, keeping: int | None = None) -> QuerySet[User]:
    """The accounts of ``users`` a trainee profile may be given: no staff log-in (staff status, superuser,
    an institution's staff membership) and no trainee profile yet (one per person), except the account of
    id ``keeping`` (the profile's own, when it is changed). ``users`` keeps whatever scope it has."""
    free = Q(trainee_profile__isnull=True)
    if keeping is not None:
        free |= Q(pk=keeping)
    return users.filter(free, is_staff=False, is_superuser=False, staff_membership__isnull=True)


def trainee_profile_of(user: User | Any) -> TraineeProfile | None:
    """The signed-in person's own trainee profile, or None (staff, anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return TraineeProfile.objects.select_related("employer", "registered_by").filter(user=user).first()


def employees_of(employer_id: int) -> QuerySet[TraineeProfile]:
    """An employer's employees: the only people its HR system (hr_api) reads or changes."""
    return TraineeProfile.objects.filter(employer_id=employer_id)
