from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organizations")

    def ready(self) -> None:
        from core.permissions import connect_group_permissions

        from . import receivers  # noqa: F401 - connects the audit and session receivers
        from .permissions import GROUP_PERMISSIONS
        from .second_factor import receivers as second_factor_receivers  # noqa: F401

        connect_group_permissions(self, GROUP_PERMISSIONS)
