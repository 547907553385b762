"""The employer's employees and the person's consent (issue 15), behind the HR API's employee endpoints.

Employees are trainee profiles of an employer; the account rules themselves (a new person gets no
usable password and the trainee role) are accounts.services'. The HR API (hr_api) calls these
services for the client's employer and maps their refusals (:class:`AccountError` with ``code``
``email_taken`` or ``employee_number_taken`` and ``field``; :class:`BulkRejected`) to its answers.

An employer sees only its own employees, and no answer tells it whether an address belongs to
someone else. An address another account owns makes a *stand-in*: the profile gets its own account
without log-in (an address under ``.invalid``) and ``listed_email`` keeps the address the employer
gave, so the employee looks like any new one; the owner is mailed a link (opened at
:mod:`accounts.employment`) and, once they confirm, their account takes the stand-in's place
(:func:`do_accept_employment`, signed in as themselves). A log-in address in use changes only when
its owner, signed in, confirms and then opens, signed in still, the link mailed to the new address
(:func:`do_confirm_email_change`, :func:`do_verify_new_email`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import links
from core.mail import send_templated_mail
from core.signals import send_after_commit
from core.tasks import enqueue_on_commit

from . import audit, signals
from .identifiers import normalize_email
from .models import Employer, TraineeProfile, User
from .scoping import TRAINEE_GROUP
from .services import AccountError, check_link_owner, do_register_trainee, load_link, welcome_all_on_commit

# --- employees -----------------------------------------------------------------------------

STAND_IN_DOMAIN = "stand-in.invalid"  # RFC 2606: never delivered, never anyone's address
LINK_SALT = "accounts.api.employment"  # as when these services were accounts.api's: links mailed then still work
LINK_MAX_AGE = 7 * 24 * 3600


def _stand_in_address() -> str:
    return f"{secrets.token_hex(12)}@{STAND_IN_DOMAIN}"


def is_unused(user: User) -> bool:
    """Never logged in and no password chosen: nobody relies on this log-in yet."""
    return not user.has_usable_password() and user.last_login is None


def shown_email(profile: TraineeProfile) -> str:
    """The address the employer knows the employee by."""
    return profile.listed_email or profile.user.email


@dataclass
class UpsertOutcome:
    created: list[TraineeProfile] = field(default_factory=list)
    updated: list[TraineeProfile] = field(default_factory=list)
    unchanged: list[TraineeProfile] = field(default_factory=list)  # known, every value as stored: not saved


PROFILE_FIELDS = ("branch", "manager_class", "phone", "employee_number")
USER_FIELDS = ("display_name", "preferred_language")


def _apply(profile: TraineeProfile, values: dict[str, Any]) -> set[str]:
    """Set the fields ``values`` gives; the names of those whose value changed. A write that changes nothing
    saves nothing: ``updated_at`` is when the employee changed, which an HR system's sync reads."""
    changed: set[str] = set()
    for names, row in ((PROFILE_FIELDS, profile), (USER_FIELDS, profile.user)):
        for name in names:
            if name in values and getattr(row, name) != values[name]:
                setattr(row, name, values[name])
                changed.add(name)
    return changed


def _new_profile(employer: Employer, values: dict[str, Any], *, owned: bool) -> TraineeProfile:
    """An unsaved employee; ``owned``: another account has the address, so the profile gets a stand-in."""
    email = normalize_email(values["email"])
    user = User(email=_stand_in_address() if owned else email, display_name=values["display_name"])
    if values.get("preferred_language"):
        user.preferred_language = values["preferred_language"]
    profile = TraineeProfile(user=user, employer=employer, listed_email=email if owned else "")
    _apply(profile, values)
    return profile


def _welcome_or_ask_owner(created: Sequence[TraineeProfile], site_url: str) -> None:
    """What the new employees are told, once their transaction commits: a stand-in's address owner is asked to move
    their record here; a new account of the person's own is owed the welcome mail, saying their employer
    registered them (accounts.services.welcome_all_on_commit), unless its address is a placeholder under
    ``.invalid`` that reaches nobody."""
    for profile in created:
        if profile.listed_email:
            _ask_owner_on_commit(profile, site_url)
    welcome = [p for p in created if not p.listed_email and not p.user.email.endswith(".invalid")]
    if welcome:
        welcome_all_on_commit(profiles=welcome, by_employer=True)


def owned_addresses(emails: Sequence[str], *, exclude_user: int | None = None) -> set[str]:
    """The addresses among ``emails`` (normalised) that an account already uses as its log-in."""
    found = User.objects.filter(email__in=list(emails))
    if exclude_user is not None:
        found = found.exclude(pk=exclude_user)
    return set(found.values_list("email", flat=True))


