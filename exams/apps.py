from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = _("Exams")

    def ready(self) -> None:
        from core.permissions import connect_group_permissions

        from .permissions import GROUP_PERMISSIONS

        connect_group_permissions(self, GROUP_PERMISSIONS)
