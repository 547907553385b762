"""What an import page says of its file: each column described (``admin/import_export/column_guide.html``) and the
header row to download as a CSV or XLSX template (``<admin>/import/template.csv|xlsx``).

:class:`ImportGuideMixin` does both for an admin with django-import-export's import, from its resource
(``column_guide()``); an import of its own (the question bank's) builds its :class:`ColumnGuide` s and routes
:func:`template_path` to a view answering :func:`template_response`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import tablib
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from import_export.admin import ImportMixin

from .. import spreadsheets


@dataclass(frozen=True)
class ColumnGuide:
    """One column of an import's file as its page describes it (``admin/import_export/column_guide.html``):
    its header, its name for people ("員工編號 (employee_number)"), whether a file must have it, what it holds."""

    header: str
    label: str
    required: bool
    holds: str


def template_response(headers: Sequence[str], kind: str, filename: str) -> HttpResponse:
    """An empty file to fill in (``kind``: csv or xlsx, else 404): the header row, in XLSX every column formatted as
    text (so that Excel keeps a number such as 007 or 1-5 as typed)."""
    if kind not in spreadsheets.CONTENT_TYPES:
        raise Http404
    dataset = tablib.Dataset(headers=list(headers))
    return spreadsheets.spreadsheet_response(dataset, kind, f"{filename}-import-template", text_columns=True)


def template_path(admin_site: AdminSite, view: Callable[..., HttpResponse], *, name: str) -> URLPattern:
    """The route of an admin's templates, ``import/template.<kind>`` named ``name`` (see :func:`template_links`)."""
    return path("import/template.<str:kind>", admin_site.admin_view(view), name=name)


def template_links(admin_site: AdminSite, name: str) -> list[tuple[str, str]]:
    """(kind, address) of each template the route ``name`` answers, for the page's ``import_templates``."""
    return [
        (kind, reverse(f"admin:{name}", kwargs={"kind": kind}, current_app=admin_site.name))
        for kind in spreadsheets.CONTENT_TYPES
    ]


class ImportGuideMixin(ImportMixin):  # type: ignore[misc]
    """For an admin with django-import-export's import (ConfirmOwnPreviewMixin inherits it): its import page
    lists the columns of its resource's ``column_guide()`` and offers their header row as a template."""

    def get_urls(self) -> list[Any]:
        return [template_path(self.admin_site, self.import_template_view, name=self.template_url_name()),
                *super().get_urls()]  # fmt: skip

    def template_url_name(self) -> str:
        """The name of the templates' route (not ``import_template_name``, import-export's page template)."""
        app_label, model_name = self.get_model_info()
        return f"{app_label}_{model_name}_import_template"

    def import_resource(self, request: HttpRequest) -> Any:
        """The resource the import page describes (the admin's first), as it would import for ``request``'s user."""
        return self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request))

    def import_template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        """The header row of every column the import reads (:func:`template_response`)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        headers = [field.column_name for field in self.import_resource(request).get_import_fields()]
        return template_response(headers, kind, self.opts.model_name)

    def import_guide_context(self, request: HttpRequest, resource: Any = None) -> dict[str, Any]:
        """What the import page's column list shows: each column described (``import_columns``, for a resource
        with a ``column_guide``) and the templates to download (``import_templates``: (kind, address))."""
        resource = resource if resource is not None else self.import_resource(request)
        return {
            "import_columns": resource.column_guide() if hasattr(resource, "column_guide") else [],
            "import_templates": template_links(self.admin_site, self.template_url_name()),
        }

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            response.context_data.update(self.import_guide_context(request))
        return response