#: The rows whose person no reactivation brings back (:func:`do_reactivate_employee`): they moved to another employer,
#: or left and have no account any more. Such a row's number registers someone again on it (:func:`_register_again`),
#: and its address is the employer's record of who it was, which refuses nobody else's registration.
LEFT_FOR_GOOD = Q(deactivated_by=TraineeProfile.Deactivation.MOVED) | Q(
    deactivated_by=TraineeProfile.Deactivation.DEPARTED, left_by__isnull=True
)


def _left_for_good(row: TraineeProfile) -> bool:
    """:data:`LEFT_FOR_GOOD`, of one row."""
    reason = row.deactivated_by
    return reason == TraineeProfile.Deactivation.MOVED or (
        reason == TraineeProfile.Deactivation.DEPARTED and row.left_by_id is None
    )


def _ours(employer_id: int, emails: Sequence[str]) -> dict[str, int]:
    """Which of the employer's own employees go by each of ``emails`` (address -> profile id); not the rows
    :data:`LEFT_FOR_GOOD`."""
    rows = (
        TraineeProfile.objects.filter(employer_id=employer_id)
        .filter(Q(user__email__in=list(emails)) | Q(listed_email__in=list(emails)))
        .exclude(LEFT_FOR_GOOD)
    )
    found: dict[str, int] = {}
    for pk, login, listed in rows.values_list("pk", "user__email", "listed_email"):
        found[listed or login] = pk
    return found


ADDRESS_OURS = _("Another of your employees has this e-mail address.")
NUMBER_TAKEN = _("Another employee already has this employee number.")


def check_employee_address(*, employer_id: int, email: str, profile_id: int | None = None) -> None:
    """Refuse an address another of the SAME employer's employees has: it tells the employer only its own data.

    Whether any other account uses the address is never an error (see the module's docstring).
    """
    holder = _ours(employer_id, [email]).get(email)
    if holder is not None and holder != profile_id:
        raise AccountError("email_taken", ADDRESS_OURS, field="email")


@transaction.atomic
def do_create_employee(*, employer: Employer, values: dict[str, Any], site_url: str) -> TraineeProfile:
    """A new employee; an address another account owns gives a stand-in and a mail to its owner, any other a new
    account and the welcome mail (who registered them, a link to choose a password).

    The answer is the same either way: nothing tells the employer the address was in use. The employee number of
    a row :data:`LEFT_FOR_GOOD` (its person moved to another employer) registers them, or whoever the number is now,
    again on that row (:func:`_register_again`); any other number the employer has is refused.
    """
    email = normalize_email(values["email"])
    held = TraineeProfile.objects.filter(employer=employer, employee_number=values["employee_number"]).first()
    if held is not None:
        if not _left_for_good(held):
            raise AccountError("employee_number_taken", NUMBER_TAKEN, field="employee_number")
        check_employee_address(employer_id=employer.pk, email=email, profile_id=held.pk)
        return _register_again(held, values={**values, "email": email}, site_url=site_url)
    check_employee_address(employer_id=employer.pk, email=email)
    owned = bool(owned_addresses([email]))
    try:
        with transaction.atomic():
            profile = do_register_trainee(profile=_new_profile(employer, {**values, "email": email}, owned=owned))
    except IntegrityError:
        # Another request registered the address meanwhile: it is now someone's, as if it had been before.
        if owned or not owned_addresses([email]):
            raise
        owned = True
        profile = do_register_trainee(profile=_new_profile(employer, {**values, "email": email}, owned=True))
    _welcome_or_ask_owner([profile], site_url)
    return profile


