"""Demo people for `make run`: never loaded in production (the command refuses without DEBUG)."""

from django.db import transaction

from .models import User

DEMO_PASSWORD = "demo-pass-2026"

OFFICE = ("office@demo.test", "項目管理辦公室 示範")


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, what the account is for), in the order README lists them."""
    return [(OFFICE[0], "program office (superuser)")]


@transaction.atomic
def load() -> None:
    email, name = OFFICE
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
