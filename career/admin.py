"""The register in admin: a bank's HR staff keep their bank's grades and authority table
(``EmployerScopedAdmin``: their employer's rows only); the program office sets the certificate rule and
sees counts per bank (``RegisterComplianceAdmin``), never a bank's rows. Writes go through ``career.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import TraineeProfile
from accounts.scoping import EmployerScopedAdmin, employer_of, is_program_office
from core.admin_actions import ReadOnlyAdminMixin

from . import selectors, services
from .models import (
    AuthorityTable,
    CertificateRule,
    ComplianceEvent,
    GradeChange,
    ManagerGrade,
    RegisterCompliance,
)
from .services import CareerError


@admin.register(CertificateRule)
class CertificateRuleAdmin(admin.ModelAdmin):
    """National: the least certificate of each grade. The program office changes the nine rules (no more,
    no fewer); HR staff may read them. Every grade is re-checked after a change (the compliance sweep)."""

    list_display = ["manager_class", "level", "min_tier", "track", "updated_at"]
    list_select_related = ["min_tier", "track"]
    fields = ["manager_class", "level", "min_tier", "track"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["manager_class", "level"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_program_office(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: CertificateRule, form: Any, change: bool) -> None:
        try:
            services.do_set_rule(
                manager_class=obj.manager_class,
                level=obj.level,
                min_tier=obj.min_tier,
                track=obj.track,
                by=request.user,
            )
        except CareerError as error:  # checked in the form's clean already; a race lands here
            raise ValidationError(error.message) from error

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)

        class RuleForm(base):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                tier, track = data.get("min_tier"), data.get("track")
                if tier is not None and track is not None and not tier.has_tracks:
                    raise ValidationError(_("This tier has no tracks: leave the track empty."))
                return data

        return RuleForm


@admin.register(AuthorityTable)
class AuthorityTableAdmin(EmployerScopedAdmin):
    employer_paths = ("employer",)
    employer_field = "employer"
    list_display = ["manager_class", "level", "amount", "employer", "updated_at"]
    list_filter = ["manager_class", "level"]
    list_select_related = ["employer"]
    ordering = ["manager_class", "level"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        employer = employer_of(request.user)

        class AuthorityForm(base):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                # The employer is stamped, not in the form, so Django's own check of the unique constraint
                # skips it; an HR staff member's second row of a grade is refused here, in words.
                owner = employer or data.get("employer") or getattr(self.instance, "employer", None)
                taken = AuthorityTable.objects.filter(
                    employer=owner, manager_class=data.get("manager_class"), level=data.get("level")
                ).exclude(pk=self.instance.pk)
                if owner is not None and taken.exists():
                    raise ValidationError(_("This employer already has a lending authority for this class and level."))
                return data

        return AuthorityForm


class GradeChangeInline(admin.TabularInline):
    model = GradeChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "old_class", "old_level", "new_class", "new_level", "reason", "note", "changed_by"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ComplianceEventInline(admin.TabularInline):
    model = ComplianceEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "compliant", "manager_class", "level"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GradeForm(forms.ModelForm):
    """The grade and why it changes; saved by ``career.services.do_set_grade``, checked by its check first."""

    reason = forms.ChoiceField(label=_("reason"), choices=GradeChange.Reason.choices)
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = ManagerGrade
        fields = ["employee", "manager_class", "level", "since"]

    employer: Any = None  # the HR staff member's employer, set by the admin

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        employee = data.get("employee") or (self.instance.employee if self.instance.pk else None)
        if employee is None or not data.get("manager_class") or not data.get("level") or not data.get("reason"):
            return data
        employer = self.employer or employee.employer
        if employer is None:
            raise ValidationError(_("This person is not an employee of this bank."))
        try:
            services.check_set_grade(
                employer=employer,
                employee=employee,
                manager_class=data["manager_class"],
                level=data["level"],
                reason=data["reason"],
            )
        except CareerError as error:
            raise ValidationError(error.message, code=error.code) from error
        data["employer"] = employer
        return data

    def validate_unique(self) -> None:
        # One grade per employee: a second is a change of the first, which check_set_grade handles.
        pass


@admin.register(ManagerGrade)
class ManagerGradeAdmin(EmployerScopedAdmin):
    """A bank's register: each manager's grade, lending authority and whether a certificate backs it (since when)."""

    employer_paths = ("employer",)
    form = GradeForm
    list_display = [
        "employee_name", "employee_number", "manager_class", "level", "authority", "since", "compliant",
        "non_compliant_since",
    ]  # fmt: skip
    list_filter = ["compliant", ("non_compliant_since", admin.DateFieldListFilter), "manager_class", "level"]
    search_fields = ["employee__user__display_name", "employee__employee_number", "employee__user__email"]
    readonly_fields = ["compliant", "non_compliant_since", "authority_of_grade"]
    inlines = [GradeChangeInline, ComplianceEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ManagerGrade]:
        queryset = super().get_queryset(request)
        return selectors.with_authority(queryset.select_related("employee__user", "employer"))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["manager_class", "level", "since", "reason", "note"]
        if obj is None:
            return ["employee", *fields]
        return ["employee_name", *fields, "authority_of_grade", "compliant", "non_compliant_since"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        extra = ["employee_name"] if obj is not None else []
        return [*self.readonly_fields, *extra]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["fields"] = [f for f in self.get_fields(request, obj) if f not in self.get_readonly_fields(request, obj)]
        base = super().get_form(request, obj, change=change, **kwargs)
        base.employer = employer_of(request.user)
        return base

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "employee":
            employer = employer_of(request.user)
            employees = TraineeProfile.objects.filter(employer__isnull=False, user__is_active=True)
            if employer is not None:
                employees = employees.filter(employer=employer)
            elif not request.user.is_superuser:
                employees = employees.none()
            kwargs["queryset"] = employees.filter(manager_grade__isnull=True).select_related("user")
            return super(EmployerScopedAdmin, self).formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ManagerGrade, form: Any, change: bool) -> None:
        data = form.cleaned_data
        grade = services.do_set_grade(
            employer=data["employer"],
            employee=data.get("employee") or obj.employee,
            manager_class=data["manager_class"],
            level=data["level"],
            reason=data["reason"],
            note=data.get("note", ""),
            since=data.get("since"),
            by=request.user,
        )
        obj.pk, obj.employer_id = grade.pk, grade.employer_id

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return list(self.inlines) if obj is not None else []  # history, once there is a grade

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a grade's history is kept; a manager who leaves is a grade change, not a deletion

    @admin.display(description=_("employee"), ordering="employee__user__display_name")
    def employee_name(self, obj: ManagerGrade) -> str:
        return obj.employee.user.display_name

    @admin.display(description=_("employee number"), ordering="employee__employee_number")
    def employee_number(self, obj: ManagerGrade) -> str:
        return obj.employee.employee_number

    @admin.display(description=_("lending authority (TWD)"), ordering="authority")
    def authority(self, obj: ManagerGrade) -> Any:
        return getattr(obj, "authority", None)

    @admin.display(description=_("lending authority (TWD)"))
    def authority_of_grade(self, obj: ManagerGrade) -> Any:
        return getattr(obj, "authority", None) if obj.pk else None


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdminMixin, EmployerScopedAdmin):
    employer_paths = ("grade__employer",)
    list_display = ["changed_at", "grade", "old_class", "old_level", "new_class", "new_level", "reason", "changed_by"]
    list_filter = ["reason"]
    list_select_related = ["grade__employee__user", "changed_by"]
    search_fields = ["grade__employee__user__display_name", "grade__employee__employee_number"]


@admin.register(ComplianceEvent)
class ComplianceEventAdmin(ReadOnlyAdminMixin, EmployerScopedAdmin):
    employer_paths = ("grade__employer",)
    list_display = ["occurred_at", "grade", "compliant", "manager_class", "level"]
    list_filter = ["compliant"]
    list_select_related = ["grade__employee__user"]
    search_fields = ["grade__employee__user__display_name", "grade__employee__employee_number"]


@admin.register(RegisterCompliance)
class RegisterComplianceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The program office's view of the register: per bank, how many grades a certificate backs and how
    many it does not — counts, no names, no grades (issue 19, privacy)."""

    list_display = ["code", "bank", "graded", "compliant_count", "non_compliant_count"]
    fields = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.compliance_counts(super().get_queryset(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_program_office(request.user) and super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_program_office(request.user) and super().has_module_permission(request)

    @admin.display(description=_("employer"))
    def bank(self, obj: Any) -> str:
        return str(obj.name)

    @admin.display(description=_("graded managers"), ordering="graded")
    def graded(self, obj: Any) -> int:
        return int(obj.graded)

    @admin.display(description=_("backed by a certificate"), ordering="compliant_count")
    def compliant_count(self, obj: Any) -> int:
        return int(obj.compliant_count)

    @admin.display(description=_("not backed"), ordering="non_compliant_count")
    def non_compliant_count(self, obj: Any) -> int:
        return int(obj.non_compliant_count)
