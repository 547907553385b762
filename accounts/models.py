from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.constraints import ends_not_before_start
from core.fields import acting_user, optional_link
from core.models import OwedMail, SyncedTimestamped, Timestamped
from core.text_rules import refuse_address_in_name, refuse_control_characters, refuse_formula_start
from core.times import local_with_offset

from .bilingual import Bilingual, InCurrentLanguage
from .identifiers import EmployeeNumberField, normalize_code, normalize_email
from .phones import PhoneNumberField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """Stored addresses are normalised once (accounts.identifiers), so lookups match exactly."""
        return normalize_email(email)

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=normalize_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    One display name, written as the person writes it: Chinese names do not split into
    first and last name the way the Django default assumes.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, validators=[refuse_address_in_name])
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Whether the user can log into the admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Self sign-ups stay inactive until the address is verified; accounts made by staff or
    # imports are verified through the password-set link they receive.
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("A person with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>" if self.display_name else self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Whether the stored row was active, so that a save can tell a deactivation (receivers).
        instance._stored_is_active = instance.__dict__.get("is_active")
        return instance

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args: object, **kwargs: object) -> None:
        # Whatever made the row (sign-up, import, HR API, admin, a factory), the stored address is
        # normalised, so every lookup is an exact match on accounts.identifiers.normalize_email.
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


def normalize_organisation_code(value: object) -> str:
    """An institution's or an employer's code in the one form it is stored and compared in:
    :func:`accounts.identifiers.normalize_code` (trimmed, full-width forms folded) and lower-cased, as the demo's
    ``inst-a`` and ``bank-a`` are. So ``BANK-A``, ``Bank-A`` and ``ｂａｎｋ－ａ`` are all bank-a (the trainee import's
    ``employer`` column names the employer by it), and two institutions or two employers cannot have codes that
    differ only in case (:func:`case_blind_code`)."""
    return normalize_code(value).lower()


def case_blind_code(kind: str, *, taken: Promise, stored: Promise) -> list[models.BaseConstraint]:
    """The database's half of :func:`normalize_organisation_code` for one kind of organisation (``kind``: the
    model's name, ``institution`` or ``employer``): ``<kind>_code_ci_unique`` refuses a second code that differs from
    one stored only in case (``taken`` says so, naming the kind), ``<kind>_code_lower_case`` a code in another form
    than the one :meth:`Organisation.save` stores (``stored``)."""
    return [
        models.UniqueConstraint(Lower("code"), name=f"{kind}_code_ci_unique", violation_error_message=taken),
        models.CheckConstraint(
            condition=models.Q(code=Lower("code")), name=f"{kind}_code_lower_case", violation_error_message=stored
        ),
    ]


class Organisation(Bilingual, Timestamped):
    """What institutions and employers have alike: a code, a name in both languages, and timestamps.

    The code is normalised on every write (:meth:`clean` for the admin's form, :meth:`save` for everything else) by
    :func:`normalize_organisation_code`; each kind's :func:`case_blind_code` constraints refuse a code in any other
    form and a second code that differs from one stored only in case.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("name (zh-Hant)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name = InCurrentLanguage()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.code = normalize_organisation_code(self.code)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code = normalize_organisation_code(self.code)
        super().save(*args, **kwargs)

    def validate_unique(self, exclude: Any = None) -> None:
        # A taken code is said once, by ``<kind>_code_ci_unique`` (which covers the exact match too), not
        # also by the field's own "already exists".
        super().validate_unique(exclude={*(exclude or ()), "code"})


class Institution(Organisation):
    """An authorized training institution (授權機構).

    An institution whose authorization lapsed keeps its history but cannot start new work:
    callers ask :meth:`is_authorized_on` before opening cohorts or sittings.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    authorization_number = models.CharField(_("authorization number"), max_length=50, unique=True)
    authorized_from = models.DateField(_("authorized from"))
    authorized_until = models.DateField(_("authorized until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)

    class Meta(Organisation.Meta):
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            ends_not_before_start(
                "authorized_from",
                "authorized_until",
                name="institution_authorization_period_ordered",
                message=_("The authorization cannot end before it starts."),
            ),
            *case_blind_code(
                "institution",
                taken=_(
                    "Another institution has this code. Codes are read without regard to case (INST-A is inst-a), "
                    "so choose another code."
                ),
                stored=_("An institution's code is stored in lower case."),
            ),
        ]

    def is_authorized_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.authorized_from <= day <= self.authorized_until


class Employer(Organisation):
    """A bank, or a branch of one (``parent``), that employs customer managers. Its code is one identifier whatever
    its case (:class:`Organisation`): the trainee import's ``employer`` column names it so."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="branches", verbose_name=_("head office")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Organisation.Meta):
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = case_blind_code(
            "employer",
            taken=_(
                "Another employer has this code. Codes are read without regard to case (BANK-A is bank-a), "
                "so choose another code."
            ),
            stored=_("An employer's code is stored in lower case."),
        )


def _one_per_person(related_name: str) -> models.OneToOneField[Any, Any]:
    """The person a membership or profile row belongs to: one row per person, gone with their account."""
    return models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name=related_name, verbose_name=_("user")
    )


class StaffMembership(models.Model):
    """Institution staff belong to exactly one institution (one row per user).

    A teacher is named on the training sessions they teach (``courses.TrainingSession.teacher_person``)
    and sees, in admin, only those sessions and their cohorts (``accounts.scoping``).
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("institution admin")
        GRADER = "grader", _("institution grader")
        TEACHER = "teacher", _("institution teacher")

    user = _one_per_person("staff_membership")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="staff", verbose_name=_("institution")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("institution staff member")
        verbose_name_plural = _("institution staff")

    def __str__(self) -> str:
        return f"{self.user} · {self.institution} ({self.get_role_display()})"


class EmployerMembership(models.Model):
    """Employer HR staff belong to exactly one employer (one row per user); they see its register only."""

    user = _one_per_person("employer_membership")
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="hr_staff", verbose_name=_("employer")
    )

    class Meta:
        verbose_name = _("employer HR staff member")
        verbose_name_plural = _("employer HR staff")

    def __str__(self) -> str:
        return f"{self.user} · {self.employer}"


