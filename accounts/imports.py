"""Bulk import of trainees (CSV or XLSX) in admin: a dry-run preview, errors per row, all rows or none.

Columns: ``email`` and ``display_name`` (required); ``preferred_language``, ``employer`` (an
employer code), ``employee_number``, ``branch``, ``manager_class``, ``phone`` (optional). The
rules live in ``accounts.services`` (``check_trainee_row``, ``apply_trainee_row``,
``do_register_trainee``); this resource only walks the file, reading each cell as typed first
(:meth:`TraineeResource.typed_values`: a spreadsheet's date cell is no text; codes and employee numbers by
``accounts.identifiers``).

Every refusal of a row is reported at once (each column with all its messages), and a file
without the required columns is refused before any row is read (no preview), naming them. The page
shows each refused row as a :class:`RowProblem` (``admin/import_export/row_errors.html``, which the
enrolment and question imports share): its number as the spreadsheet shows it (the header is row 1),
what its cells hold and every message by column, in plain sight.

Extending it (e.g. an extra ``cohort`` column that enrols each trainee): subclass
:class:`TraineeResource`, add the column to ``Meta.fields`` and ``required_columns``, add its
refusals in ``check_row`` after ``super()``, describe it in ``column_descriptions`` (the import page lists
every column with what it holds, and offers the header row as a CSV or XLSX template) and act on it in
``after_save_instance``; raise ``ValidationError({column: message})`` there to refuse the row, which rolls
back the whole file.

Every import of the portal reads its file through :func:`read_spreadsheet` (CSV in UTF-8 or Big5, XLSX), and
every admin with django-import-export's two-step import adds :class:`ConfirmOwnPreviewMixin`, so the confirm
step imports only the upload its preview gave the same person, once, and says so when it imported nothing.
Blank rows are skipped; every other row keeps the number the spreadsheet shows at its left.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export import fields, resources
from import_export.admin import ImportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import Result
from import_export.tmp_storages import TempFolderStorage

from . import services, spreadsheets
from .identifiers import clean_employee_number, normalize_code
from .models import Institution, TraineeProfile
from .uploads import validate_tabular_upload
from .validators import refuse_date_cell

#: The column :func:`read_spreadsheet` adds to every row: the number the spreadsheet shows at the row's left.
ROW_NUMBER = "_row"


def spreadsheet_row(data_row: int) -> int:
    """The number a spreadsheet shows for the ``data_row``-th data row (from 1) of a file without blank rows:
    the header is row 1. For a dataset :func:`read_spreadsheet` did not read (see :func:`row_number`)."""
    return data_row + 1


def row_number(row: dict[str, Any], data_row: int) -> int:
    """The number the spreadsheet shows at the left of ``row``, the ``data_row``-th data row (from 1) of its
    dataset: as :func:`read_spreadsheet` read it (blank rows skipped keep their numbers), else counted.

    django-import-export counts data rows; staff look a row up by the number at the sheet's left.
    """
    number = row.get(ROW_NUMBER)
    return number if isinstance(number, int) else spreadsheet_row(data_row)


@dataclass(frozen=True)
class RowProblem:
    """A refused row as staff find it in their file, for ``admin/import_export/row_errors.html``.

    ``row``: its number in the spreadsheet (:func:`row_number`); ``cells``: (header, label, value)
    as the file has them, the label as the page names the column ("員工編號 (employee_number)");
    ``errors``: (label, messages), "" for the row as a whole; ``wrong``: the headers of the cells in
    error, marked among the cells.
    """

    row: int
    cells: tuple[tuple[str, str, str], ...]
    errors: tuple[tuple[str, tuple[str, ...]], ...]
    wrong: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ColumnGuide:
    """One column of an import's file as its page describes it (``admin/import_export/resource_fields_list.html``):
    its header, its name for people ("員工編號 (employee_number)"), whether a file must have it, what it holds."""

    header: str
    label: str
    required: bool
    holds: str


def file_cells(row: dict[str, Any], labels: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """A row's cells as (header, label, value), in the file's order (an empty cell as "", a header without a
    label as itself), without the keys the import adds to a row (``_…``)."""
    return tuple(
        (str(header), labels.get(str(header), str(header)), "" if value is None else str(value))
        for header, value in row.items()
        if header is not None and not str(header).startswith("_")
    )


class ImportResult(Result):  # type: ignore[misc]
    """import-export's result, whose refused rows are :class:`RowProblem` s (``row_problems``).

    import-export looks a refused row's values up by the preview's column heads, which are ours
    ("E-mail address (email)") rather than the file's headers, and showed "---" in every cell.

    Rows are numbered as the spreadsheet numbers them (:func:`row_number`): ``invalid_rows``, ``error_rows`` and
    ``row_errors()`` alike, the header being row 1.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.column_labels: dict[str, str] = {}  # header -> the preview's column head (see name_columns)
        self._rows: dict[int, dict[str, Any]] = {}  # spreadsheet row -> the refused row
        self._numbers: dict[int, int] = {}  # data row (import-export's count, from 1) -> spreadsheet row

    def _number(self, data_row: int, row: dict[str, Any]) -> int:
        self._numbers[data_row] = row_number(row, data_row)
        return self._numbers[data_row]

    def append_invalid_row(self, number: int, row: dict[str, Any], validation_error: ValidationError) -> None:
        shown = self._number(number, row)
        super().append_invalid_row(shown, row, validation_error)
        self._rows[shown] = dict(row)

    def append_error_row(self, number: int, row: dict[str, Any], errors: list[Any]) -> None:
        super().append_error_row(self._number(number, row), row, errors)

    def row_errors(self) -> list[tuple[int, list[Any]]]:
        return [
            (self._numbers.get(data_row, spreadsheet_row(data_row)), row.errors)
            for data_row, row in enumerate(self.rows, start=1)
            if row.errors
        ]

    def name_columns(self, labels: dict[str, str]) -> None:
        """``labels``: each column's head in the preview, by header, in the preview's order."""
        self.column_labels = labels
        for invalid in self.invalid_rows:
            row = self._rows.get(invalid.number, {})
            invalid.values = tuple("" if row.get(header) is None else row[header] for header in labels)

    @property
    def row_problems(self) -> list[RowProblem]:
        return [
            RowProblem(
                row=invalid.number,
                cells=file_cells(self._rows.get(invalid.number, {}), self.column_labels),
                errors=tuple(
                    (
                        "" if column == NON_FIELD_ERRORS else self.column_labels.get(column, column),
                        tuple(str(message) for message in messages),
                    )
                    for column, messages in invalid.error_dict.items()
                ),
                wrong=frozenset(invalid.error_dict) - {NON_FIELD_ERRORS},
            )
            for invalid in self.invalid_rows
        ]