def _register_again(row: TraineeProfile, *, values: dict[str, Any], site_url: str) -> TraineeProfile:
    """:func:`do_create_employee` of the number of a row :data:`LEFT_FOR_GOOD` (its person moved to another employer):
    the row (same id, so the employer's references to it hold) is registered again as a new employee would be, on
    the stand-in it was left on. An address another account owns (the person who moved, at their new employer) makes
    it a stand-in awaiting that owner, who is asked by mail and whose consent brings their account here
    (:func:`do_accept_employment`); a free one makes the stand-in the person's own account, owed the welcome mail.
    Fields the registration does not give are as a new employee's. Locks the row's account, then the row."""
    row = _locked(row.pk)
    if not _left_for_good(row):  # registered again meanwhile
        raise AccountError("employee_number_taken", NUMBER_TAKEN, field="employee_number")
    user = row.user
    email = values["email"]
    _apply(row, {"branch": "", "manager_class": "", "phone": "", **values})
    user.preferred_language = values.get("preferred_language") or User._meta.get_field("preferred_language").default
    user.is_active = True
    owned = bool(owned_addresses([email], exclude_user=user.pk))
    row.listed_email = email if owned else ""
    row.pending_email, row.deactivated_by = "", ""
    row.save(update_fields=[*PROFILE_FIELDS, "listed_email", "pending_email", "deactivated_by", "updated_at"])
    try:
        with transaction.atomic():
            if not owned:
                user.email = email
            user.save(update_fields=["email", "display_name", "preferred_language", "is_active"])
    except IntegrityError:
        # Another request registered the address meanwhile: it is now someone's, as if it had been before.
        if owned or not owned_addresses([email], exclude_user=user.pk):
            raise
        user.email = _stand_in_address()
        row.listed_email = email
        row.save(update_fields=["listed_email", "updated_at"])
        user.save(update_fields=["email", "display_name", "preferred_language", "is_active"])
    user.groups.add(Group.objects.get_or_create(name=TRAINEE_GROUP)[0])
    _welcome_or_ask_owner([row], site_url)
    return row


@transaction.atomic
def do_update_employee(*, profile: TraineeProfile, values: dict[str, Any], site_url: str) -> TraineeProfile:
    """Change the given fields; an ``email`` follows :func:`do_change_employee_email`."""
    profile = TraineeProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=profile.pk)
    number = values.get("employee_number")
    if (
        number
        and number != profile.employee_number
        and TraineeProfile.objects.filter(employer_id=profile.employer_id, employee_number=number).exists()
    ):
        raise AccountError("employee_number_taken", NUMBER_TAKEN, field="employee_number")
    if "email" in values:
        check_employee_address(
            employer_id=profile.employer_id, email=normalize_email(values["email"]), profile_id=profile.pk
        )
    changed = _apply(profile, values)
    if user_fields := [name for name in USER_FIELDS if name in changed]:
        profile.user.save(update_fields=user_fields)
    if changed:
        profile.save(update_fields=[*(name for name in PROFILE_FIELDS if name in changed), "updated_at"])
    if "email" in values:
        _change_email(profile=profile, email=values["email"], site_url=site_url)
    return profile


@transaction.atomic
def do_change_employee_email(*, profile: TraineeProfile, email: str, site_url: str) -> TraineeProfile:
    """The employer gives the employee a new address. Expects ``profile`` locked (or just made).

    - A log-in nobody uses yet (a new employee, a stand-in) takes the new address at once; when
      another account owns it, the profile becomes (or stays) a stand-in and the owner is asked; a
      stand-in given a free address becomes the person's own account, owed the welcome mail.
    - A log-in in use stays until its owner confirms by a link mailed to the current address and
      then verifies the new one; until then ``pending_email`` shows the request.
    Either way the answer does not depend on whether another account has the address.
    """
    _change_email(profile=profile, email=email, site_url=site_url)
    return profile


def _change_email(*, profile: TraineeProfile, email: str, site_url: str) -> bool:
    """:func:`do_change_employee_email`; whether anything changed (the current address again, with no
    request waiting, changes nothing)."""
    email = normalize_email(email)
    user = profile.user
    if email == shown_email(profile):
        if not profile.pending_email:
            return False
        profile.pending_email = ""
        profile.save(update_fields=["pending_email", "updated_at"])
        return True
    if _left_for_good(profile):
        # The person is another employer's, or gone: the address is only this employer's record of them; nobody is
        # asked.
        profile.listed_email = email
        profile.pending_email = ""
        profile.save(update_fields=["listed_email", "pending_email", "updated_at"])
        return True
    if profile.deactivated_by == TraineeProfile.Deactivation.DEPARTED:
        # Their log-in is their own while they are away: a request, asked of them if they come back
        # (do_reactivate_employee).
        if email == profile.pending_email:
            return False
        profile.pending_email = email
        profile.save(update_fields=["pending_email", "updated_at"])
        return True
    if profile.listed_email or is_unused(user):
        owned = bool(owned_addresses([email], exclude_user=user.pk))
        if owned:
            if not profile.listed_email:
                user.email = _stand_in_address()
                user.save(update_fields=["email"])
            profile.listed_email = email
        else:
            user.email = email
            user.save(update_fields=["email"])
            profile.listed_email = ""
        profile.pending_email = ""
        profile.save(update_fields=["listed_email", "pending_email", "updated_at"])
        # As for a new employee with this address: another account's owner is asked (again); a free address is
        # owed the welcome a new employee gets. Nobody has used this log-in yet, and a welcome sent before is of no
        # use: its link was made for the old address (Django's reset token covers the address), which was most
        # likely a typing mistake the HR system now corrects.
        _welcome_or_ask_owner([profile], site_url)
        return True
    if email == profile.pending_email:
        return False  # asked already
    profile.pending_email = email
    profile.save(update_fields=["pending_email", "updated_at"])
    _on_commit_task("send_email_change_request_email", profile.pk, site_url)
    return True


