"""Every admin export's file named in the page's language (the project's admin site gives :class:`NamedExportAdmin`
to each admin with django-import-export's export: ``core.admin_input.with_checked_input``).

django-import-export names the file by the model's class and UTC's day (``TraineeProfile-2026-12-06.csv``) and
puts the name in the header as it is. Here it is the model's plural name in the page's language and the portal's
day (``學員資料 2026-12-06.csv``, ``Trainee profiles 2026-12-06.csv``: :func:`core.downloads.dated_file_name`), sent
with ``filename*`` and an English ASCII ``filename`` (:func:`core.downloads.attachment`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

from .downloads import attachment, dated_file_name, english_dated_file_name

if TYPE_CHECKING:
    from django.contrib import admin

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object  # a mixin, first in the bases of a model admin


class NamedExportAdmin(_ModelAdmin):
    """An admin with import-export's export whose files are named as the module says."""

    def get_export_filename(self, request: HttpRequest, queryset: Any, file_format: Any) -> str:
        return dated_file_name(self.opts.verbose_name_plural, file_format.get_extension(), fallback=self.model.__name__)

    def _do_file_export(self, file_format: Any, request: HttpRequest, queryset: Any, export_form: Any = None) -> Any:
        # import-export's one way out for a file (the export page's and the export action's), whose header it
        # writes as filename="<name>": written again here, so that a Chinese name reaches the browser as it is.
        response: HttpResponse = super()._do_file_export(  # type: ignore[misc]  # ExportMixin's, unstubbed
            file_format, request, queryset, export_form=export_form
        )
        english = english_dated_file_name(
            self.opts.verbose_name_plural, file_format.get_extension(), fallback=self.model.__name__
        )
        response["Content-Disposition"] = attachment(
            self.get_export_filename(request, queryset, file_format), ascii_name=english
        )
        return response
