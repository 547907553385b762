"""Every write of accounts: sign-up, e-mail verification, profile changes.

Each refusal raises :class:`AccountError` with a stable ``code`` and a translatable message.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .mail import render_mail
from .models import TraineeProfile, User
from .scoping import TRAINEE_GROUP

VERIFICATION_SALT = "accounts.email-verification"
VERIFICATION_MAX_AGE = 3 * 24 * 3600


class AccountError(Exception):
    """Codes: email_taken, link_invalid, link_expired, link_used."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _enqueue_mail(user: User, template_prefix: str, context: dict) -> None:
    from .tasks import send_account_email

    subject, text, html = render_mail(template_prefix, language=user.preferred_language, context=context)
    transaction.on_commit(lambda: send_account_email.delay(user.email, subject, text, html))


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFICATION_SALT)


@transaction.atomic
def do_sign_up(*, email: str, display_name: str, password: str, preferred_language: str, site_url: str) -> User:
    """A self-funded trainee account, inactive until the address is verified by the mailed link."""
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if existing.email_verified_at is None and not existing.is_active and existing.has_usable_password():
            # Signed up before and lost the mail: send a fresh link, change nothing else.
            _send_verification(existing, site_url)
            return existing
        raise AccountError("email_taken", _("An account with this e-mail address already exists."))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, display_name=display_name.strip(),
                preferred_language=preferred_language, is_active=False,
            )
    except IntegrityError:  # a concurrent sign-up with the same address won the race
        raise AccountError("email_taken", _("An account with this e-mail address already exists.")) from None
    TraineeProfile.objects.create(user=user)
    group, _created = Group.objects.get_or_create(name=TRAINEE_GROUP)
    user.groups.add(group)
    _send_verification(user, site_url)
    return user


def _send_verification(user: User, site_url: str) -> None:
    with translation.override(user.preferred_language):
        path = reverse("accounts:verify", kwargs={"token": verification_token(user)})
    _enqueue_mail(user, "accounts/email/verify", {"user": user, "url": f"{site_url}{path}"})


@transaction.atomic
def do_verify_email(*, token: str) -> User:
    """Activate the account the token names; a link works once and for three days."""
    try:
        data = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise AccountError("link_expired", _("This verification link has expired. Sign up again or ask for a new link.")) from None
    except signing.BadSignature:
        raise AccountError("link_invalid", _("This verification link is not valid.")) from None
    user = User.objects.select_for_update().filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise AccountError("link_invalid", _("This verification link is not valid."))
    if user.email_verified_at is not None:
        raise AccountError("link_used", _("This verification link has already been used. You can log in."))
    user.email_verified_at = timezone.now()
    user.is_active = True
    user.save(update_fields=["email_verified_at", "is_active"])
    return user


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
