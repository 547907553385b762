"""Every write of accounts: sign-up, e-mail verification, profile changes, trainee registration.

Each refusal raises :class:`AccountError` with a stable ``code`` and a translatable message.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import owed_mail
from core.errors import DomainError
from core.mail import send_templated_mail
from core.ratelimit import over_limit
from core.tasks import enqueue_each, enqueue_on_commit
from core.text_rules import refuse_address_in_name, refuse_control_characters, refuse_formula_start

from .identifiers import clean_email, normalize_email, normalize_employee_number
from .models import (
    Employer,
    EmployerMembership,
    Institution,
    OwedWelcome,
    StaffMembership,
    TraineeProfile,
    User,
    normalize_organisation_code,
)
from .phones import normalize_phone
from .scoping import (
    EMPLOYER_HR_GROUP,
    INSTITUTION_ADMIN_GROUP,
    INSTITUTION_GRADER_GROUP,
    INSTITUTION_TEACHER_GROUP,
    PROGRAM_OFFICE_GROUP,
    TRAINEE_GROUP,
    scope_to_institution,
)
from .selectors import TRAINEE_INSTITUTION_PATHS

log = logging.getLogger(__name__)

VERIFICATION_SALT = "accounts.email-verification"
VERIFICATION_MAX_AGE = 3 * 24 * 3600
SIGN_UP_NOTICE_INTERVAL = 3600  # at most one "someone tried to sign up" mail per account an hour
RESEND_INTERVAL = 600  # at most one repeated verification mail per address in ten minutes
RESEND_PER_CLIENT_HOUR = 10  # and at most this many asks from one client address an hour
RESET_INTERVAL = 600  # at most one password reset mail per account in ten minutes
# And at most this many asks from one client address an hour: an imported trainee chooses a first
# password through this form, so a whole cohort (30 seats in the demo) may ask from one classroom.
RESET_PER_CLIENT_HOUR = 50


class AccountError(DomainError):
    """Codes: link_invalid, link_expired, link_used, link_not_yours; for a trainee row (``field``
    names the column): missing, invalid, unknown_employer, employee_taken, not_yours (an
    institution's row naming an address it may not change, whatever account holds it),
    staff_address (the program office's row naming a staff account), may_not_change (an institution's row changing
    a column of an existing trainee that is not its to change: :func:`trainee_columns_kept`); for a whole file:
    not_authorized."""


NOT_YOURS = _("This link was sent to another account. Nothing was changed.")


def check_link_owner(*, owner: User, person: User | None) -> None:
    """The rule of a mailed link that acts on an account (an employer's move, a change of log-in address): only
    its ``owner``, signed in as ``person``, may answer it; anyone else holding the mail (signed out, or signed
    in as another account) is refused with ``link_not_yours`` and nothing changes. A password reset and a
    sign-up's first verification are not such links: they prove a mailbox for someone who cannot log in (a
    forgotten or never chosen password, an account not active yet), so they work signed out. The pages' side
    of the rule is :func:`accounts.link_owner.answer_unless_owner`."""
    if person is None or not person.is_authenticated or person.pk != owner.pk:
        raise AccountError("link_not_yours", NOT_YOURS)


def load_link(token: str, *, salt: str, max_age: int, expired: str | Promise, invalid: str | Promise) -> Any:
    """What the signed ``token`` of a mailed link carries (made with ``signing.dumps`` and ``salt``). Refused
    (``link_expired``, saying ``expired``) after ``max_age`` seconds, and (``link_invalid``, saying ``invalid``) for a
    token not signed so: the checks of what it carries are the caller's."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise AccountError("link_expired", expired) from None
    except signing.BadSignature:
        raise AccountError("link_invalid", invalid) from None


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFICATION_SALT)


@transaction.atomic
def do_sign_up(*, email: str, display_name: str, password: str, preferred_language: str, site_url: str) -> None:
    """A self-funded trainee account, inactive until the address is verified by the mailed link.

    The caller answers the same whatever happened here, so that sign-up tells nobody whether an
    address has an account: a taken address gets no second account, and its owner is mailed a
    notice instead (or, for a sign-up that never verified, a fresh link).
    """
    email = normalize_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        # The hashing a new account costs (most of the answer's time), spent here too: the time taken says no
        # more than the page does. Django's log-in does the same for an unknown address.
        make_password(password)
        _answer_taken_address(existing, site_url)
        return
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                display_name=display_name.strip(),
                preferred_language=preferred_language,
                is_active=False,
            )
    except IntegrityError:  # a concurrent sign-up with the same address won the race
        winner = User.objects.filter(email=email).first()
        if winner is not None:
            _answer_taken_address(winner, site_url)
        return
    TraineeProfile.objects.create(user=user)
    group, _created = Group.objects.get_or_create(name=TRAINEE_GROUP)
    user.groups.add(group)
    _send_verification(user, site_url)


def _answer_taken_address(owner: User, site_url: str) -> None:
    """Mail the owner of an address someone tried to sign up with; change nothing."""
    if owner.email_verified_at is None and not owner.is_active and owner.has_usable_password():
        # Signed up before and lost the mail: send a fresh link.
        _send_verification(owner, site_url)
        return
    # Anyone can post the form: without a cap, it would mail a person as often as a script likes.
    key = f"sign-up-notice:{owner.pk}:{owner.date_joined.timestamp()}"
    if not cache.add(key, True, timeout=SIGN_UP_NOTICE_INTERVAL):
        return
    from .tasks import send_sign_up_notice_email

    enqueue_on_commit(send_sign_up_notice_email, owner.pk, site_url)