class EmployeeDeactivation(models.TextChoices):
    """Why an employee row is inactive, which decides who may reactivate it (accounts.employees); empty while
    it is active. Written with every deactivation and reactivation, never in a form (``editable=False``)."""

    #: The employer's HR system deactivated the row's own account: a stand-in awaiting its address's owner
    #: (and, before migration 0028, a person's account, which reactivating turns on again).
    EMPLOYER = "employer", _("the employer")
    #: The employer's HR system ended the employment: the person went on with their own account, without
    #: employer (``left_by``); the row is on an inactive stand-in of its own.
    DEPARTED = "departed", _("the employer: the person left")
    #: The person moved to another employer (accounts.employees.do_accept_employment); the row is on an
    #: inactive stand-in of its own and nobody reactivates it.
    MOVED = "moved", _("the person's move to another employer")
    #: The account itself was deactivated (the user admin, a command): only whoever may do that reactivates it.
    ACCOUNT = "account", _("the deactivation of the account")


class TraineeProfile(SyncedTimestamped):
    """What the program knows of a trainee beyond the log-in; employer is empty when self-funded."""

    class ManagerClass(models.TextChoices):
        PERSONAL = "personal", _("personal")
        CORPORATE = "corporate", _("corporate")
        COMPREHENSIVE = "comprehensive", _("comprehensive")

    user = _one_per_person("trainee_profile")
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="employees", verbose_name=_("employer")
    )
    employee_number = EmployeeNumberField(
        _("employee number"), max_length=50, blank=True, validators=[refuse_control_characters]
    )
    branch = models.CharField(
        _("branch"), max_length=200, blank=True, validators=[refuse_control_characters, refuse_formula_start]
    )
    manager_class = models.CharField(
        _("customer-manager class"), max_length=20, choices=ManagerClass.choices, blank=True
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    # The institution that registered or imported the trainee sees them before any enrolment.
    registered_by = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_trainees",
        verbose_name=_("registered by"),
    )
    # The HR API's addresses (accounts.employees). ``listed_email`` is set while ``user`` is a
    # stand-in without log-in: the employer gave an address another account owns (pending that
    # owner's consent to move here), or the person left the employer or moved to another one (the
    # stand-in is then inactive). ``pending_email``: a new log-in address the employer asked for, awaiting the person.
    listed_email = models.EmailField(_("address given by the employer"), blank=True, db_index=True)
    pending_email = models.EmailField(_("requested new address"), blank=True)

    Deactivation = EmployeeDeactivation

    deactivated_by = models.CharField(
        _("deactivated by"), max_length=20, choices=EmployeeDeactivation.choices, blank=True, editable=False
    )
    # Who left the employer's row (``deactivated_by`` DEPARTED): the person a reactivation brings back. Empty once
    # their account is gone, and for every other row.
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="employments_left",
        verbose_name=_("person who left"),
    )

    class Meta:
        verbose_name = _("trainee profile")
        verbose_name_plural = _("trainee profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "employee_number"],
                condition=models.Q(employer__isnull=False) & ~models.Q(employee_number=""),
                name="trainee_employee_number_unique_per_employer",
                violation_error_message=_("This employer already has an employee with this employee number."),
            ),
            models.CheckConstraint(
                condition=models.Q(employer__isnull=False) | models.Q(employee_number=""),
                name="trainee_employee_number_needs_employer",
                violation_error_message=_("An employee number needs an employer."),
            ),
            models.CheckConstraint(
                condition=models.Q(employee_number=Upper("employee_number")),
                name="trainee_employee_number_normalized",
                violation_error_message=_("An employee number is stored in capitals."),
            ),
            models.CheckConstraint(
                condition=models.Q(deactivated_by__in=["", *EmployeeDeactivation.values]),
                name="trainee_deactivated_by_known",
                violation_error_message=_("Why the employee is deactivated is not one of the known reasons."),
            ),
            models.CheckConstraint(
                condition=models.Q(left_by__isnull=True) | models.Q(deactivated_by=EmployeeDeactivation.DEPARTED),
                name="trainee_left_by_only_when_departed",
                violation_error_message=_("Only an employee who left the employer names the person who left."),
            ),
        ]

    def __str__(self) -> str:
        if self.listed_email:
            # A row on a stand-in (awaiting its address's owner, or left by its person) reads as its employer knows
            # it, by the address it gave, not by the stand-in's address that reaches nobody.
            name = self.user.display_name
            return f"{name} <{self.listed_email}>" if name else self.listed_email
        return str(self.user)