def csv_text(raw: bytes) -> str:
    """A CSV file's text: UTF-8 (a byte-order mark dropped) or else Big5 (cp950), as Excel in Taiwan saves it
    (accounts.uploads accepts both)."""
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("This file is not a CSV text file (UTF-8 or Big5), whatever its name says."), code="not_csv"
    )


def read_spreadsheet(content: bytes | str, kind: str) -> tablib.Dataset:
    """An uploaded file as a dataset, header row first; the reader of every import (trainees, enrolments, questions).

    ``kind``: "csv" or "xlsx", as accounts.uploads found the file to be. A CSV is read as :func:`csv_text` and a quote
    our own export put before a formula-like cell comes off (accounts.spreadsheets.csv_records), so that an exported
    file imports as it was; an XLSX is read from its active sheet, a formula cell by its value, a date cell as a
    datetime. Either way (:func:`numbered_dataset`) a blank row is no row, the first row that is not blank is the
    header, and every row keeps the number the spreadsheet shows, in the column :data:`ROW_NUMBER`. Raises
    ``ValidationError`` for a CSV in neither encoding or with cells beyond its header, and what the parser raises
    for a broken file.
    """
    if kind == "xlsx":
        return numbered_dataset(spreadsheets.xlsx_records(content if isinstance(content, bytes) else content.encode()))
    return numbered_dataset(spreadsheets.csv_records(content if isinstance(content, str) else csv_text(content)))


