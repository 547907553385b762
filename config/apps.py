from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin, in ``INSTALLED_APPS`` in its place, with the project's site (:mod:`config.admin`) as the
    default one: ``admin.site``, where ``@admin.register`` registers."""

    default_site = "config.admin.PortalAdminSite"
