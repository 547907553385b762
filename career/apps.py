from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareerConfig(AppConfig):
    name = "career"
    verbose_name = _("Career register")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