def is_blank(cells: Iterable[Any]) -> bool:
    """Whether a row holds nothing: every cell empty or spaces."""
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def numbered_dataset(records: Iterable[Sequence[Any]]) -> tablib.Dataset:
    """The rows of a sheet (``records``: the n-th is its row n) as a dataset: the first row that is not blank is
    the header; a blank row is skipped and every other row ends with its number (:data:`ROW_NUMBER`). Staff
    leave a blank line between groups of people, and look a refused row up by the number at the sheet's left.

    A row shorter than the header is filled with empty cells; cells beyond the header that are not empty
    refuse the file (``ValidationError``): no column would say what they are.
    """
    dataset = tablib.Dataset()
    width: int | None = None
    for number, record in enumerate(records, start=1):
        if is_blank(record):
            continue
        cells = list(record)
        if width is None:
            width = len(cells)
            dataset.headers = [*cells, ROW_NUMBER]
            continue
        if not is_blank(cells[width:]):
            raise ValidationError(
                _("Row %(row)s has cells beyond the last column with a header: give them a header or clear them."),
                code="cells_beyond_header",
                params={"row": number},
            )
        dataset.append([*cells[:width], *[""] * (width - len(cells)), number])
    return dataset


class SpreadsheetCSV(base_formats.CSV):  # type: ignore[misc]
    """import-export's CSV, read by :func:`read_spreadsheet` from the file's bytes (so that Big5 is read too)."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes | str, **kwargs: Any) -> tablib.Dataset:
        return read_spreadsheet(in_stream, "csv")


class SpreadsheetXLSX(base_formats.XLSX):  # type: ignore[misc]
    """import-export's XLSX, read by :func:`read_spreadsheet`."""

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        return read_spreadsheet(in_stream, "xlsx")


#: What every import admin offers (ConfirmOwnPreviewMixin.import_formats); TraineeImportForm picks by the file.
IMPORT_FORMATS = [SpreadsheetCSV, SpreadsheetXLSX]


class TraineeImportForm(ImportForm):  # type: ignore[misc]
    """import-export's import form; the format follows from the file (its name and content, checked by
    accounts.uploads), so that a workbook is never read as CSV text because the wrong format was chosen
    (import-export answered "'BadZipFile' encountered while trying to read file")."""

    def __init__(self, formats: Any, resources: Any, **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].required = False
        self._format_choice = {str(title): value for value, title in self.fields["format"].choices if value != ""}
        self._kind: str | None = None

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        self._kind = validate_tabular_upload(upload)  # size, name and content (accounts.uploads)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self._kind in self._format_choice:
            cleaned["format"] = self._format_choice[self._kind]
        return cleaned


#: Why a confirm step was refused (ConfirmOwnPreviewMixin).
CONFIRM_NOT_ISSUED = gettext_lazy(
    "This import cannot be confirmed: it is not a file you previewed here. Upload the file again."
)
CONFIRM_GONE = gettext_lazy("This import was already confirmed or has expired; upload the file again.")
#: Said when a confirmed import failed a check its preview had passed (ConfirmOwnPreviewMixin.process_result).
CONFIRM_REFUSED = gettext_lazy(
    "Nothing was imported: since the preview, something these rows depend on has changed (a cohort may have "
    "filled up, say). See the rows below, fix the file and upload it again."
)


class UploadGone(Exception):
    """The upload a confirm step names is not there (any more): confirmed already, or at the same moment."""