def _send_verification(user: User, site_url: str) -> None:
    from .tasks import send_verification_email

    # The worker makes the link: no token travels through the broker.
    enqueue_on_commit(send_verification_email, user.pk, site_url)


def _link(user: User, site_url: str, url_name: str, **kwargs: str) -> str:
    """An absolute link for ``user``: the path in their language (the URLs carry it)."""
    with translation.override(user.preferred_language):
        return f"{site_url}{reverse(url_name, kwargs=kwargs or None)}"


def _mail(user: User, template: str, **context: str) -> None:
    """Mail ``user`` the ``accounts/email/<template>`` mail, in their language (text and HTML)."""
    send_templated_mail(
        f"accounts/email/{template}", to=user.email, language=user.preferred_language, context={"user": user, **context}
    )


def send_verification_mail(*, user: User, site_url: str) -> None:
    """Mail ``user`` a fresh verification link."""
    _mail(user, "verify", url=_link(user, site_url, "accounts:verify", token=verification_token(user)))


def send_password_reset_mail(*, user: User, site_url: str) -> None:
    """Mail ``user`` a link to choose a new password (Django's token: single use, expiring)."""
    _mail(user, "password_reset", url=_password_link(user, site_url))


def _password_link(user: User, site_url: str) -> str:
    """A link for ``user`` to choose a password: Django's token, which works once and for
    ``PASSWORD_RESET_TIMEOUT`` (:func:`password_link_lifetime`), and no longer once they log in or choose one."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return _link(
        user,
        site_url,
        "accounts:password_reset_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )


def password_link_lifetime(language: str | None = None) -> str:
    """How long a link to choose a password works (``PASSWORD_RESET_TIMEOUT``), in words, in ``language``
    (default: the current one): "3 days", "3 日"."""
    from datetime import timedelta

    from django.utils.timesince import timesince

    now = timezone.now()
    with translation.override(language or translation.get_language()):
        return timesince(now, now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))


def send_sign_up_notice_mail(*, user: User, site_url: str) -> None:
    """Tell the owner of an address that someone (maybe they) tried to sign up with it."""
    _mail_address_owner(user, "sign_up_notice", site_url)


def _mail_address_owner(owner: User, template: str, site_url: str) -> None:
    """Tell the owner of an address that someone tried to make it another account's log-in (``template`` says how:
    a sign-up, :mod:`accounts.address_change`), with a link to log in and one to choose a new password; the mail
    changes nothing."""
    _mail(
        owner,
        template,
        login_url=_link(owner, site_url, "accounts:login"),
        reset_url=_link(owner, site_url, "accounts:password_reset"),
    )


def check_verification_link(token: str, *, for_update: bool = False) -> User:
    """The account ``token`` verifies (a link works once and for three days), changing nothing; ``for_update``:
    its row locked until the transaction ends."""
    invalid = _("This verification link is not valid.")
    data = load_link(
        token,
        salt=VERIFICATION_SALT,
        max_age=VERIFICATION_MAX_AGE,
        expired=_("This verification link has expired. Sign up again or ask for a new link."),
        invalid=invalid,
    )
    users = User.objects.select_for_update() if for_update else User.objects
    user = users.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise AccountError("link_invalid", invalid)
    if user.email_verified_at is not None:
        raise AccountError("link_used", _("This verification link has already been used. You can log in."))
    return user


@transaction.atomic
def do_verify_email(*, token: str) -> User:
    """Activate the account the token names (:func:`check_verification_link`)."""
    user = check_verification_link(token, for_update=True)
    do_activate_proven_account(user=user)
    return user


def do_activate_proven_account(*, user: User) -> None:
    """A link mailed to the person's address was opened: the address is theirs, and the account usable."""
    user.email_verified_at = timezone.now()
    user.is_active = True
    user.save(update_fields=["email_verified_at", "is_active"])


def do_resend_verification(*, email: str, client: str, site_url: str) -> bool:
    """Mail the verification link again if ``email`` is an unverified sign-up; True if one is queued.

    The caller answers the same whatever this returns (no account enumeration). Mails are capped
    per address and asks per client address, so the form cannot be used to flood a mailbox.
    """
    email = normalize_email(email)
    if over_limit(f"resend-verification-client:{client}", limit=RESEND_PER_CLIENT_HOUR, window_seconds=3600):
        return False
    user = User.objects.filter(email=email, email_verified_at__isnull=True, is_active=False).first()
    if user is None or not user.has_usable_password():
        return False
    if not cache.add(f"resend-verification:{user.pk}", True, timeout=RESEND_INTERVAL):
        return False
    with transaction.atomic():
        _send_verification(user, site_url)
    return True


def do_request_password_reset(*, email: str, client: str, site_url: str) -> bool:
    """Mail a password reset link to the active account of ``email``; True if one is queued.

    Anyone can post the form, so the caller answers the same whatever this returns (no account
    enumeration), and mails are capped as for verification links: one per account in
    :data:`RESET_INTERVAL`, and :data:`RESET_PER_CLIENT_HOUR` asks per client address an hour.
    Accounts without a usable password are included (an imported trainee chooses a first one this
    way); unverified sign-ups stay inactive and get nothing.
    """
    email = normalize_email(email)
    if over_limit(f"password-reset-client:{client}", limit=RESET_PER_CLIENT_HOUR, window_seconds=3600):
        return False
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return False
    if not cache.add(f"password-reset:{user.pk}", True, timeout=RESET_INTERVAL):
        return False
    from .tasks import send_password_reset_email

    with transaction.atomic():
        # The worker makes the link, in the person's language: no token travels through the broker.
        enqueue_on_commit(send_password_reset_email, user.pk, site_url)
    return True