@transaction.atomic
def do_upsert_employees(*, employer: Employer, items: Sequence[dict[str, Any]], site_url: str) -> UpsertOutcome:
    """Create or update every item, matched by employee number; all of them or none.

    An item's ``email`` follows the rules of a create (new number) or of
    :func:`do_change_employee_email` (known number). A known number whose values are all as stored is
    ``unchanged`` and not saved (a bank's nightly full roster moves no ``updated_at``). Raises
    :class:`BulkRejected` with one error list per item when any item is refused.
    """
    numbers = [item["employee_number"] for item in items]
    existing = {
        p.employee_number: p
        for p in TraineeProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(employer=employer, employee_number__in=numbers)
    }
    emails = [normalize_email(item["email"]) for item in items if item.get("email")]
    ours = _ours(employer.pk, emails)
    errors: dict[int, list[dict[str, str]]] = {}
    seen_numbers: set[str] = set()
    seen_emails: set[str] = set()
    for index, item in enumerate(items):
        problems = []
        number = item["employee_number"]
        if number in seen_numbers:
            problems.append(("employee_number", "duplicate", _("This employee number appears twice in the batch.")))
        seen_numbers.add(number)
        profile = existing.get(number)
        email = normalize_email(item.get("email"))
        if profile is None and not email:
            problems.append(("email", "required", _("A new employee needs an e-mail address.")))
        elif email:
            if ours.get(email, profile.pk if profile else None) != (profile.pk if profile else None):
                problems.append(("email", "email_taken", ADDRESS_OURS))
            elif email in seen_emails:
                problems.append(("email", "duplicate", _("This e-mail address appears twice in the batch.")))
            seen_emails.add(email)
        if profile is None and not item.get("display_name"):
            problems.append(("display_name", "required", _("A new employee needs a name.")))
        if problems:
            errors[index] = [{"field": f, "code": c, "message": str(m)} for f, c, m in problems]
    if errors:
        raise BulkRejected(errors)
    # Bulk writes: the same statements for a batch of 5 or 500 (issue 9's benchmark).
    owned = owned_addresses(emails)
    outcome = UpsertOutcome()
    known: list[tuple[TraineeProfile, set[str]]] = []  # each known number's profile and the fields it changes
    addresses: list[tuple[TraineeProfile, str]] = []
    now = timezone.now()
    for item in items:
        profile = existing.get(item["employee_number"])
        if profile is None:
            email = normalize_email(item["email"])
            outcome.created.append(_new_profile(employer, item, owned=email in owned))
            continue
        changed = _apply(profile, item)
        if changed:
            profile.updated_at = now  # bulk_update does not touch auto_now fields
        known.append((profile, changed))
        if item.get("email"):
            addresses.append((profile, item["email"]))
    touched = [(profile, changed) for profile, changed in known if changed]
    if touched:
        # Only the rows and fields that change (matched by employee number, which stays): Django's
        # bulk_update builds one CASE per field and row, the cost of a batch of 500.
        changing = set().union(*(changed for _profile, changed in touched))
        user_fields = [name for name in USER_FIELDS if name in changing]
        if user_fields:
            users = [profile.user for profile, changed in touched if changed & set(user_fields)]
            User.objects.bulk_update(users, user_fields)
        profile_fields = [name for name in PROFILE_FIELDS if name in changing]
        TraineeProfile.objects.bulk_update([profile for profile, _changed in touched], [*profile_fields, "updated_at"])
    # Address changes one by one: each may mail its person (rare next to the batch's other changes); the
    # current address again withdraws a waiting request, or changes nothing.
    readdressed = {
        profile.pk for profile, email in addresses if _change_email(profile=profile, email=email, site_url=site_url)
    }
    for profile, changed in known:
        (outcome.updated if changed or profile.pk in readdressed else outcome.unchanged).append(profile)
    _register_many(outcome.created)
    _welcome_or_ask_owner(outcome.created, site_url)
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