class OwedWelcome(OwedMail):
    """The welcome mail a person an import or the HR API registered is owed (accounts.services.welcome_all_on_commit),
    sent by accounts.services.send_welcome_mail (:class:`core.models.OwedMail`: a broker outage loses nothing)."""

    profile = models.OneToOneField(
        TraineeProfile,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="owed_welcome",
        verbose_name=_("trainee profile"),
    )
    # What the mail names beyond the account: the cohort an enrolment import enrolled them in ("cohort": each
    # language's code -> the cohort's name in it), or that their employer registered them ("employer": true).
    details = models.JSONField(_("what the mail names"), default=dict, blank=True)

    class Meta:
        verbose_name = _("welcome mail owed")
        verbose_name_plural = _("welcome mails owed")

    def __str__(self) -> str:
        return str(self.profile_id)


class AuditEvent(models.Model):
    """One security-relevant event: who did what, for which institution or employer, in which request.

    Written through :func:`accounts.audit.record` only, in the transaction of the change it
    describes; nobody edits or deletes a row (the admin is read-only, for the program office).
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("failed log-in")
        LOCKED_OUT = "locked_out", _("locked out")
        LOGOUT = "logout", _("logged out")
        ACCESS_REFUSED = "access_refused", _("access refused")
        USER_DEACTIVATED = "user_deactivated", _("user deactivated")
        GRADE_CHANGED = "grade_changed", _("grade changed")
        CERTIFICATE_STATUS = "certificate_status", _("certificate status changed")
        ENROLMENT_STATE = "enrolment_state", _("enrolment state changed")
        API_CLIENT_CHANGED = "api_client_changed", _("API client changed")
        API_WRITE = "api_write", _("HR API write")
        ADMIN_EXPORT = "admin_export", _("admin export")
        ADMIN_IMPORT = "admin_import", _("admin import")
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("second factor set up")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
        SECOND_FACTOR_RESET = "second_factor_reset", _("second factor reset")
        PASSKEY_ADDED = "passkey_added", _("passkey added")
        PASSKEY_REMOVED = "passkey_removed", _("passkey removed")
        PASSKEY_USED = "passkey_used", _("passkey used")
        PRIOR_LEARNING = "prior_learning", _("prior learning recorded")
        EMAIL_CHANGED = "email_changed", _("log-in e-mail address changed")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        QUESTION_REVISED = "question_revised", _("question revised")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = acting_user(_("actor"), db_constraint=False)  # the trail outlives the people in it
    # Kept as text: the e-mail tried at a failed log-in, an API client id, "system" for beat jobs.
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    institution = optional_link(Institution, _("institution"), db_constraint=False)
    employer = optional_link(Employer, _("employer"), db_constraint=False)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action_time"),
            models.Index(fields=["actor_label", "-created_at"], name="audit_actor_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{local_with_offset(self.created_at)} {self.get_action_display()} {self.actor_label}"


class UserSession(AbstractBaseSession):
    """Django's database session with its user, so that all of a person's sessions end at once.

    The engine is :mod:`accounts.sessions` (``SESSION_ENGINE``); the user is filled in when the
    session is saved after a log-in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("log-in session")
        verbose_name_plural = _("log-in sessions")