@transaction.atomic
def do_update_profile(*, user: User, display_name: str, preferred_language: str, phone: str) -> User:
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["display_name", "preferred_language"])
    profile = TraineeProfile.objects.filter(user=user).first()
    if profile is not None and profile.phone != phone:
        profile.phone = phone
        profile.save(update_fields=["phone", "updated_at"])
    return user


# --- Registering trainees (bulk import) -----------------------------------------------------

TRAINEE_COLUMNS = (
    "email", "display_name", "preferred_language", "employer", "employee_number", "branch", "manager_class", "phone",
)  # fmt: skip
REQUIRED_TRAINEE_COLUMNS = ("email", "display_name")


@dataclass(frozen=True)
class TraineeRow:
    """One checked row: clean values, the employer it names and the trainee it matches (if any)."""

    email: str
    display_name: str
    preferred_language: str
    employer: Employer | None
    employee_number: str
    branch: str
    manager_class: str
    phone: str
    profile: TraineeProfile | None
    unchanged: bool


#: What a trainee row, and the admin's forms, write of an existing person besides the log-in address.
TRAINEE_DATA_COLUMNS = (
    "display_name", "preferred_language", "employer", "employee_number", "branch", "manager_class", "phone",
)  # fmt: skip
#: The employer relationship: who employs the person, and the employer's number for them.
EMPLOYMENT_COLUMNS = ("employer", "employee_number")

EMPLOYMENT_KEPT = {
    "employer": _(
        "The employer of a person already on the portal is changed by that employer, with the person's consent, "
        "or by the program office, not by this file."
    ),
    "employee_number": _(
        "The employee number of a person already on the portal is changed by their employer or by the program "
        "office, not by this file."
    ),
}
NOT_REGISTERED = _("Your institution did not register this person, so this file cannot change this.")
# The same two reasons in the words of the trainee profile's admin page, beside its read-only fields.
EMPLOYMENT_KEPT_NOTE = _(
    "Your institution cannot change the employer or employee number of someone already on the portal: the employer "
    "does, with the person's consent, or the program office."
)
NOT_REGISTERED_NOTE = _(
    "Your institution did not register this person, so it cannot change their branch, class or phone: their "
    "employer, the institution that registered them or the program office can."
)


def trainee_columns_kept(*, profile: TraineeProfile | None, institution: Institution | None) -> dict[str, Promise]:
    """The columns of the trainee ``profile`` that ``institution``'s staff may not change, each with the refusal a
    row that changes it gets; the import (:func:`check_trainee_row`) and the admin's forms (read-only fields) both
    follow it. None is the program office, which may change every column. ``profile`` None: the profile the
    institution's staff give, in admin, an account that is on the portal already (it is stamped theirs).

    - The employer and the employee number are the employer relationship. Setting an employer shows the person's
      enrolments, results and certificates to it, which takes the person's consent (the HR API's move,
      ``accounts.employees.do_accept_employment``); changing or clearing it takes the person away from an employer
      whose HR system lists, enrols and matches them by that number. So an institution sets them only on a person
      its own file creates, never on one already on the portal, its own included (it cannot tell, nor can the
      portal, whether the employer has come to rely on what the institution once set): the employer's HR system
      and the program office change them.
    - The other details (name, language, branch, class, phone) are changed by the institution that registered
      the person (``registered_by``), not by one that merely enrols them (a person who applied, or whom their
      employer enrolled): they, their employer and the institution that registered them rely on those.

    The refusals depend only on what the institution itself knows (whether it registered the person) and on the
    values its preview shows: never on who set the employer or what kind of account it is.
    """
    if institution is None:
        return {}
    kept: dict[str, Promise] = dict(EMPLOYMENT_KEPT)
    if profile is not None and profile.registered_by_id != institution.pk:
        for column in TRAINEE_DATA_COLUMNS:
            kept.setdefault(column, NOT_REGISTERED)
    return kept


def trainee_columns_kept_notes(
    *, profile: TraineeProfile | None, institution: Institution | None
) -> dict[str, Promise]:
    """:func:`trainee_columns_kept`'s columns, each with the note the trainee profile's admin page shows beside it
    (why, and who may change it) rather than the import's refusal."""
    return {
        column: EMPLOYMENT_KEPT_NOTE if column in EMPLOYMENT_COLUMNS else NOT_REGISTERED_NOTE
        for column in trainee_columns_kept(profile=profile, institution=institution)
    }


#: What the user admin shows institution staff of an account (``accounts.admin.UserAdmin``): rights and the password
#: are the program office's, never shown them.
ACCOUNT_COLUMNS = ("email", "display_name", "preferred_language", "is_active")

#: The states of an enrolment (``courses.Enrolment``) that still tie a person to its cohort's institution: a place
#: asked for or held (its ACTIVE_STATES) and training admitted or done (its ADMITTED_STATES: the results and the
#: certificate come from it). A rejected or withdrawn one ties them to nothing. Spelled out here, since accounts is
#: below courses; a test checks they agree with the model's sets.
TRAINING_TIES = ("pending", "approved", "in_training", "completed")