def _locked(profile_id: int) -> TraineeProfile:
    """The employee row, locked, with its account (``user``) locked first: the order :func:`do_accept_employment`
    takes a person and then the profile they leave in (and the order deactivations took before: the account, then the
    row's save)."""
    user_id = TraineeProfile.objects.filter(pk=profile_id).values_list("user_id", flat=True).get()
    user = User.objects.select_for_update().filter(pk=user_id).first()
    row = TraineeProfile.objects.select_for_update(of=("self",)).get(pk=profile_id)
    if user is None or row.user_id != user.pk:
        # The row changed hands meanwhile (a move, a departure, a return): its account now, which stays while the row
        # is locked.
        user = User.objects.select_for_update().get(pk=row.user_id)
    row.user = user
    return row


def _leaver_for(person: User) -> User:
    """The inactive stand-in an employer's row is left on when its person goes (no log-in, an address nobody has):
    it shows the person's name and language to that employer, and holds none of their records."""
    leaver = User(
        email=_stand_in_address(), display_name=person.display_name,
        preferred_language=person.preferred_language, is_active=False,
    )  # fmt: skip
    leaver.set_unusable_password()
    leaver.save(force_insert=True)
    return leaver


@transaction.atomic
def do_deactivate_employee(*, profile: TraineeProfile) -> TraineeProfile:
    """The person left the employer's customer-manager team: the employment ends, not the person's account.

    As with the row a move to another employer leaves behind (:func:`do_accept_employment`), the employer keeps its
    row (same id, number and address, now inactive, ``updated_at`` moved: its sync sees the departure) on an inactive
    stand-in of its own, and the row remembers who left (``left_by``, ``deactivated_by`` DEPARTED) for
    :func:`do_reactivate_employee`. The person goes on, without employer (self-funded), with their log-in, sessions,
    enrolments, results and certificates: the employer no longer sees or hears of any of them (each app's
    "this employer's rows" selector goes through the person's profile). ``user_deactivated`` is announced for the
    row's new account once this commits, as for any employee account deactivated: career ends the row's grade
    (its sweep ends that of an inactive holder whose announcement was lost).

    A stand-in awaiting its address's owner has no person to let go: its own account is deactivated, which
    withdraws the request to that owner (the link stops working), records the deactivation and announces it
    (accounts.receivers). A row inactive already changes nothing: no save, so ``updated_at`` stays (an
    ``updated_since`` sync sees no change that did not happen) and nothing is recorded again.

    Precondition: ``profile`` is an employer's employee (raises ValueError otherwise). Locks the row's account, then
    the row (:func:`_locked`).
    """
    if profile.employer_id is None:
        raise ValueError("Only an employer's employee is deactivated as one (a self-funded account: the user admin)")
    row = _locked(profile.pk)
    user = row.user
    if not user.is_active:
        return row
    if row.listed_email:  # a stand-in awaiting its address's owner
        row.deactivated_by = TraineeProfile.Deactivation.EMPLOYER  # said before the account's save (accounts.receivers)
        row.save(update_fields=["deactivated_by", "updated_at"])
        user.is_active = False
        user.save(update_fields=["is_active"])
        return row
    leaver = _leaver_for(user)
    row.user, row.listed_email = leaver, user.email
    row.deactivated_by, row.left_by = TraineeProfile.Deactivation.DEPARTED, user
    row.save(update_fields=["user", "listed_email", "deactivated_by", "left_by", "updated_at"])
    # The person's own profile from now on: no employer, and the institution that registered them still sees them.
    TraineeProfile.objects.create(user=user, registered_by_id=row.registered_by_id)
    audit.record(
        audit.Action.API_WRITE, target=row, employer=row.employer_id, summary=f"{user.email} left",
        detail={"change": "employment_ended", "person": user.pk},
    )  # fmt: skip
    send_after_commit(signals.user_deactivated, sender=User, user=leaver)
    return row


EMPLOYEE_MOVED = _(
    "This employee moved to another employer: the row they left behind stays deactivated, and reactivating it "
    "would not bring them back."
)
DEACTIVATED_BY_OFFICE = _(
    "This employee was not deactivated through your HR system (the program office did it), so only the program "
    "office can reactivate them."
)
ACCOUNT_DELETED = _(
    "The person who left this row no longer has an account on the portal, so reactivating it cannot bring them "
    "back. Register them again as a new employee."
)


