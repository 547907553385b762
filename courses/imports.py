"""Bulk import of trainees with their enrolments: one file, all rows or none.

The trainee import of ``accounts.imports`` (its columns, checks and matching of existing
trainees) plus a ``cohort`` column: every row's trainee is enrolled in that cohort through
``courses.services.do_enrol`` with the importing institution as ``acting_institution``, so a
foreign, full or closed cohort refuses the row, and any refused row rolls the whole file back
(people included).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import fields

from accounts.imports import TraineeResource
from accounts.models import TraineeProfile

from . import services
from .models import Cohort


class TraineeEnrolmentResource(TraineeResource):
    # Read from the row, not written to the trainee; the preview shows the cohort each row is enrolled in.
    cohort = fields.Field(attribute="enrolled_in", column_name="cohort", readonly=True)

    class Meta(TraineeResource.Meta):
        fields = (*TraineeResource.Meta.fields, "cohort")
        export_order = fields

    required_columns = (*TraineeResource.required_columns, "cohort")

    def check_row(self, row: dict, **kwargs: Any) -> dict[str, list[str]]:
        errors = super().check_row(row, **kwargs)
        code = str(row.get("cohort") or "").strip()
        cohort = Cohort.objects.select_related("institution", "curriculum").filter(code=code).first()
        if cohort is None or (self.institution is not None and cohort.institution_id != self.institution.pk):
            # Another institution's cohort is reported like a missing one: codes do not leak.
            errors.setdefault("cohort", []).append(_("There is no cohort %(code)s of yours.") % {"code": code or "—"})
        row["_cohort"] = cohort
        return errors

    def get_diff_headers(self) -> list[str]:
        headers = super().get_diff_headers()
        return [
            f"{capfirst(Cohort._meta.verbose_name)} ({field.column_name})" if field is self.fields["cohort"] else header
            for field, header in zip(self.get_import_fields(), headers, strict=True)
        ]

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        return False  # an unchanged trainee is still enrolled

    def after_save_instance(self, instance: TraineeProfile, row: dict, **kwargs: Any) -> None:
        super().after_save_instance(instance, row, **kwargs)
        try:
            enrolment = services.do_enrol(
                trainee=instance.user, cohort=row["_cohort"], acting_institution=self.institution, on_behalf=True
            )
        except services.TrainingError as error:
            raise ValidationError({"cohort": str(error)}) from None
        instance.enrolled_in = enrolment.cohort.code  # the preview's cohort column (the "cohort" field)