# Why the user admin shows a field read-only to an institution's staff (the fieldset's note, and the refusal of a POST
# that changes "active"): one reason each, in the words of the person's page, not of the import's file.
NAME_NOT_REGISTERED = _(
    "Your institution did not register this person, so it cannot change their name or language: the person can, "
    "on their profile page, or the program office."
)
ACTIVE_EMPLOYEE = _(
    "This person is an employer's employee: whether their account is active is decided by the employer (which "
    "deactivates it when they leave its team) or by the program office."
)
ACTIVE_ELSEWHERE = _(
    "This person also trains at another institution, and the account is their way into that training too: only the "
    "program office can deactivate or reactivate it."
)
ACTIVE_NOT_OURS = _(
    "This account is not your institution's alone to deactivate or reactivate: the program office decides whether "
    "it is active."
)
ACTIVE_REFUSED = _("Nothing was saved: your institution may not change whether this account is active. %(why)s")


def account_columns_kept(*, person: User, institution: Institution | None) -> frozenset[str]:
    """The fields of ``person``'s account (:data:`ACCOUNT_COLUMNS`) that ``institution``'s staff may not change, shown
    read-only in the user admin: the log-in address, and those :func:`account_columns_kept_why` gives a reason for. None
    is the program office, which may change every one."""
    if institution is None:
        return frozenset()
    return frozenset({"email", *account_columns_kept_why(person=person, institution=institution)})


def account_columns_kept_why(*, person: User, institution: Institution | None) -> dict[str, Promise]:
    """The name, language and "active" of ``person``'s account that ``institution``'s staff may not change, each with
    why and who may (the user admin's note beside them). None is the program office, which may change every one. The
    log-in address, which no institution changes (it is where reset links go: changing it is taking the account), is
    :func:`account_columns_kept`'s, with no note: it is so of everyone.

    - The name and language: of a trainee, as :func:`trainee_columns_kept` says (the institution that registered
      them); of a person with no trainee profile, the institution whose staff member they are.
    - Whether the account is active: it is the person's way into the whole portal, not into one institution's
      cohorts, so only the institution whose person they are alone decides it: its staff member with no trainee
      profile, or a trainee it registered who has no employer and is tied to no other institution's cohort (an
      enrolment in one of :data:`TRAINING_TIES`: deactivating them would lock them out of that training, its
      results and certificate too); in no case anyone else's staff (another institution, an employer's HR, the
      program office). An employer's employee, even one the institution registered, is deactivated by the
      employer's HR system (they left its team, ``accounts.employees.do_deactivate_employee``) or by the program
      office: the employer relies on the account (its HR system lists the person, enrols them and reads their
      certificates), and a deactivation the employer did not make would look like its own. Reactivating is the
      same decision, and the same people's (:func:`check_may_set_active`).
    """
    if institution is None:
        return {}
    kept: dict[str, Promise] = {}
    profile = TraineeProfile.objects.filter(user=person).first()
    membership = StaffMembership.objects.filter(user=person).first()
    own_staff = membership is not None and membership.institution_id == institution.pk
    registered = profile is not None and profile.registered_by_id == institution.pk
    if profile is not None:
        if set(trainee_columns_kept(profile=profile, institution=institution)) & {"display_name", "preferred_language"}:
            kept["display_name"] = kept["preferred_language"] = NAME_NOT_REGISTERED
    elif not own_staff:
        kept["display_name"] = kept["preferred_language"] = NAME_NOT_REGISTERED
    someone_elses = (
        (membership is not None and not own_staff)
        or person.is_superuser
        or person.groups.filter(name=PROGRAM_OFFICE_GROUP).exists()
        or EmployerMembership.objects.filter(user=person).exists()
    )
    if not someone_elses and profile is not None and profile.employer_id is not None:
        kept["is_active"] = ACTIVE_EMPLOYEE
    elif someone_elses or (profile is None and not own_staff) or (profile is not None and not registered):
        kept["is_active"] = ACTIVE_NOT_OURS
    elif profile is not None and _trains_elsewhere(person, institution):
        kept["is_active"] = ACTIVE_ELSEWHERE
    return kept


def _trains_elsewhere(person: User, institution: Institution) -> bool:
    """Whether ``person`` is tied (:data:`TRAINING_TIES`) to a cohort of an institution other than ``institution``."""
    return person.enrolments.filter(state__in=TRAINING_TIES).exclude(cohort__institution_id=institution.pk).exists()


def check_may_set_active(*, person: User, institution: Institution | None, active: bool) -> None:
    """Refuse (``may_not_change``, field ``is_active``) ``institution``'s staff making ``person``'s account ``active``
    or not when that changes it and :func:`account_columns_kept_why` keeps it from them, saying why and who may. The
    one check of every way an institution's staff could change it (the user admin's change form, today its only one:
    its actions, the import and the trainee profile's page never change it). None, the program office: never."""
    if active == person.is_active:
        return
    why = account_columns_kept_why(person=person, institution=institution).get("is_active")
    if why is not None:
        raise AccountError("may_not_change", ACTIVE_REFUSED % {"why": why}, field="is_active")


def _stored_columns(profile: TraineeProfile) -> dict[str, object]:
    """The values of :data:`TRAINEE_DATA_COLUMNS` as ``profile`` stores them (the employer by id)."""
    return {
        "display_name": profile.user.display_name, "preferred_language": profile.user.preferred_language,
        "employer": profile.employer_id, "employee_number": profile.employee_number, "branch": profile.branch,
        "manager_class": profile.manager_class, "phone": profile.phone,
    }  # fmt: skip


def check_may_register_trainees(*, institution: Institution | None) -> None:
    """An institution whose authorization lapsed keeps its trainees but registers no new ones."""
    if institution is not None and not institution.is_authorized_on():
        raise AccountError(
            "not_authorized",
            _("%(institution)s is not authorized today, so it cannot register trainees.")
            % {"institution": institution},
        )


