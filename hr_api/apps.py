from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HrApiConfig(AppConfig):
    """The integration layer at the top: the employers' API (/api/v1/) and its webhooks (issue 16).

    It imports every domain app and none imports it: domain apps announce with signals, and the
    receivers that turn them into webhook events are connected here.
    """

    name = "hr_api"
    verbose_name = _("HR API")

    def ready(self) -> None:
        from . import receivers
        from .permissions import grant_group_permissions

        receivers.connect()
        # After every migrate: permissions exist only then, on a fresh database too.
        post_migrate.connect(grant_group_permissions, sender=self, dispatch_uid="hr_api_group_permissions")
