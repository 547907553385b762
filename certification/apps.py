from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        from . import receivers
        from .api import receivers as api_receivers

        receivers.connect()
        api_receivers.connect()  # webhooks for employers' HR systems (issue 7)
