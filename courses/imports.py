"""Bulk import of trainees with their enrolments: one file, all rows or none.

Columns: ``email``, ``display_name``, ``preferred_language`` (optional), ``employer`` (an employer
code, optional), ``employee_number`` (optional), ``cohort`` (a cohort code). A new e-mail
address becomes a trainee account without a usable password (they set one through the
password reset); an existing person is never changed by someone else's file, only enrolled.
Each enrolment goes through ``courses.services.do_enrol`` with the importing institution as
``acting_institution``, so a foreign, full or closed cohort refuses the row, and any refused row
rolls the whole file back (``use_transactions``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from accounts.models import Employer, Institution, TraineeProfile, User
from accounts.scoping import TRAINEE_GROUP

from . import services
from .models import Cohort


class TraineeEnrolmentResource(resources.ModelResource):
    employer = fields.Field(column_name="employer", readonly=True)
    employee_number = fields.Field(column_name="employee_number", readonly=True)
    cohort = fields.Field(column_name="cohort", readonly=True)

    class Meta:
        model = User
        fields = ("email", "display_name", "preferred_language", "employer", "employee_number", "cohort")
        import_id_fields = ("email",)
        use_transactions = True
        skip_unchanged = False

    def __init__(self, *, institution: Institution | None = None, **kwargs: Any) -> None:
        """``institution``: the importing staff member's institution; None for the program office."""
        super().__init__(**kwargs)
        self.institution = institution

    def before_import_row(self, row: dict, **kwargs: Any) -> None:
        row["email"] = (row.get("email") or "").strip().lower()
        if not row["email"]:
            raise ValidationError({"email": _("Every row needs an e-mail address.")})
        code = (row.get("cohort") or "").strip()
        cohort = Cohort.objects.select_related("institution", "curriculum").filter(code=code).first()
        if cohort is None or (self.institution is not None and cohort.institution_id != self.institution.pk):
            # Another institution's cohort is reported like a missing one: codes do not leak.
            raise ValidationError({"cohort": _("There is no cohort %(code)s of yours.") % {"code": code or "—"}})
        employer_code = (row.get("employer") or "").strip()
        employer = None
        if employer_code:
            employer = Employer.objects.filter(code=employer_code).first()
            if employer is None:
                raise ValidationError({"employer": _("There is no employer %(code)s.") % {"code": employer_code}})
        if (row.get("employee_number") or "").strip() and employer is None:
            raise ValidationError({"employee_number": _("An employee number needs an employer.")})
        row["_cohort"], row["_employer"] = cohort, employer

    def import_instance(self, instance: User, row: dict, **kwargs: Any) -> None:
        if instance.pk:
            return  # someone's existing account is theirs: the file only enrols them
        super().import_instance(instance, row, **kwargs)
        if not instance.preferred_language:
            instance.preferred_language = "zh-hant"

    def validate_instance(
        self, instance: User, import_validation_errors: dict | None = None, validate_unique: bool = True
    ) -> None:
        if not instance.pk:
            instance.email = instance.email.lower()
            if not instance.display_name:
                raise ValidationError({"display_name": _("A new trainee needs a name.")})
        super().validate_instance(instance, import_validation_errors, validate_unique)

    def do_instance_save(self, instance: User, is_create: bool) -> None:
        if is_create:  # an existing account is left as it is
            instance.set_unusable_password()
            instance.save(force_insert=True)

    def after_save_instance(self, instance: User, row: dict, **kwargs: Any) -> None:
        if not hasattr(instance, "trainee_profile"):
            TraineeProfile.objects.create(
                user=instance, employer=row["_employer"], employee_number=(row.get("employee_number") or "").strip()
            )
            group = Group.objects.filter(name=TRAINEE_GROUP).first()
            if group is not None:
                instance.groups.add(group)
        try:
            services.do_enrol(trainee=instance, cohort=row["_cohort"], acting_institution=self.institution)
        except services.TrainingError as error:
            raise ValidationError({"cohort": str(error)}) from None
