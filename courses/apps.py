from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Catalog and training")

    def ready(self) -> None:
        from . import receivers
        from .caching import connect_receivers
        from .permissions import grant_group_permissions

        connect_receivers()
        receivers.connect()

        # After every migrate: permissions exist only then, on a fresh database too.
        post_migrate.connect(grant_group_permissions, sender=self, dispatch_uid="courses_group_permissions")