@transaction.atomic
def do_reactivate_employee(*, profile: TraineeProfile, site_url: str | None = None) -> TraineeProfile:
    """The person is back in the employer's customer-manager team (or was deactivated by mistake): what
    :func:`do_deactivate_employee` did, it undoes, as the row says (``deactivated_by``).

    - A person who left (DEPARTED) comes back to the row: their account takes the row's stand-in's place (same id),
      their self-funded profile is merged into the row, and the employer sees their records again. A new log-in
      address the employer asked for meanwhile (``pending_email``) is asked of them now.
    - A stand-in whose request its deactivation withdrew (EMPLOYER) is active again and asks its address's owner
      again; so is (before migration 0028) a person's own account the employer deactivated.

    Refused (:class:`AccountError`, a conflict): ``employee_moved`` for the row a person left behind when they moved
    to another employer, or when the person who left has joined another employer since (reactivating it would
    neither bring them back nor give the employer their records again); ``deactivated_by_program_office`` for an
    employee whose account was deactivated otherwise than by the employer's HR system (the user admin, a command),
    the person's own account included (only who deactivated it decides); ``account_deleted`` when the person who
    left has no account any more. Their career grade stays ended: it reopens when the employer grades them again
    (career's ``do_set_grade``). An active employee changes nothing: no save, ``updated_at`` stays.

    Locks the person who left (if any), then the row's account and the row (:func:`_locked`), then the person's
    profile: a person before their profile, as :func:`do_accept_employment` does.
    """
    site_url = site_url if site_url is not None else links.site_url()
    left_by = TraineeProfile.objects.filter(pk=profile.pk).values_list("left_by_id", flat=True).get()
    person = User.objects.select_for_update().filter(pk=left_by).first() if left_by is not None else None
    row = _locked(profile.pk)
    if row.user.is_active:
        return row
    reason = row.deactivated_by
    if reason == TraineeProfile.Deactivation.MOVED:
        raise AccountError("employee_moved", EMPLOYEE_MOVED)
    if reason == TraineeProfile.Deactivation.DEPARTED:
        if row.left_by_id != (person.pk if person is not None else None):  # another departure meanwhile
            person = User.objects.select_for_update().filter(pk=row.left_by_id).first()
        return _resume_employment(row, person=person, site_url=site_url)
    if reason != TraineeProfile.Deactivation.EMPLOYER:
        raise AccountError("deactivated_by_program_office", DEACTIVATED_BY_OFFICE)
    row.deactivated_by = ""
    row.save(update_fields=["deactivated_by", "updated_at"])
    row.user.is_active = True
    row.user.save(update_fields=["is_active"])
    if row.listed_email:
        _ask_owner_on_commit(row, site_url)
    return row


def _resume_employment(row: TraineeProfile, *, person: User | None, site_url: str) -> TraineeProfile:
    """:func:`do_reactivate_employee` of a row its person left (locked, as ``person``)."""
    if person is None:
        raise AccountError("account_deleted", ACCOUNT_DELETED)
    if not person.is_active:
        raise AccountError("deactivated_by_program_office", DEACTIVATED_BY_OFFICE)
    own = TraineeProfile.objects.select_for_update(of=("self",)).filter(user=person).first()
    if own is not None and own.employer_id is not None:
        raise AccountError("employee_moved", EMPLOYEE_MOVED)
    if own is not None:
        own.delete()  # self-funded: merged into the row (nothing of an employer's refers to it)
    leaver = row.user
    row.user, row.listed_email, row.deactivated_by, row.left_by = person, "", "", None
    if row.pending_email == person.email:
        row.pending_email = ""  # they made it their log-in themselves meanwhile
    row.save(update_fields=["user", "listed_email", "deactivated_by", "left_by", "pending_email", "updated_at"])
    leaver.delete()
    audit.record(
        audit.Action.API_WRITE, target=row, employer=row.employer_id, summary=f"{person.email} came back",
        detail={"change": "employment_resumed", "person": person.pk},
    )  # fmt: skip
    if row.pending_email:
        # Asked meanwhile, or before they left: while they were away nobody was asked (their log-in was not the row's).
        _on_commit_task("send_email_change_request_email", row.pk, site_url)
    return row


# --- the person's consent (links mailed by the tasks, opened at accounts.employment) ---------


def _on_commit_task(name: str, profile_id: int, site_url: str) -> None:
    from . import tasks

    # The worker makes the link: no token travels through the broker.
    enqueue_on_commit(getattr(tasks, name), profile_id, site_url)


def _ask_owner_on_commit(profile: TraineeProfile, site_url: str) -> None:
    _on_commit_task("send_employment_request_email", profile.pk, site_url)


def _link(kind: str, profile: TraineeProfile, user: User, **extra: str) -> str:
    return signing.dumps({"k": kind, "p": profile.pk, "u": user.pk, "e": user.email, **extra}, salt=LINK_SALT)