class TraineeRowErrors(AccountError):
    """Every refusal of one trainee row, so that a file's author fixes a row once.

    ``code`` and ``field`` are the first refusal's (for callers that read one); ``errors`` holds all.
    """

    def __init__(self, errors: list[AccountError]) -> None:
        first = errors[0]
        super().__init__(first.code, first.message, field=first.field)
        self.errors = errors

    def by_column(self) -> dict[str, list[str]]:
        """The messages of each column, in the order they were found."""
        columns: dict[str, list[str]] = {}
        for error in self.errors:
            columns.setdefault(error.field or "email", []).append(str(error.message))
        return columns


def check_trainee_row(*, values: Mapping[str, object], institution: Institution | None) -> TraineeRow:
    """Check one row of a trainee file and find the trainee it names.

    A row matches an existing trainee by employer + employee number, else by e-mail. Institution
    staff (``institution`` set) may only update trainees their institution registered or enrols
    (the admin's rule, :data:`selectors.TRAINEE_INSTITUTION_PATHS`); any other address that has an
    account is refused alike, never saying whose or what kind of account it is. None is the program
    office, which may update any trainee (it sees them all) but no staff account. Raises
    :class:`TraineeRowErrors` (an :class:`AccountError`) with every refusal of the row, each naming
    its column in ``field``. For a trainee the row updates, a column absent from ``values`` (the
    file lacks it) and a blank language keep what is stored, and an institution's row that changes a
    column :func:`trainee_columns_kept` keeps from it is refused there (``may_not_change``): an
    employer or employee number on anyone already on the portal, any detail of a person it only enrols.
    """
    errors: list[AccountError] = []

    def refuse(code: str, message: str | Promise, column: str) -> None:
        errors.append(AccountError(code, message, field=column))

    refused: set[str] = set()  # a column refused once is not checked further
    clean = {key: str(values.get(key) or "").strip() for key in TRAINEE_COLUMNS}
    try:
        email = clean["email"] = clean_email(clean["email"])
    except ValidationError as error:
        email = ""
        refuse("invalid", error.messages[0], "email")
        refused.add("email")
    else:
        if not email:
            refuse("missing", _("Every row needs an e-mail address."), "email")
            refused.add("email")
    for column in ("display_name", "employee_number", "branch", "phone"):
        try:
            (refuse_address_in_name if column == "display_name" else refuse_control_characters)(clean[column])
            if column == "branch":
                refuse_formula_start(clean[column])
        except ValidationError as error:
            refuse("invalid", error.messages[0], column)
            refused.add(column)
    clean["employee_number"] = normalize_employee_number(clean["employee_number"])
    if "phone" not in refused:
        try:
            clean["phone"] = normalize_phone(clean["phone"])
        except ValidationError as error:
            refuse("invalid", error.messages[0], "phone")
            refused.add("phone")
    if "display_name" not in refused and not clean["display_name"]:
        refuse("missing", _("Every row needs a name."), "display_name")
        refused.add("display_name")
    for column, model in (("email", User), ("display_name", User), ("employee_number", TraineeProfile),
                          ("branch", TraineeProfile), ("phone", TraineeProfile)):  # fmt: skip
        limit = getattr(model._meta.get_field(column), "max_length", None)
        if column not in refused and limit and len(clean[column]) > limit:
            refuse("invalid", _("At most %(limit)s characters.") % {"limit": limit}, column)
            refused.add(column)
    language = clean["preferred_language"].lower() or settings.LANGUAGE_CODE
    if language not in {code for code, _name in settings.LANGUAGES}:
        refuse("invalid", _("The language must be zh-hant or en."), "preferred_language")
        refused.add("preferred_language")
    if clean["manager_class"] and clean["manager_class"] not in TraineeProfile.ManagerClass.values:
        refuse("invalid", _("The class must be personal, corporate or comprehensive."), "manager_class")
        refused.add("manager_class")
    employer = None
    if clean["employer"]:
        employer = employer_by_code(clean["employer"])
        if employer is None:
            refuse("unknown_employer", _("There is no employer %(code)s.") % {"code": clean["employer"]}, "employer")
            refused.add("employer")
    if clean["employee_number"] and employer is None and "employer" not in refused:
        refuse("invalid", _("An employee number needs an employer."), "employee_number")
        refused.add("employee_number")

    # Whom the row names: only from an address and a number that are themselves fine.
    profile = None
    if "email" not in refused and "employee_number" not in refused:
        profile, refusal = _match_trainee(email, employer, clean["employee_number"], institution)
        if refusal is not None:
            errors.append(refusal)
    unchanged = False
    if profile is not None:
        # A column the file does not have (or a blank language) leaves what is stored: a file of
        # names and cohorts must not clear the phones, branches and employers of people it updates.
        stored = _stored_columns(profile)
        for column in ("employee_number", "branch", "manager_class", "phone"):
            if column not in values:
                clean[column] = str(stored[column])
        if "employer" not in values:
            employer = profile.employer
        if not clean["preferred_language"]:
            language = profile.user.preferred_language
        row = {**clean, "preferred_language": language, "employer": employer.pk if employer else None}
        # What the institution may not change (trainee_columns_kept), each column it would change refused; a
        # column refused already is not refused again.
        for column, why in trainee_columns_kept(profile=profile, institution=institution).items():
            if column not in refused and row[column] != stored[column]:
                refuse("may_not_change", why, column)
        unchanged = all(row[column] == stored[column] for column in TRAINEE_DATA_COLUMNS)
    if errors:
        raise TraineeRowErrors(errors)
    return TraineeRow(
        email=email, display_name=clean["display_name"], preferred_language=language, employer=employer,
        employee_number=clean["employee_number"], branch=clean["branch"], manager_class=clean["manager_class"],
        phone=clean["phone"], profile=profile, unchanged=unchanged,
    )  # fmt: skip


