from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Cohort discussions")

    def ready(self) -> None:
        from core.permissions import connect_group_permissions

        from . import digest, pages
        from .permissions import GROUP_PERMISSIONS

        digest.connect()
        pages.connect()
        connect_group_permissions(self, GROUP_PERMISSIONS)
