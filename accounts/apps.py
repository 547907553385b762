from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organizations")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the audit and session receivers
        from .second_factor import receivers as second_factor_receivers  # noqa: F401
        from .permissions import grant_group_permissions

        # After every migrate: permissions exist only then, on a fresh database too.
        post_migrate.connect(grant_group_permissions, sender=self, dispatch_uid="accounts_group_permissions")