def _match_trainee(
    email: str, employer: Employer | None, employee_number: str, institution: Institution | None
) -> tuple[TraineeProfile | None, AccountError | None]:
    """The trainee a row names (by employer + employee number, else by e-mail), or why it may not."""
    profiles = TraineeProfile.objects.select_related("user", "employer")
    profile = None
    if employer is not None and employee_number:
        profile = profiles.filter(employer=employer, employee_number=employee_number).first()
        if profile is not None and profile.user.email != email:
            return None, AccountError(
                "employee_taken",
                _("This employee number belongs to another person at this employer."),
                field="employee_number",
            )
    if profile is None:
        profile = profiles.filter(user__email=email).first()
    if profile is None and not User.objects.filter(email=email).exists():
        return None, None  # a new person
    if institution is None:
        # The program office sees every trainee, so its file may update any; a staff account is no trainee.
        if profile is None:
            return None, AccountError(
                "staff_address", _("This address belongs to a staff account, not a trainee."), field="email"
            )
        return profile, None
    # An institution changes only the people it registered or enrols. Anyone else (a self-funded
    # sign-up, another institution's or the program office's trainee, an employer's employee, a
    # staff account) gets one answer, so a file cannot be used to learn what an address is.
    if profile is None or not _reaches(profile, institution):
        return None, AccountError(
            "not_yours",
            _(
                "This address belongs to an account your institution did not register and does not enrol, "
                "so this file cannot change it."
            ),
            field="email",
        )
    return profile, None


def _reaches(profile: TraineeProfile, institution: Institution) -> bool:
    """Whether ``institution`` registered or enrols the trainee: the rule its staff see trainees by in admin."""
    mine = TraineeProfile.objects.filter(pk=profile.pk)
    return scope_to_institution(mine, institution, TRAINEE_INSTITUTION_PATHS).exists()


def apply_trainee_row(*, profile: TraineeProfile, row: TraineeRow, institution: Institution | None) -> None:
    """Put a checked row's values on ``profile`` (a new one gets a new, unsaved user); saves nothing.

    The importing institution is stamped as ``registered_by`` only on a person the file creates:
    updating a trainee it enrols does not make it their registering institution (the enrolment
    already shows them to it, and only for as long as that lasts).
    """
    if profile.pk is None:
        profile.user = User(email=row.email, display_name=row.display_name, preferred_language=row.preferred_language)
        profile.registered_by = institution
    else:
        profile.user.display_name = row.display_name
        profile.user.preferred_language = row.preferred_language
    profile.employer = row.employer
    profile.employee_number = row.employee_number
    profile.branch = row.branch
    profile.manager_class = row.manager_class
    profile.phone = row.phone


@transaction.atomic
def do_register_trainee(*, profile: TraineeProfile) -> TraineeProfile:
    """Save a trainee prepared by :func:`apply_trainee_row`.

    A new person gets an account without a usable password (they choose one through the
    password reset link, which also proves the address) and the trainee role; the import then mails
    them that link (:func:`welcome_on_commit`). The database's unique constraints settle two imports
    of the same person racing each other.
    """
    user = profile.user
    if user.pk is None:
        user.set_unusable_password()
        user.save(force_insert=True)
        profile.user = user
        user.groups.add(Group.objects.get_or_create(name=TRAINEE_GROUP)[0])
    else:
        user.save(update_fields=["display_name", "preferred_language"])
    profile.save()
    return profile


# A welcome still owed this long after the person was created was lost (a broker outage, a mail server that kept
# refusing): the sweep enqueues it again. Sooner, the on-commit enqueue may still be on its way. Owed longer than the
# window, the sweep gives it up, logged (an address the mail server refuses for good is not tried forever; the
# person still has "Forgot your password?").


def welcome_on_commit(*, profile: TraineeProfile, cohort_names: Mapping[str, str] | None = None) -> None:
    """The import's: :func:`welcome_all_on_commit` for the person a row created (the cohort an enrolment import
    enrolled them in, ``cohort_names``)."""
    welcome_all_on_commit(profiles=[profile], cohort_names=cohort_names)


def welcome_all_on_commit(
    *,
    profiles: Sequence[TraineeProfile],
    cohort_names: Mapping[str, str] | None = None,
    by_employer: bool = False,
) -> None:
    """Owe the people just registered (``profiles``, saved: an import's, by :func:`do_register_trainee`; the HR
    API's, accounts.employees) the welcome mail (:func:`send_welcome_mail`: who registered them and a link to choose
    their first password), and enqueue it once the transaction commits; nothing if it rolls back.

    What is owed is recorded in this transaction (one :class:`OwedWelcome` row each, in one INSERT), with what the
    mail names beyond the account: the cohort an enrolment import enrolled them in (``cohort_names``: each
    language's code -> the cohort's name in it), or that their employer registered them (``by_employer``). So a
    lost enqueue is found again by :func:`do_sweep_owed_welcomes` (the contract of ``core.tasks.enqueue_on_commit``).
    A person owed one already keeps that one (a new employee the employer gave another account's address, then a
    free one, before the mail went out): it goes to the address they have then.
    """
    from .tasks import send_welcome_email

    details: dict[str, Any] = {}
    if cohort_names:
        details["cohort"] = dict(cohort_names)
    if by_employer:
        details["employer"] = True
    OwedWelcome.objects.bulk_create(
        [OwedWelcome(profile=profile, details=details) for profile in profiles], ignore_conflicts=True
    )
    # The worker makes the link, in the person's language, and reads what the mail names from the row: no token
    # travels through the broker, and the sweep's message is the same as this one.
    for profile in profiles:
        enqueue_on_commit(send_welcome_email, profile.user_id, settings.SITE_URL.rstrip("/"))


