"""Bulk import of trainees (CSV or XLSX) in admin: a dry-run preview, errors per row, all rows or none.

Columns: ``email`` and ``display_name`` (required); ``preferred_language``, ``employer`` (an
employer code), ``employee_number``, ``branch``, ``manager_class``, ``phone`` (optional). The
rules live in ``accounts.services`` (``check_trainee_row``, ``apply_trainee_row``,
``do_register_trainee``); this resource only walks the file.

Every refusal of a row is reported at once (each column with all its messages), and a file
without the required columns is refused before any row is read (no preview), naming them. The page
shows each refused row as a :class:`RowProblem` (``admin/import_export/row_errors.html``, which the
enrolment and question imports share): its number as the spreadsheet shows it (the header is row 1),
what its cells hold and every message by column, in plain sight.

Extending it (e.g. an extra ``cohort`` column that enrols each trainee): subclass
:class:`TraineeResource`, add the column to ``Meta.fields`` and ``required_columns``, add its
refusals in ``check_row`` after ``super()`` and act on it in ``after_save_instance``; raise
``ValidationError({column: message})`` there to refuse the row, which rolls back the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.forms import ImportForm
from import_export.results import Result

from . import services, spreadsheets
from .models import Institution, TraineeProfile
from .uploads import validate_tabular_upload


def spreadsheet_row(data_row: int) -> int:
    """The number a spreadsheet shows for the ``data_row``-th data row (from 1): the header is row 1.

    django-import-export counts data rows; staff look a row up by the number at the sheet's left.
    """
    return data_row + 1


@dataclass(frozen=True)
class RowProblem:
    """A refused row as staff find it in their file, for ``admin/import_export/row_errors.html``.

    ``row``: its number in the spreadsheet (:func:`spreadsheet_row`); ``cells``: (header, label, value)
    as the file has them, the label as the page names the column ("員工編號 (employee_number)");
    ``errors``: (label, messages), "" for the row as a whole; ``wrong``: the headers of the cells in
    error, marked among the cells.
    """

    row: int
    cells: tuple[tuple[str, str, str], ...]
    errors: tuple[tuple[str, tuple[str, ...]], ...]
    wrong: frozenset[str] = frozenset()


def file_cells(row: dict[str, Any], labels: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """A row's cells as (header, label, value), in the file's order (an empty cell as "", a header without a
    label as itself), without the keys the import adds to a row (``_…``)."""
    return tuple(
        (str(header), labels.get(str(header), str(header)), "" if value is None else str(value))
        for header, value in row.items()
        if header is not None and not str(header).startswith("_")
    )


class ImportResult(Result):
    """import-export's result, whose refused rows are :class:`RowProblem` s (``row_problems``).

    import-export looks a refused row's values up by the preview's column heads, which are ours
    ("E-mail address (email)") rather than the file's headers, and showed "---" in every cell.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.column_labels: dict[str, str] = {}  # header -> the preview's column head (see name_columns)
        self._rows: dict[int, dict[str, Any]] = {}

    def append_invalid_row(self, number: int, row: dict[str, Any], validation_error: ValidationError) -> None:
        super().append_invalid_row(number, row, validation_error)
        self._rows[number] = dict(row)

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
                row=spreadsheet_row(invalid.number),
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


def utf8_csv(upload: UploadedFile) -> UploadedFile:
    """The CSV ``upload`` in UTF-8, which import-export reads: a Big5 file (Excel in Taiwan saves one; accounts.uploads
    accepts it) is re-encoded, where import-export answered "'UnicodeDecodeError' encountered while trying to read
    file"."""
    raw = upload.read()
    upload.seek(0)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp950")
        except UnicodeDecodeError:
            raise ValidationError(
                _("This file is not a CSV text file (UTF-8 or Big5), whatever its name says."), code="not_csv"
            ) from None
        return SimpleUploadedFile(upload.name, text.encode("utf-8"), content_type=upload.content_type)
    return upload


class TraineeImportForm(ImportForm):
    """import-export's import form; the format follows from the file (its name and content, checked by
    accounts.uploads), so that a workbook is never read as CSV text because the wrong format was chosen
    (import-export answered "'BadZipFile' encountered while trying to read file")."""

    def __init__(self, formats: Any, resources: Any, **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].required = False
        self._format_choice = {str(title): value for value, title in self.fields["format"].choices if value != ""}
        self._kind: str | None = None

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        self._kind = validate_tabular_upload(upload)  # size, name and content (accounts.uploads)
        return utf8_csv(upload) if self._kind == "csv" else upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self._kind in self._format_choice:
            cleaned["format"] = self._format_choice[self._kind]
        return cleaned


