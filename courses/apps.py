from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Catalog and training")

    def ready(self) -> None:
        from core.permissions import connect_group_permissions

        from . import receivers
        from .caching import connect_receivers
        from .permissions import GROUP_PERMISSIONS

        connect_receivers()
        receivers.connect()
        connect_group_permissions(self, GROUP_PERMISSIONS)