def _welcome_is_moot(user: User) -> bool:
    """The welcome's link would not work, or would reach nobody: the account was deactivated, its owner chose a
    password or logged in, or its address is under ``.invalid`` (a stand-in's, a placeholder)."""
    return (
        not user.is_active
        or user.last_login is not None
        or user.has_usable_password()
        or user.email.endswith(".invalid")
    )


@transaction.atomic
def send_welcome_mail(*, user_id: int, site_url: str) -> bool:
    """Mail the welcome the person is owed (:func:`welcome_all_on_commit`): who registered them (their employer, the
    institution, or the program office), in which cohort an enrolment import enrolled them, their log-in and a fresh
    link to choose their first password, how long it works and that "Forgot your password?" gives a new one; in
    their language. Returns whether a mail went out.

    Once: the :class:`OwedWelcome` row is claimed (``core.owed_mail.claim``) and the mail sent in one transaction.
    Only a worker lost between the mail server's acceptance and the commit mails twice: a second mail, never a wrong
    one (a link of its own; the registering institution or employer read as it is now).

    A welcome that became moot (:func:`_welcome_is_moot`) is cleared without a mail."""
    owed = owed_mail.claim(
        OwedWelcome.objects.select_related("profile__user", "profile__registered_by", "profile__employer").filter(
            profile__user_id=user_id
        )
    )
    if owed is None:
        return False
    profile = owed.profile
    user = profile.user
    if _welcome_is_moot(user):
        return False
    details = owed.details or {}
    names: dict[str, str] = details.get("cohort") or {}
    language = user.preferred_language
    send_templated_mail(
        "accounts/email/welcome",
        to=user.email,
        language=language,
        context={
            "user": user,
            "employer": profile.employer if details.get("employer") else None,
            "institution": profile.registered_by,
            "cohort": names.get(language) or next(iter(names.values()), ""),
            "url": _password_link(user, site_url),
            "reset_url": _link(user, site_url, "accounts:password_reset"),
            "valid_for": password_link_lifetime(language),
        },
    )
    return True


