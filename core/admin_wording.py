"""Django admin's own phrases that our zh-Hant catalog words anew.

Django's zh-Hant catalog puts spaces around the model's name and mixes word orders ("選擇 使用者 來修改" beside
"選擇機構查看", "新增其它 組卷規則"); ours read as one sentence each. The project's catalog (``LOCALE_PATHS``)
comes before Django's, so an entry there wins; the phrases are marked here so that ``makemessages`` keeps them.
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_PHRASES = (
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
)