class ConfirmOnceStorage(TempFolderStorage):  # type: ignore[misc]
    """import-export's temp folder, from which a confirm step takes its upload before reading it.

    A storage made without a name is the preview's: it saves the upload and reads it back. One made with a name is a
    confirm step's: its first read renames the file to a name of its own (atomic: of two confirms of one preview, a
    double click or a second tab, one gets the file and the other :class:`UploadGone`), and ``remove`` removes that.
    """

    name: str | None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._to_take = self.name  # None: the preview's

    def read(self) -> Any:
        if self._to_take is not None:
            named, self._to_take = self._to_take, None
            taken = f"{os.path.basename(named)}.{uuid.uuid4().hex}.confirming"
            try:
                os.rename(self.get_full_path(), os.path.join(tempfile.gettempdir(), taken))
            except FileNotFoundError:
                raise UploadGone(named) from None
            self.name = taken
        return super().read()


class OwnPreviewConfirmForm(ConfirmImportForm):  # type: ignore[misc]
    """import-export's confirm form, whose hidden ``import_file_name`` is what the preview signed (see
    :class:`ConfirmOwnPreviewMixin`): the temp file, the upload's name, its format and resource. It is valid only
    when signed for the same person and import (``salt``) within ``max_age`` seconds, and the other hidden fields
    are taken from what was signed, whatever was posted."""

    def __init__(self, *args: Any, salt: str, max_age: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.salt, self.max_age = salt, max_age
        self.issued: dict[str, str] = {}

    def clean_import_file_name(self) -> str:
        try:
            self.issued = signing.loads(self.cleaned_data["import_file_name"], salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired:
            raise ValidationError(CONFIRM_GONE, code="expired") from None
        except signing.BadSignature:
            raise ValidationError(CONFIRM_NOT_ISSUED, code="not_issued") from None
        return os.path.basename(self.issued["file"])  # a name in the temp folder, as import-export's form keeps it

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self.issued:
            cleaned |= {key: self.issued[key] for key in ("original_file_name", "format", "resource")}
        return cleaned


class ConfirmOwnPreviewMixin(ImportMixin):  # type: ignore[misc]
    """For every admin with django-import-export's import (before ImportMixin or ImportExportMixin in its bases).

    import-export's confirm step imported whatever temp file its hidden ``import_file_name`` named, and then
    removed it: staff of one institution confirmed another's pending upload (registering its people as theirs),
    whose own confirm then failed. Here the preview signs the name (with the upload's name, format and resource)
    for the person and the admin (:meth:`import_confirm_salt`); the confirm step refuses any other name, a name
    older than ``import_confirm_max_age``, and a preview confirmed already (:class:`ConfirmOnceStorage`), with a
    message and the import page again, nothing written.
    """

    import_formats = IMPORT_FORMATS
    confirm_form_class = OwnPreviewConfirmForm
    tmp_storage_class = ConfirmOnceStorage
    #: Seconds a preview may be confirmed in.
    import_confirm_max_age = 24 * 3600

    def import_confirm_salt(self, request: HttpRequest) -> str:
        return f"{__name__}.confirm:{self.opts.label_lower}:{request.user.pk}"

    def get_confirm_form_initial(self, request: HttpRequest, import_form: Any) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            issued = {
                "file": os.path.basename(str(initial["import_file_name"])),
                "original_file_name": str(initial["original_file_name"]),
                "format": str(initial["format"]),
                "resource": str(initial.get("resource") or ""),
            }
            initial["import_file_name"] = signing.dumps(issued, salt=self.import_confirm_salt(request))
        return initial

    def get_confirm_form_kwargs(self, request: HttpRequest, import_form: Any = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_confirm_form_kwargs(request, import_form)
        return kwargs | {"salt": self.import_confirm_salt(request), "max_age": self.import_confirm_max_age}

    def add_data_read_fail_error_to_form(self, form: forms.Form, e: Exception) -> None:
        if isinstance(e, ValidationError):  # read_spreadsheet's own words (a CSV in neither encoding)
            form.add_error("import_file", e)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            gone = confirm_form.has_error("import_file_name", "expired")
            return self.refuse_confirm(request, CONFIRM_GONE if gone else CONFIRM_NOT_ISSUED)
        try:
            response: HttpResponse = super().process_import(request, **kwargs)
        except UploadGone:  # read before any row is written
            return self.refuse_confirm(request, CONFIRM_GONE)
        return response

    def refuse_confirm(self, request: HttpRequest, message: str | Promise) -> HttpResponse:
        """The import page again, saying why the confirm was refused."""
        self.message_user(request, message, messages.ERROR)
        app_label, model_name = self.get_model_info()
        return redirect(f"admin:{app_label}_{model_name}_import")

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        """After the confirm step's import: import-export said "Import finished" whatever happened. A file that
        passed its preview may fail now (a cohort filled up in between): nothing was written (all rows or none),
        and the import page says so and shows the rows, as a preview would."""
        if not (result.has_errors() or result.has_validation_errors()):
            response: HttpResponse = super().process_result(result, request)
            return response
        self.message_user(request, CONFIRM_REFUSED, messages.ERROR)
        form = self.get_import_form_class(request)(self.get_import_formats(), self.get_import_resource_classes(request))
        resource = self.import_resource(request)
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            **self.import_guide_context(request, resource),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "fields_list": [(resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])],
            "import_error_display": self.import_error_display,
        }
        return TemplateResponse(request, [self.import_template_name], context)

    # --- what the import page says of the file ---------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        app_label, model_name = self.get_model_info()
        template = path(
            "import/template.<str:kind>",
            self.admin_site.admin_view(self.import_template_view),
            name=f"{app_label}_{model_name}_import_template",
        )
        return [template, *super().get_urls()]

    def import_resource(self, request: HttpRequest) -> Any:
        """The resource the import page describes (the admin's first), as it would import for ``request``'s user."""
        return self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request))

    def import_template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        """An empty file to fill in (``kind``: csv or xlsx): the header row of every column the import reads, in
        XLSX every column formatted as text (so that Excel keeps a number such as 007 or 1-5 as typed)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if kind not in spreadsheets.CONTENT_TYPES:
            raise Http404
        headers = [field.column_name for field in self.import_resource(request).get_import_fields()]
        filename = f"{self.opts.model_name}-import-template"
        return spreadsheets.spreadsheet_response(tablib.Dataset(headers=headers), kind, filename, text_columns=True)

    def import_guide_context(self, request: HttpRequest, resource: Any = None) -> dict[str, Any]:
        """What the import page's column list shows: each column described (``import_columns``, for a resource
        with a ``column_guide``) and the templates to download (``import_templates``: (kind, address))."""
        resource = resource if resource is not None else self.import_resource(request)
        app_label, model_name = self.get_model_info()
        name = f"admin:{app_label}_{model_name}_import_template"
        return {
            "import_columns": resource.column_guide() if hasattr(resource, "column_guide") else [],
            "import_templates": [
                (kind, reverse(name, kwargs={"kind": kind}, current_app=self.admin_site.name))
                for kind in spreadsheets.CONTENT_TYPES
            ],
        }

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            response.context_data.update(self.import_guide_context(request))
        return response


def _as_typed(value: Any) -> Any:
    return value


class TraineeResource(resources.ModelResource):  # type: ignore[misc]
    email = fields.Field(attribute="user__email", column_name="email")
    display_name = fields.Field(attribute="user__display_name", column_name="display_name")
    preferred_language = fields.Field(attribute="user__preferred_language", column_name="preferred_language")
    employer = spreadsheets.Column(
        attribute="employer__code", column_name="employer", label=gettext_lazy("employer code")
    )

    class Meta:
        model = TraineeProfile
        fields: tuple[str, ...] = services.TRAINEE_COLUMNS
        export_order: tuple[str, ...] = services.TRAINEE_COLUMNS
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, institution: Institution | None = None, **kwargs: Any) -> None:
        """``institution``: the importing staff member's institution; None for the program office."""
        super().__init__(**kwargs)
        self.institution = institution
        self._seen: dict[tuple[str, ...], int] = {}

    def get_queryset(self) -> QuerySet[TraineeProfile]:
        profiles: QuerySet[TraineeProfile] = super().get_queryset()
        return profiles.select_related("user", "employer")

    def get_diff_headers(self) -> list[str]:
        # The preview's column heads, in the reader's language (with the file's header to match them up).
        return [spreadsheets.column_label(self._meta.model, f, f.column_name) for f in self.get_import_fields()]

    def column_guide(self) -> list[ColumnGuide]:
        """The file's columns in order, as the import page describes them."""
        holds = self.column_descriptions()
        return [
            ColumnGuide(
                field.column_name, head, field.column_name in self.required_columns, holds.get(field.column_name, "")
            )
            for field, head in zip(self.get_import_fields(), self.get_diff_headers(), strict=True)
        ]

    def column_descriptions(self) -> dict[str, str]:
        """What each column holds, by header, in the reader's language; a subclass adds its columns' to
        ``super()``'s. Allowed values are read from the settings and the model's choices."""
        languages = ", ".join(code for code, _name in settings.LANGUAGES)
        classes = ", ".join(f"{value} ({label})" for value, label in TraineeProfile.ManagerClass.choices)
        return {
            "email": _(
                "The trainee's e-mail address, with which they log in. A trainee already on the portal is found by it "
                "(or by employer and employee number) and updated."
            ),
            "display_name": _("The trainee's name as it appears on their pages and certificates."),
            "preferred_language": _("The language of the trainee's pages and e-mails: %(values)s. Empty: %(default)s.")
            % {"values": languages, "default": settings.LANGUAGE_CODE},
            "employer": _(
                "The code of the trainee's employer (such as bank-a), not its name. Empty if they have none."
            ),
            "employee_number": _(
                "The trainee's number at that employer (the employer column is then needed): letters and digits, "
                "with - _ . / between them. Format this column as text in Excel, so that it keeps what you type."
            ),
            "branch": _("The branch or department the trainee works at."),
            "manager_class": _("The trainee's customer-manager class, one of: %(values)s. Empty if not known.")
            % {"values": classes},
            "phone": _("A phone number, such as 0912-345-678 or 02-2345-6789 (an extension after #)."),
        }

    @classmethod
    def get_result_class(cls) -> type[ImportResult]:
        return ImportResult

    def import_data(self, dataset: tablib.Dataset, **kwargs: Any) -> ImportResult:
        # All rows or none: a row with a validation error rolls back the whole file.
        kwargs["rollback_on_validation_errors"] = True
        result: ImportResult = super().import_data(dataset, **kwargs)
        fields = self.get_import_fields()
        result.name_columns({f.column_name: head for f, head in zip(fields, self.get_diff_headers(), strict=True)})
        return result

    def import_data_inner(
        self,
        dataset: tablib.Dataset,
        dry_run: bool,
        raise_errors: bool,
        using_transactions: bool,
        collect_failed_rows: bool,
        **kwargs: Any,
    ) -> ImportResult:
        # django-import-export goes on to read every row after before_import refused the file;
        # a file refused whole (missing columns, a lapsed authorization) stops here instead, so
        # the page shows why and no row preview.
        try:
            self.check_file(dataset)
        except ValueError as refusal:
            refused = self.get_result_class()()
            refused.diff_headers = self.get_diff_headers()
            refused.total_rows = len(dataset)
            self.handle_import_error(refused, refusal, raise_errors)
            return refused
        result: ImportResult = super().import_data_inner(
            dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
        )
        return result

    def check_file(self, dataset: tablib.Dataset) -> None:
        """Refuse the whole file (``ValueError`` with the reason) before any row is read."""
        try:
            services.check_may_register_trainees(institution=self.institution)
        except services.AccountError as error:
            raise ValueError(str(error)) from None
        dataset.headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
        # Blank rows are no rows: read_spreadsheet skipped them, each other row keeping its number in the file.
        missing = [c for c in self.required_columns if c not in dataset.headers]
        if missing:
            raise ValueError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})

    #: The columns a file must have; a subclass adds its own.
    required_columns: tuple[str, ...] = services.REQUIRED_TRAINEE_COLUMNS

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        """Checks the row and raises every refusal it finds at once (see :meth:`check_row`)."""
        errors = self.check_row(row, **kwargs)
        if errors:
            raise ValidationError(errors)

    def check_row(self, row: dict[str, Any], **kwargs: Any) -> dict[str, list[str]]:
        """Every refusal of the row, by column; a subclass adds its columns' after ``super()``."""
        values, refused = self.typed_values(row)
        try:
            checked = services.check_trainee_row(values=values, institution=self.institution)
        except services.TraineeRowErrors as refusal:
            return refusal.by_column() | refused  # a cell refused as typed is not also refused as read
        except services.AccountError as error:
            return {error.field or "email": [str(error)]} | refused
        if refused:
            return refused
        row["_trainee"] = checked
        try:
            self._refuse_repeats(checked, row_number(row, kwargs.get("row_number") or 0))
        except ValidationError as error:
            return error.message_dict
        return {}

    #: How a cell of a column is read before the row's rules (accounts.services) see it: raises ``ValidationError``
    #: for a cell that cannot be what the column holds, else returns its value.
    cell_readers: dict[str, Any] = {"employer": normalize_code, "employee_number": clean_employee_number}

    def typed_values(self, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The row's values as the rules read them, and the refusals of cells as typed, by column.

        A date or time cell (an XLSX's, where Excel took what was typed for one) is no text of any column; a code
        is read in the form codes are stored in, an employee number by its rule (accounts.identifiers). A refused
        cell is passed on empty, so that its refusal is not followed by another of the same cell.
        """
        values = dict(row)
        refused: dict[str, list[str]] = {}
        read = {field.column_name for field in self.get_import_fields()}  # a column the import ignores is not read
        for column, value in row.items():
            if column not in read:
                continue
            try:
                refuse_date_cell(value)
                values[column] = self.cell_readers.get(column, _as_typed)(value)
            except ValidationError as refusal:
                refused[column] = refusal.messages
                values[column] = ""
        return values, refused

    def _refuse_repeats(self, checked: services.TraineeRow, number: int) -> None:
        """The same person twice in one file is a mistake in the file, whichever row wins; ``number``
        is the spreadsheet's (:func:`row_number`), as the message names the earlier row."""
        keys: list[tuple[str, ...]] = [("email", checked.email)]
        if checked.employer and checked.employee_number:
            keys.append(("employee_number", checked.employer.code, checked.employee_number))
        for key in keys:
            first = self._seen.setdefault(key, number)
            if first != number:
                raise ValidationError({key[0]: _("Row %(row)s has the same value.") % {"row": first}})

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> TraineeProfile | None:
        checked: services.TraineeRow = row["_trainee"]
        return checked.profile

    def import_instance(self, instance: TraineeProfile, row: dict[str, Any], **kwargs: Any) -> None:
        services.apply_trainee_row(profile=instance, row=row["_trainee"], institution=self.institution)

    def skip_row(
        self,
        instance: TraineeProfile,
        original: TraineeProfile,
        row: dict[str, Any],
        import_validation_errors: Any = None,
    ) -> bool:
        checked: services.TraineeRow = row["_trainee"]
        return checked.unchanged

    def validate_instance(
        self, instance: TraineeProfile, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance: TraineeProfile, is_create: bool) -> None:
        services.do_register_trainee(profile=instance)
