"""Bulk import of trainees with their enrolments: one file, all rows or none.

The trainee import of ``accounts.imports.resources`` (its columns, checks and matching of existing
trainees) plus a ``cohort`` column: every row's trainee is enrolled in that cohort through
``courses.services.do_enrol`` with the importing institution as ``acting_institution``, so a
foreign, full or closed cohort refuses the row, and any refused row rolls the whole file back
(people included).

Each trainee the file creates is mailed who registered them, the cohort and a link to choose their password
(``accounts.imports.resources``; :meth:`TraineeEnrolmentResource.welcome_cohort_names`).

A row whose trainee already has an active enrolment in that very cohort enrols nobody: staff re-upload a
whole class list to add a few people. Unchanged otherwise, the row is skipped (the preview says so); an
active enrolment in another cohort of the curriculum still refuses the row (``do_enrol``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import fields

from accounts.identifiers import normalize_code
from accounts.imports.resources import TraineeResource
from accounts.imports.results import ImportResult
from accounts.models import TraineeProfile

from . import services
from .models import Cohort, Enrolment


class EnrolmentImportResult(ImportResult):
    """The trainee import's result, with what its rows did to enrolments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrolments_made = 0  # trainees enrolled by the file
        self.already_enrolled = 0  # rows whose trainee was enrolled in that cohort already


class TraineeEnrolmentResource(TraineeResource):
    # Read from the row, not written to the trainee; the preview shows the cohort each row is enrolled in.
    cohort = fields.Field(attribute="enrolled_in", column_name="cohort", readonly=True)

    class Meta(TraineeResource.Meta):
        fields = (*TraineeResource.Meta.fields, "cohort")
        export_order = fields

    required_columns = (*TraineeResource.required_columns, "cohort")

    @classmethod
    def get_result_class(cls) -> type[EnrolmentImportResult]:
        return EnrolmentImportResult

    def import_data(self, dataset: Any, **kwargs: Any) -> EnrolmentImportResult:
        # What the rows did to enrolments, for the summary (EnrolmentAdmin.add_success_message): a trainee
        # row updated may have enrolled its trainee or found them enrolled already.
        self.enrolments_made = self.already_enrolled = 0
        result = super().import_data(dataset, **kwargs)
        assert isinstance(result, EnrolmentImportResult)
        result.enrolments_made, result.already_enrolled = self.enrolments_made, self.already_enrolled
        return result

    def check_row(self, row: dict[str, Any], **kwargs: Any) -> dict[str, list[str]]:
        errors = super().check_row(row, **kwargs)
        cohort = None
        if "cohort" not in errors:  # a date cell is refused already (TraineeResource.typed_values)
            code = normalize_code(row.get("cohort"))
            if not code:  # required, like the trainee's address and name (accounts.services.check_trainee_row)
                errors["cohort"] = [_("Every row needs a cohort.")]
            else:
                cohort, refusal = self._cohort_of(code)
                if refusal:
                    errors["cohort"] = [refusal]
        row["_cohort"] = cohort
        return errors

    def _cohorts(self) -> QuerySet[Cohort]:
        cohorts = Cohort.objects.select_related("institution", "curriculum")
        return cohorts if self.institution is None else cohorts.filter(institution=self.institution)

    def _cohort_of(self, code: str) -> tuple[Cohort | None, str]:
        """The importer's cohort of ``code`` (not empty), else why none. Typed as stored, or in another case when only
        one of their cohorts' codes matches (spreadsheets change case); another institution's cohort is reported like
        a missing one, so that codes do not leak."""
        matches = list(self._cohorts().filter(code__iexact=code)[:10])
        exact = [cohort for cohort in matches if cohort.code == code]
        if exact or len(matches) == 1:
            return (exact or matches)[0], ""
        if matches:
            return None, _(
                "Your cohorts %(codes)s differ from %(code)s only in case: type the code as it is stored."
            ) % {
                "codes": ", ".join(sorted(cohort.code for cohort in matches)),
                "code": code,
            }
        return None, _("There is no cohort %(code)s of yours.") % {"code": code}

    def column_descriptions(self) -> dict[str, str]:
        example = self._cohorts().filter(status=Cohort.Status.OPEN).order_by("-starts_on").first()
        if example is None:
            holds = _(
                "The code of the cohort to enrol the trainee in, one of your institution's that is open for "
                "enrolment. A trainee enrolled in it already is not enrolled again."
            )
        else:
            holds = _(
                "The code of the cohort to enrol the trainee in (such as %(code)s), one of your institution's that is "
                "open for enrolment. A trainee enrolled in it already is not enrolled again."
            ) % {"code": example.code}
        return super().column_descriptions() | {"cohort": holds}

    def get_diff_headers(self) -> list[str]:
        headers = super().get_diff_headers()
        return [
            f"{capfirst(Cohort._meta.verbose_name)} ({field.column_name})" if field is self.fields["cohort"] else header
            for field, header in zip(self.get_import_fields(), headers, strict=True)
        ]

    def import_instance(self, instance: TraineeProfile, row: dict[str, Any], **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        # Whether this row's enrolment is there already (a class list uploaded again): its trainee stays enrolled.
        row["_enrolled"] = (
            instance.pk is not None
            and Enrolment.objects.filter(
                trainee_id=instance.user_id, cohort=row["_cohort"], state__in=Enrolment.ACTIVE_STATES
            ).exists()
        )
        if row["_enrolled"]:
            instance.enrolled_in = row["_cohort"].code  # type: ignore[attr-defined]  # the preview's cohort column

    def welcome_cohort_names(self, row: dict[str, Any]) -> dict[str, str]:
        # A new trainee's welcome mail names the cohort they were enrolled in, in their language (read by the worker).
        names = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names[language] = str(row["_cohort"])
        return names

    def changes_nothing(self, row: dict[str, Any]) -> bool:
        # An unchanged trainee is still enrolled, unless enrolled there already.
        return row["_enrolled"] and super().changes_nothing(row)

    def after_import_row(self, row: dict[str, Any], row_result: Any, **kwargs: Any) -> None:
        super().after_import_row(row, row_result, **kwargs)
        if row.get("_enrolled") and not row_result.validation_error and not row_result.errors:
            self.already_enrolled += 1

    def after_save_instance(self, instance: TraineeProfile, row: dict[str, Any], **kwargs: Any) -> None:
        super().after_save_instance(instance, row, **kwargs)
        if row["_enrolled"]:
            return
        try:
            enrolment = services.do_enrol(
                trainee=instance.user, cohort=row["_cohort"], acting_institution=self.institution, on_behalf=True
            )
        except services.TrainingError as error:
            raise ValidationError({"cohort": str(error)}) from None
        instance.enrolled_in = enrolment.cohort.code  # type: ignore[attr-defined]  # the preview's cohort column
        self.enrolments_made += 1
