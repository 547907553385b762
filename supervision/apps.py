from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from core.templatetags.site_nav import register_section

        from .access import may_supervise

        # The bar's "Supervision" link, for those the area will not refuse (the same rule as its pages).
        register_section("supervision", may_supervise)
