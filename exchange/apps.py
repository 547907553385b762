from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Cohort discussions")

    def ready(self) -> None:
        from core.permissions import connect_group_permissions
        from core.templatetags.site_nav import register_section

        from . import digest, pages
        from .permissions import GROUP_PERMISSIONS
        from .selectors import offered_in_staff_menu

        digest.connect()
        pages.connect()
        connect_group_permissions(self, GROUP_PERMISSIONS)
        # The staff menu's "Discussions", only for those who take part (not HR, graders, the program office).
        register_section("exchange", offered_in_staff_menu)