def do_sweep_owed_welcomes(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Beat: enqueue again the welcome mails still owed :data:`core.owed_mail.SWEEP_AFTER` after the person was created
    (their on-commit enqueue lost to a broker outage, or a mail server that kept refusing); the number enqueued.
    Idempotent: the task claims the row, so a welcome already on its way is not mailed twice. One owed longer than
    :data:`core.owed_mail.GIVE_UP_AFTER` is given up (deleted, logged)."""
    from .tasks import send_welcome_email

    sweep = "welcome mail sweep"
    owed = owed_mail.due(OwedWelcome, now=now or timezone.now(), sweep=sweep, logger=log)
    people = owed.values_list("profile__user_id", flat=True)[:limit]
    return enqueue_each(send_welcome_email, people, settings.SITE_URL.rstrip("/"), sweep=sweep, logger=log)


def do_end_sessions(*, user: User, keep: str | None = None) -> int:
    """Delete every session of ``user`` (deactivation, a forced log-out); returns how many. ``keep``: the key of
    a session that stays (the person's own, after they changed their password or log-in address there)."""
    from .models import UserSession

    sessions = UserSession.objects.filter(user_id=user.pk)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    deleted, _ = sessions.delete()
    return deleted


def employer_by_code(code: str) -> Employer | None:
    """The employer ``code`` names, read in the form codes are stored in
    (:func:`accounts.models.normalize_organisation_code`): ``BANK-A``, ``Bank-A`` and ``ｂａｎｋ－ａ`` all name bank-a.
    None for an empty or unknown code."""
    normal = normalize_organisation_code(code)
    return Employer.objects.filter(code=normal).first() if normal else None


def check_may_appoint_hr_staff(*, person: User, employer: Employer, membership_pk: int | None = None) -> None:
    """Whether the program office may make ``person`` one of ``employer``'s HR staff (``membership_pk``: the
    membership being changed, None for a new one). Raises :class:`AccountError` (field ``user``) when they are:

    - a trainee (a trainee profile: ``hr_staff_trainee``): HR staff keep their bank's register of its managers in
      the admin, behind a second factor; a trainee's own log-in would be diverted there, and an employee would
      keep the register of their colleagues. HR staff need an account of their own.
    - an institution's staff member (``hr_staff_institution``): their admin is their institution's.
    - a superuser (``hr_staff_superuser``) or program office staff (``hr_staff_program_office``): they see every
      employer's register, and an HR staff member sees one employer's only; which one a person holding both would
      see differs from page to page. Removing the HR staff role would take their staff status too.
    - already HR staff of an employer (``hr_staff_taken``): one employer each (one membership per person);
      moving them to another employer is a change of that membership.
    """
    if TraineeProfile.objects.filter(user=person).exists():
        raise AccountError(
            "hr_staff_trainee",
            _(
                "%(person)s is a trainee (they have a trainee profile), so they cannot also be an employer's HR staff "
                "member. HR staff need an account of their own, without a trainee profile."
            )
            % {"person": person},
            field="user",
        )
    staff = StaffMembership.objects.select_related("institution").filter(user=person).first()
    if staff is not None:
        raise AccountError(
            "hr_staff_institution",
            _(
                "%(person)s is a staff member of %(institution)s, so they cannot also be an employer's HR staff "
                "member. HR staff need an account of their own."
            )
            % {"person": person, "institution": staff.institution},
            field="user",
        )
    if person.is_superuser:
        raise AccountError(
            "hr_staff_superuser",
            _(
                "%(person)s is a superuser and sees every employer's register, so they cannot also be one employer's "
                "HR staff member. HR staff need an account of their own."
            )
            % {"person": person},
            field="user",
        )
    if person.groups.filter(name=PROGRAM_OFFICE_GROUP).exists():
        raise AccountError(
            "hr_staff_program_office",
            _(
                "%(person)s is program office staff and sees every employer's register, so they cannot also be one "
                "employer's HR staff member. HR staff need an account of their own."
            )
            % {"person": person},
            field="user",
        )
    memberships = EmployerMembership.objects.select_related("employer").filter(user=person)
    if membership_pk is not None:
        memberships = memberships.exclude(pk=membership_pk)
    taken = memberships.first()
    if taken is not None:
        raise AccountError(
            "hr_staff_taken",
            _(
                "%(person)s is already HR staff of %(employer)s. A person is HR staff of one employer only: to move "
                "them, change that entry's employer."
            )
            % {"person": person, "employer": taken.employer},
            field="user",
        )


@transaction.atomic
def do_appoint_hr_staff(*, membership: EmployerMembership) -> EmployerMembership:
    """Save ``membership`` (new, or changed by the program office) once :func:`check_may_appoint_hr_staff` allows
    it, and give its person what an HR staff member needs: staff status (the admin, behind a second factor) and the
    ``employer HR staff`` group (the register's permissions). The membership is saved first, so that a person
    without staff status has their sessions ended (accounts.second_factor.receivers) and logs in again with the
    second factor.

    An entry changed to name another person removes the one it named before (:func:`do_remove_hr_staff`'s rule);
    both people's rows are locked, in id order."""
    before = None
    if membership.pk is not None:
        before = EmployerMembership.objects.filter(pk=membership.pk).values_list("user_id", flat=True).first()
    people = {
        p.pk: p
        for p in User.objects.select_for_update().filter(pk__in={membership.user_id, before} - {None}).order_by("pk")
    }
    person = people[membership.user_id]
    check_may_appoint_hr_staff(person=person, employer=membership.employer, membership_pk=membership.pk)
    membership.save()
    hr_group = Group.objects.get_or_create(name=EMPLOYER_HR_GROUP)[0]
    person.groups.add(hr_group)
    if not person.is_staff:
        person.is_staff = True
        person.save(update_fields=["is_staff"])
    if before is not None and before != person.pk:
        _take_back_hr_staff(people[before], hr_group=hr_group)
    return membership


# The staff roles besides an employer's HR staff, by their groups (accounts.second_factor.services.STAFF_GROUPS
# but the HR group): a person in one keeps staff status when they stop being HR staff.
OTHER_STAFF_GROUPS = (
    PROGRAM_OFFICE_GROUP,
    INSTITUTION_ADMIN_GROUP,
    INSTITUTION_GRADER_GROUP,
    INSTITUTION_TEACHER_GROUP,
)


def has_staff_role_besides_hr(person: User) -> bool:
    """Whether ``person`` needs staff status for a role other than an employer's HR staff: a superuser, program office
    staff, or an institution's staff member (a membership, or one of the institution staff groups)."""
    return (
        person.is_superuser
        or StaffMembership.objects.filter(user=person).exists()
        or person.groups.filter(name__in=OTHER_STAFF_GROUPS).exists()
    )


@transaction.atomic
def do_remove_hr_staff(*, memberships: Iterable[EmployerMembership]) -> None:
    """Delete ``memberships`` (the admin's delete, one or the selected ones) and take from each person what
    :func:`do_appoint_hr_staff` gave: the ``employer HR staff`` group, and staff status unless they still need it
    for another role (:func:`has_staff_role_besides_hr`). All or none.

    Locks the people's rows in id order, as the appointment locks its person's, so that an appointment and a removal
    of one person run one after the other; a person appointed again since (a membership other than the one deleted)
    keeps both. Roles are read on every request (accounts.sessions): the person's next request has no admin and no
    register."""
    memberships = list(memberships)
    people = list(User.objects.select_for_update().filter(pk__in={m.user_id for m in memberships}).order_by("pk"))
    EmployerMembership.objects.filter(pk__in=[m.pk for m in memberships]).delete()
    still = set(EmployerMembership.objects.filter(user__in=people).values_list("user_id", flat=True))
    hr_group = Group.objects.filter(name=EMPLOYER_HR_GROUP).first()
    for person in people:
        if person.pk not in still:
            _take_back_hr_staff(person, hr_group=hr_group)


def _take_back_hr_staff(person: User, *, hr_group: Group | None) -> None:
    """What :func:`do_appoint_hr_staff` gave ``person`` (no longer HR staff; row locked by the caller), taken back."""
    if hr_group is not None:
        person.groups.remove(hr_group)
    if person.is_staff and not has_staff_role_besides_hr(person):
        person.is_staff = False
        person.save(update_fields=["is_staff"])