def _mail(template: str, *, to: User, address: str, token: str, site_url: str, context: dict[str, Any]) -> None:
    with translation.override(to.preferred_language):
        path = reverse("accounts:employment", kwargs={"token": token})
    send_templated_mail(
        f"accounts/email/{template}",
        to=address,
        language=to.preferred_language,
        context={"user": to, "url": f"{site_url}{path}", **context},
    )


def _is_trainee_account(user: User) -> bool:
    """Only a trainee's account may move to an employer (never a staff log-in)."""
    return not user.is_staff and not user.is_superuser and not hasattr(user, "staff_membership")


def send_employment_request_mail(*, profile_id: int, site_url: str) -> bool:
    """Ask the owner of a stand-in's address to move their record to the employer; False if moot."""
    profile = TraineeProfile.objects.select_related("user", "employer").filter(pk=profile_id).first()
    if profile is None or not profile.listed_email or not profile.user.is_active:
        return False
    owner = User.objects.filter(email=profile.listed_email, is_active=True).first()
    if owner is None or not _is_trainee_account(owner):
        return False
    _mail(
        "employment_request", to=owner, address=owner.email, site_url=site_url,
        token=_link("join", profile, owner, a=profile.listed_email),
        context={"employer": profile.employer},
    )  # fmt: skip
    return True


def send_email_change_request_mail(*, profile_id: int, site_url: str) -> bool:
    """Ask a person (at their current address) whether their log-in may change to the requested one."""
    profile = _profile_changing_email(profile_id)
    if profile is None or profile.listed_email:
        return False
    _mail_about_email_change(
        profile, "email_change_request", kind="change", address=profile.user.email, site_url=site_url
    )
    return True


def send_new_email_verification_mail(*, profile_id: int, site_url: str) -> bool:
    """Mail the requested address a link that proves it reaches the person; after their confirmation."""
    profile = _profile_changing_email(profile_id)
    if profile is None:
        return False
    _mail_about_email_change(
        profile, "email_change_verify", kind="verify", address=profile.pending_email, site_url=site_url
    )
    return True


def _profile_changing_email(profile_id: int) -> TraineeProfile | None:
    """The employee whose log-in change is still asked for, or None (gone, no request, or deactivated)."""
    profile = TraineeProfile.objects.select_related("user", "employer").filter(pk=profile_id).first()
    if profile is None or not profile.pending_email or not profile.user.is_active:
        return None
    return profile


def _mail_about_email_change(profile: TraineeProfile, template: str, *, kind: str, address: str, site_url: str) -> None:
    _mail(
        template, to=profile.user, address=address, site_url=site_url,
        token=_link(kind, profile, profile.user, n=profile.pending_email),
        context={"employer": profile.employer, "new_email": profile.pending_email},
    )  # fmt: skip


@dataclass(frozen=True)
class Link:
    """A checked link: what it asks (``kind``: join, change or verify), of whom, for which employee.

    Every kind is answered only by ``user`` signed in (:func:`accounts.services.check_link_owner`): a move
    hands their training, results and certificates to an employer, a new log-in address hands the account
    to whoever holds that mailbox, and a forwarded mail is no consent to either. The link mailed to the new
    address proves that mailbox; who may change the account is proven by the log-in it has until then.
    """

    kind: str
    profile: TraineeProfile
    user: User
    new_email: str


INVALID = _("This link is not valid, or it has been used already.")


def check_link(token: str, *, lock: bool = False) -> Link:
    """The request a mailed link stands for, if it still holds; raises AccountError otherwise.

    A link works once: what it names changes when it is used (the stand-in gives way, the
    address changes), so the same link no longer matches.
    """
    data = load_link(
        token,
        salt=LINK_SALT,
        max_age=LINK_MAX_AGE,
        expired=_("This link has expired. Ask your employer to send it again."),
        invalid=INVALID,
    )
    if not isinstance(data, dict) or data.get("k") not in ("join", "change", "verify"):
        raise AccountError("link_invalid", INVALID)
    profiles = TraineeProfile.objects.select_related("user", "employer")
    users = User.objects.all()
    if lock:
        profiles = profiles.select_for_update(of=("self",))
        users = users.select_for_update()
    profile = profiles.filter(pk=data.get("p")).first()
    user = users.filter(pk=data.get("u"), email=data.get("e"), is_active=True).first()
    if profile is None or user is None or not profile.user.is_active:
        raise AccountError("link_invalid", INVALID)
    kind = data["k"]
    if kind == "join":
        if profile.listed_email != data.get("a") or profile.listed_email != user.email or profile.user_id == user.pk:
            raise AccountError("link_invalid", INVALID)
        if not _is_trainee_account(user):
            raise AccountError("link_invalid", INVALID)
        return Link(kind, profile, user, "")
    if profile.user_id != user.pk or not profile.pending_email or profile.pending_email != data.get("n"):
        raise AccountError("link_invalid", INVALID)
    return Link(kind, profile, user, profile.pending_email)


