from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = _("Exams")

    def ready(self) -> None:
        from .permissions import grant_group_permissions

        # After every migrate: permissions exist only then, on a fresh database too.
        post_migrate.connect(grant_group_permissions, sender=self, dispatch_uid="exams_group_permissions")