class TraineeResource(resources.ModelResource):
    email = fields.Field(attribute="user__email", column_name="email")
    display_name = fields.Field(attribute="user__display_name", column_name="display_name")
    preferred_language = fields.Field(attribute="user__preferred_language", column_name="preferred_language")
    employer = fields.Field(attribute="employer__code", column_name="employer")

    class Meta:
        model = TraineeProfile
        fields = services.TRAINEE_COLUMNS
        export_order = services.TRAINEE_COLUMNS
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, institution: Institution | None = None, **kwargs: Any) -> None:
        """``institution``: the importing staff member's institution; None for the program office."""
        super().__init__(**kwargs)
        self.institution = institution
        self._seen: dict[tuple[str, ...], int] = {}

    def get_queryset(self):
        return super().get_queryset().select_related("user", "employer")

    def get_diff_headers(self) -> list[str]:
        # The preview's column heads, in the reader's language (with the file's header to match them up).
        return [spreadsheets.column_label(self._meta.model, f, f.column_name) for f in self.get_import_fields()]

    @classmethod
    def get_result_class(cls) -> type[ImportResult]:
        return ImportResult

    def import_data(self, dataset, **kwargs: Any):
        # All rows or none: a row with a validation error rolls back the whole file.
        kwargs["rollback_on_validation_errors"] = True
        result = super().import_data(dataset, **kwargs)
        fields = self.get_import_fields()
        result.name_columns({f.column_name: head for f, head in zip(fields, self.get_diff_headers(), strict=True)})
        return result

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        # django-import-export goes on to read every row after before_import refused the file;
        # a file refused whole (missing columns, a lapsed authorization) stops here instead, so
        # the page shows why and no row preview.
        try:
            self.check_file(dataset)
        except ValueError as refusal:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            self.handle_import_error(result, refusal, raise_errors)
            return result
        return super().import_data_inner(
            dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
        )

    def check_file(self, dataset) -> None:
        """Refuse the whole file (``ValueError`` with the reason) before any row is read."""
        try:
            services.check_may_register_trainees(institution=self.institution)
        except services.AccountError as error:
            raise ValueError(str(error)) from None
        dataset.headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
        # Blank rows at the end (a spreadsheet's formatting below the data) are no rows; blank rows
        # between rows stay, and are refused, so that every row keeps its number in the file.
        while len(dataset) and all(str(cell or "").strip() == "" for cell in dataset[len(dataset) - 1]):
            del dataset[len(dataset) - 1]
        missing = [c for c in self.required_columns if c not in dataset.headers]
        if missing:
            raise ValueError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})

    #: The columns a file must have; a subclass adds its own.
    required_columns: tuple[str, ...] = services.REQUIRED_TRAINEE_COLUMNS

    def before_import_row(self, row: dict, **kwargs: Any) -> None:
        """Checks the row and raises every refusal it finds at once (see :meth:`check_row`)."""
        errors = self.check_row(row, **kwargs)
        if errors:
            raise ValidationError(errors)

    def check_row(self, row: dict, **kwargs: Any) -> dict[str, list[str]]:
        """Every refusal of the row, by column; a subclass adds its columns' after ``super()``."""
        try:
            checked = services.check_trainee_row(values=row, institution=self.institution)
        except services.TraineeRowErrors as refused:
            return refused.by_column()
        except services.AccountError as error:
            return {error.field or "email": [str(error)]}
        row["_trainee"] = checked
        try:
            self._refuse_repeats(checked, spreadsheet_row(kwargs.get("row_number") or 0))
        except ValidationError as error:
            return error.message_dict
        return {}

    def _refuse_repeats(self, checked: services.TraineeRow, row_number: int) -> None:
        """The same person twice in one file is a mistake in the file, whichever row wins; ``row_number``
        is the spreadsheet's (the header is row 1), as the message names the earlier row."""
        keys = [("email", checked.email)]
        if checked.employer and checked.employee_number:
            keys.append(("employee_number", checked.employer.code, checked.employee_number))
        for key in keys:
            first = self._seen.setdefault(key, row_number)
            if first != row_number:
                raise ValidationError({key[0]: _("Row %(row)s has the same value.") % {"row": first}})

    def get_instance(self, instance_loader, row: dict) -> TraineeProfile | None:
        return row["_trainee"].profile

    def import_instance(self, instance: TraineeProfile, row: dict, **kwargs: Any) -> None:
        services.apply_trainee_row(profile=instance, row=row["_trainee"], institution=self.institution)

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        return row["_trainee"].unchanged

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True) -> None:
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance: TraineeProfile, is_create: bool) -> None:
        services.do_register_trainee(profile=instance)