@transaction.atomic
def do_accept_employment(*, token: str, person: User) -> TraineeProfile:
    """The owner of an address, signed in as ``person``, agrees to be the employee a stand-in holds
    the place of; refused (``link_not_yours``) for anyone else.

    Their account replaces the stand-in on the employer's profile (its id stays, so the employer's
    references hold); what the employer did for the stand-in (enrolments) becomes theirs; their
    former employer's profile stays, deactivated, on a stand-in of its own, so that employer's sync
    sees the departure and no longer sees the person's records. A self-funded profile is merged away.
    Locks the profile, the person's account and their current profile.
    """
    link = check_link(token, lock=True)
    check_link_owner(owner=link.user, person=person)
    profile, person, stand_in = link.profile, link.user, link.profile.user
    former = TraineeProfile.objects.select_for_update(of=("self",)).filter(user=person).first()
    former_id = former.pk if former is not None else None
    if former is not None and former.employer_id == profile.employer_id:
        raise AccountError("link_invalid", INVALID)  # already this employer's under another number
    if former is not None:
        if not profile.registered_by_id:
            profile.registered_by_id = former.registered_by_id
        if former.employer_id is None:
            former.delete()
            former_id = None  # merged away: nothing left behind
        else:
            former.user = _leaver_for(person)
            former.listed_email = person.email
            former.pending_email = ""
            former.deactivated_by = TraineeProfile.Deactivation.MOVED
            former.save(update_fields=["user", "listed_email", "pending_email", "deactivated_by", "updated_at"])
    # Rows of employers the person left before (do_deactivate_employee): they have joined another employer since, so
    # no reactivation brings them back there; what those employers see of the rows is unchanged (no updated_at).
    TraineeProfile.objects.filter(left_by=person).update(deactivated_by=TraineeProfile.Deactivation.MOVED, left_by=None)
    # The apps above move what the stand-in holds (courses: its enrolments) and end what the profile left
    # behind held (career: its grade) in this transaction.
    signals.stand_in_replaced.send(sender=User, stand_in=stand_in, person=person, former_id=former_id)
    profile.user = person
    profile.listed_email = ""
    profile.pending_email = ""
    profile.save(update_fields=["user", "listed_email", "pending_email", "registered_by", "updated_at"])
    stand_in.delete()
    if person.email_verified_at is None:
        person.email_verified_at = timezone.now()  # the mailed link proved the address
        person.save(update_fields=["email_verified_at"])
    audit.record(
        audit.Action.API_WRITE, target=profile, employer=profile.employer_id, summary=f"{person.email} joined",
        detail={"change": "employment_accepted", "former": former_id},
    )  # fmt: skip
    return profile


@transaction.atomic
def do_confirm_email_change(*, token: str, person: User, site_url: str) -> Link:
    """The person, signed in as ``person``, agrees that their log-in may change: the new address gets its
    verification link. Refused (``link_not_yours``) for anyone else."""
    link = check_link(token, lock=True)
    if link.kind != "change":
        raise AccountError("link_invalid", INVALID)
    check_link_owner(owner=link.user, person=person)
    _on_commit_task("send_new_email_verification_email", link.profile.pk, site_url)
    return link


@transaction.atomic
def do_verify_new_email(*, token: str, person: User) -> User:
    """The link mailed to the new address was opened by the person, signed in as ``person`` with the log-in
    they have until now: the new address becomes it. Refused (``link_not_yours``) for anyone else, so
    whoever holds the new mailbox (a mistyped address's owner, a forwarded mail) cannot take the account."""
    link = check_link(token, lock=True)
    if link.kind != "verify":
        raise AccountError("link_invalid", INVALID)
    check_link_owner(owner=link.user, person=person)
    if User.objects.filter(email=link.new_email).exclude(pk=link.user.pk).exists():
        # Told to the person who holds the link mailed to the new address, and so that other account's mailbox.
        raise AccountError(
            "email_taken", _("This address is already the log-in of another account, so it cannot be added to yours.")
        )
    user, profile = link.user, link.profile
    user.email = link.new_email
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email", "email_verified_at"])
    profile.pending_email = ""
    profile.save(update_fields=["pending_email", "updated_at"])
    audit.record(
        audit.Action.API_WRITE, target=profile, employer=profile.employer_id,
        summary=f"log-in changed to {user.email}", detail={"change": "email_changed"},
    )  # fmt: skip
    return user
