from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bilingual import Bilingual


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
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
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    One display name, written as the person writes it: Chinese names do not split into
    first and last name the way the Django default assumes.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150)
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
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>" if self.display_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class Institution(Bilingual, models.Model):
    """An authorized training institution (授權機構).

    An institution whose authorization lapsed keeps its history but cannot start new work:
    callers ask :meth:`is_authorized_on` before opening cohorts or sittings.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("name (zh-Hant)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    authorization_number = models.CharField(_("authorization number"), max_length=50, unique=True)
    authorized_from = models.DateField(_("authorized from"))
    authorized_until = models.DateField(_("authorized until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authorized_until__gte=models.F("authorized_from")),
                name="institution_authorization_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")

    def is_authorized_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.authorized_from <= day <= self.authorized_until


class Employer(Bilingual, models.Model):
    """A bank, or a branch of one (``parent``), that employs customer managers."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("name (zh-Hant)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="branches", verbose_name=_("head office")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


class StaffMembership(models.Model):
    """Institution staff belong to exactly one institution (one row per user)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("institution admin")
        GRADER = "grader", _("institution grader")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership", verbose_name=_("user")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="staff", verbose_name=_("institution")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("institution staff member")
        verbose_name_plural = _("institution staff")

    def __str__(self) -> str:
        return f"{self.user} · {self.institution} ({self.get_role_display()})"


class TraineeProfile(models.Model):
    """What the program knows of a trainee beyond the log-in; employer is empty when self-funded."""

    class ManagerClass(models.TextChoices):
        PERSONAL = "personal", _("personal")
        CORPORATE = "corporate", _("corporate")
        COMPREHENSIVE = "comprehensive", _("comprehensive")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainee_profile", verbose_name=_("user")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="employees", verbose_name=_("employer")
    )
    employee_number = models.CharField(_("employee number"), max_length=50, blank=True)
    branch = models.CharField(_("branch"), max_length=200, blank=True)
    manager_class = models.CharField(
        _("customer-manager class"), max_length=20, choices=ManagerClass.choices, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The institution that registered or imported the trainee sees them before any enrolment.
    registered_by = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_trainees",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("trainee profile")
        verbose_name_plural = _("trainee profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "employee_number"],
                condition=models.Q(employer__isnull=False) & ~models.Q(employee_number=""),
                name="trainee_employee_number_unique_per_employer",
            ),
            models.CheckConstraint(
                condition=models.Q(employer__isnull=False) | models.Q(employee_number=""),
                name="trainee_employee_number_needs_employer",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


# The employers' API keeps its own models in accounts/api/models.py (issue 7).
from .api.models import ApiClient, IdempotencyRecord, WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
