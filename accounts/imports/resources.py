"""The trainee import (CSV or XLSX) in admin: a dry-run preview, errors per row, all rows or none.

Columns: ``email`` and ``display_name`` (required); ``preferred_language``, ``employer`` (an
employer code), ``employee_number``, ``branch``, ``manager_class``, ``phone`` (optional). The
rules live in ``accounts.services`` (``check_trainee_row``, ``apply_trainee_row``,
``do_register_trainee``); this resource only walks the file, reading each cell as typed first
(:meth:`TraineeResource.typed_values`: a spreadsheet's date cell is no text; codes and employee numbers by
``accounts.identifiers``).

Every refusal of a row is reported at once (each column with all its messages), and a file
without the required columns is refused before any row is read (no preview), naming them.

Extending it (e.g. an extra ``cohort`` column that enrols each trainee, ``courses.imports``): subclass
:class:`TraineeResource`, add the column to ``Meta.fields`` and ``required_columns``, add its
refusals in ``check_row`` after ``super()``, describe it in ``column_descriptions`` (the import page lists
every column with what it holds, and offers the header row as a CSV or XLSX template) and act on it in
``after_save_instance``; raise ``ValidationError({column: message})`` there to refuse the row, which rolls
back the whole file.

Each person a confirmed file creates (not one it updates) is mailed, once the file commits, who registered them and a
link to choose their first password (``accounts.services.welcome_on_commit``); a subclass that places them somewhere
(a cohort) names it in :meth:`TraineeResource.welcome_cohort_names`. The result counts them (``welcomed``), for the
import's message (``accounts.imports.confirm``).
"""

from __future__ import annotations

from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.results import RowResult

from .. import services, spreadsheets
from ..identifiers import clean_employee_number, normalize_code
from ..models import Institution, TraineeProfile
from ..validators import refuse_date_cell
from .reader import row_number
from .results import ImportResult
from .templates import ColumnGuide


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
        self.welcomed = 0  # the people this import created, each mailed a link to choose a password

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
        holds = {
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
        if self.institution is not None:
            # What an institution's file may change of a person already on the portal (services.trainee_columns_kept).
            holds["email"] += " " + _(
                "A trainee your institution did not register (who applied to your cohort, or whom their employer "
                "enrolled) is listed as they are: the file cannot change their details."
            )
            holds["employer"] += " " + _(
                "Set only for a trainee the file registers: a trainee already on the portal keeps their employer and "
                "employee number, which their employer or the program office changes."
            )
        return holds

    @classmethod
    def get_result_class(cls) -> type[ImportResult]:
        return ImportResult

    def import_data(self, dataset: tablib.Dataset, **kwargs: Any) -> ImportResult:
        # All rows or none: a row with a validation error rolls back the whole file.
        kwargs["rollback_on_validation_errors"] = True
        self.welcomed = 0
        result: ImportResult = super().import_data(dataset, **kwargs)
        result.welcomed = self.welcomed
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
        row["_profile"] = instance

    def after_import_row(self, row: dict[str, Any], row_result: RowResult, **kwargs: Any) -> None:
        """A person the confirmed file created is mailed, once it commits (nothing if a later row rolls it back),
        who registered them and a link to choose their first password. Not a trainee it updated, nor a preview."""
        super().after_import_row(row, row_result, **kwargs)
        if row_result.import_type == RowResult.IMPORT_TYPE_NEW and not kwargs.get("dry_run"):
            services.welcome_on_commit(profile=row["_profile"], cohort_names=self.welcome_cohort_names(row))
            self.welcomed += 1

    def welcome_cohort_names(self, row: dict[str, Any]) -> dict[str, str]:
        """The cohort the row's new trainee was enrolled in, named in each language (code -> name), for their
        welcome mail; none here (``courses.imports`` enrols)."""
        return {}

    def skip_row(
        self,
        instance: TraineeProfile,
        original: TraineeProfile,
        row: dict[str, Any],
        import_validation_errors: Any = None,
    ) -> bool:
        return self.changes_nothing(row)

    def changes_nothing(self, row: dict[str, Any]) -> bool:
        """Whether the row is skipped (the preview says so): its trainee is as the file has them. A subclass
        whose columns act too (an enrolment) narrows it after ``super()``."""
        checked: services.TraineeRow = row["_trainee"]
        return checked.unchanged

    def validate_instance(
        self, instance: TraineeProfile, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance: TraineeProfile, is_create: bool) -> None:
        services.do_register_trainee(profile=instance)
