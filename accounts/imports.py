"""Bulk import of trainees (CSV or XLSX): a dry-run preview, errors per row, all rows or none.

Columns: ``email`` and ``display_name`` (required); ``preferred_language``, ``employer`` (an
employer code), ``employee_number``, ``branch``, ``manager_class``, ``phone`` (optional). A row
matches an existing trainee by employer + employee number, else by e-mail, so importing the same
file twice changes nothing. New people get an account without a usable password: they choose one
through "forgot your password", which also proves the address.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.forms import ImportForm

from .models import Employer, Institution, TraineeProfile, User
from .scoping import TRAINEE_GROUP

MAX_IMPORT_BYTES = 5 * 1024 * 1024
REQUIRED_COLUMNS = {"email", "display_name"}
LANGUAGES = {code for code, _name in settings.LANGUAGES}


class TraineeImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(gettext_lazy("The file is larger than 5 MB. Split it and import the parts."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(gettext_lazy("Only CSV and XLSX files can be imported."))
        return upload


class TraineeResource(resources.ModelResource):
    email = fields.Field(attribute="user__email", column_name="email")
    display_name = fields.Field(attribute="user__display_name", column_name="display_name")
    preferred_language = fields.Field(attribute="user__preferred_language", column_name="preferred_language")
    employer = fields.Field(attribute="employer__code", column_name="employer")

    class Meta:
        model = TraineeProfile
        fields = (
            "email", "display_name", "preferred_language", "employer", "employee_number",
            "branch", "manager_class", "phone",
        )
        export_order = fields
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, institution: Institution | None = None, **kwargs: Any) -> None:
        """``institution``: the importing staff member's institution; None for the program office."""
        super().__init__(**kwargs)
        self.institution = institution
        self._seen: dict[tuple, int] = {}

    def get_queryset(self):
        return super().get_queryset().select_related("user", "employer")

    def import_data(self, dataset, **kwargs: Any):
        # All rows or none: a row with a validation error rolls back the whole file.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs: Any) -> None:
        headers = {(h or "").strip().lower() for h in (dataset.headers or [])}
        missing = sorted(REQUIRED_COLUMNS - headers)
        if missing:
            raise ValueError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
        dataset.headers = [(h or "").strip().lower() for h in dataset.headers]

    def before_import_row(self, row: dict, **kwargs: Any) -> None:
        row_number = kwargs.get("row_number")
        for key in self.Meta.fields:
            row[key] = str(row.get(key) or "").strip()
        row["email"] = row["email"].lower()
        if not row["email"]:
            raise ValidationError({"email": _("Every row needs an e-mail address.")})
        try:
            forms.EmailField().clean(row["email"])
        except ValidationError:
            raise ValidationError({"email": _("%(email)s is not an e-mail address.") % {"email": row["email"]}}) from None
        if not row["display_name"]:
            raise ValidationError({"display_name": _("Every row needs a name.")})
        row["preferred_language"] = row["preferred_language"].lower() or settings.LANGUAGE_CODE
        if row["preferred_language"] not in LANGUAGES:
            raise ValidationError({"preferred_language": _("The language must be zh-hant or en.")})
        if row["manager_class"] and row["manager_class"] not in TraineeProfile.ManagerClass.values:
            raise ValidationError({"manager_class": _("The class must be personal, corporate or comprehensive.")})
        employer = None
        if row["employer"]:
            employer = Employer.objects.filter(code=row["employer"]).first()
            if employer is None:
                raise ValidationError({"employer": _("There is no employer %(code)s.") % {"code": row["employer"]}})
        if row["employee_number"] and employer is None:
            raise ValidationError({"employee_number": _("An employee number needs an employer.")})
        for key in [("email", row["email"]), ("employee", row["employer"], row["employee_number"])]:
            if key[0] == "employee" and not row["employee_number"]:
                continue
            if key in self._seen and self._seen[key] != row_number:
                field = "email" if key[0] == "email" else "employee_number"
                raise ValidationError({field: _("Row %(row)s has the same value.") % {"row": self._seen[key]}})
            self._seen[key] = row_number
        row["_employer"] = employer

    def get_instance(self, instance_loader, row: dict) -> TraineeProfile | None:
        queryset = TraineeProfile.objects.select_related("user", "employer")
        profile = None
        if row.get("_employer") and row.get("employee_number"):
            profile = queryset.filter(employer=row["_employer"], employee_number=row["employee_number"]).first()
            if profile is not None and profile.user.email != row["email"]:
                raise ValidationError(
                    {"employee_number": _("This employee number belongs to another person at this employer.")}
                )
        if profile is None:
            profile = queryset.filter(user__email__iexact=row["email"]).first()
            if profile is None and User.objects.filter(email__iexact=row["email"]).exists():
                raise ValidationError({"email": _("This address belongs to a staff account, not a trainee.")})
        if profile is not None and self.institution is not None:
            foreign = profile.registered_by_id not in (None, self.institution.pk)
            enrolled_here = profile.user.enrolments.filter(cohort__institution=self.institution).exists()
            if foreign and not enrolled_here:
                raise ValidationError({"email": _("This trainee is registered with another institution.")})
        return profile

    def import_instance(self, instance: TraineeProfile, row: dict, **kwargs: Any) -> None:
        if instance.pk is None:
            instance.user = User(
                email=row["email"], display_name=row["display_name"], preferred_language=row["preferred_language"]
            )
        else:
            instance.user.display_name = row["display_name"]
            instance.user.preferred_language = row["preferred_language"]
        instance.employer = row["_employer"]
        instance.employee_number = row["employee_number"]
        instance.branch = row["branch"]
        instance.manager_class = row["manager_class"]
        instance.phone = row["phone"]
        if instance.registered_by_id is None and self.institution is not None:
            instance.registered_by = self.institution

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        if original is None or original.pk is None:
            return False
        compared = ["employer_id", "employee_number", "branch", "manager_class", "phone", "registered_by_id"]
        return all(getattr(instance, f) == getattr(original, f) for f in compared) and (
            instance.user.display_name == original.user.display_name
            and instance.user.preferred_language == original.user.preferred_language
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True) -> None:
        errors = dict(import_validation_errors or {})
        try:
            instance.user.full_clean(exclude=["password"], validate_unique=False)
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance: TraineeProfile, is_create: bool) -> None:
        user = instance.user
        if user.pk is None:
            user.set_unusable_password()
            user.save(force_insert=True)
            instance.user = user
            group, _created = Group.objects.get_or_create(name=TRAINEE_GROUP)
            user.groups.add(group)
        else:
            user.save(update_fields=["display_name", "preferred_language"])
        instance.save()
