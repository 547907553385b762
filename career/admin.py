"""The register in admin: a bank's HR staff keep their bank's grades and authority table
(``EmployerScopedAdmin``: their employer's rows only); the program office sets the certificate rule and
sees counts per bank (``RegisterComplianceAdmin``), never a bank's rows. Writes go through ``career.services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import TraineeProfile
from accounts.scoping import EmployerScopedAdmin, employer_of, is_program_office
from core.admin_actions import ReadOnlyAdminMixin, ReadOnlyInline, apply_to_each

from . import selectors
from .models import (
    AuthorityTable,
    CertificateRule,
    ComplianceEvent,
    Evaluation,
    EvaluationPeriod,
    EvaluationScheme,
    EvaluationScore,
    GradeChange,
    ManagerGrade,
    ManagerLevel,
    PeriodKind,
    RegisterCompliance,
    SchemeDimension,
)
from .services import CareerError, evaluations, register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _refused(error: CareerError) -> ValidationError:
    """A service's refusal as a form's error, in the user's language, its code kept."""
    return ValidationError(error.message, code=error.code)


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
            register.do_set_rule(
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

    # Grades whose authority row moves to another grade or goes away change for the API's sync too.
    def save_model(self, request: HttpRequest, obj: AuthorityTable, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = AuthorityTable.objects.filter(pk=obj.pk).values_list("manager_class", "level").first()
            super().save_model(request, obj, form, change)
            if before is not None and before != (obj.manager_class, obj.level):
                register.do_touch_grades_of_authority(employer_id=obj.employer_id, grades=[before])

    def delete_model(self, request: HttpRequest, obj: AuthorityTable) -> None:
        self.delete_queryset(request, AuthorityTable.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AuthorityTable]) -> None:
        with transaction.atomic():
            rows = list(queryset.values_list("employer_id", "manager_class", "level"))
            super().delete_queryset(request, queryset)
            for employer_id in {row[0] for row in rows}:
                register.do_touch_grades_of_authority(
                    employer_id=employer_id, grades=[(c, lv) for e, c, lv in rows if e == employer_id]
                )


class GradeChangeInline(ReadOnlyInline):
    model = GradeChange
    fields = ["changed_at", "old_class", "old_level", "new_class", "new_level", "reason", "note", "changed_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[GradeChange]:
        return super().get_queryset(request).select_related("grade__employee__user", "changed_by")  # each row's title


class ComplianceEventInline(ReadOnlyInline):
    model = ComplianceEvent
    fields = ["occurred_at", "compliant", "manager_class", "level"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ComplianceEvent]:
        return super().get_queryset(request).select_related("grade__employee__user")  # each row's title


class GradeForm(forms.ModelForm):
    """The grade and why it changes; saved by ``career.services.register.do_set_grade``, checked by its check first."""

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
            register.check_set_grade(
                employer=employer,
                employee=employee,
                manager_class=data["manager_class"],
                level=data["level"],
                reason=data["reason"],
            )
        except CareerError as error:
            raise _refused(error) from error
        data["employer"] = employer
        return data

    def validate_unique(self) -> None:
        # One grade per employee: a second is a change of the first, which check_set_grade handles.
        pass


class EmployeeColumns:
    """The employee's name and number as columns sorted by them, for an admin of rows of one employee."""

    @admin.display(description=_("employee"), ordering="employee__user__display_name")
    def employee_name(self, obj: ManagerGrade | Evaluation) -> str:
        return obj.employee.user.display_name

    @admin.display(description=_("employee number"), ordering="employee__employee_number")
    def employee_number(self, obj: ManagerGrade | Evaluation) -> str:
        return obj.employee.employee_number


@admin.register(ManagerGrade)
class ManagerGradeAdmin(EmployeeColumns, EmployerScopedAdmin):
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
            # No grade yet, or one that ended (they left and are the bank's again: a grade reopens it).
            ungraded = Q(manager_grade__isnull=True) | Q(manager_grade__ended_at__isnull=False)
            kwargs["queryset"] = employees.filter(ungraded).select_related("user")
            return super(EmployerScopedAdmin, self).formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ManagerGrade, form: Any, change: bool) -> None:
        data = form.cleaned_data
        grade = register.do_set_grade(
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
        return False  # a grade's history is kept; a manager who leaves ends it (register.do_end_grades)

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


def _count_column(annotation: str, description: StrOrPromise) -> Callable[[Any, Any], int]:
    """A change-list column showing the count the queryset annotates as ``annotation``, sorted by it."""

    @admin.display(description=description, ordering=annotation)
    def column(modeladmin: Any, obj: Any) -> int:
        return int(getattr(obj, annotation))

    return column


@admin.register(RegisterCompliance)
class RegisterComplianceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The program office's view of the register: per bank, how many grades a certificate backs and how
    many it does not — counts, no names, no grades (issue 19, privacy)."""

    list_display = ["code", "bank", "graded", "compliant_count", "non_compliant_count", "evaluation_count"]
    # The detail page shows the list's counts too (read-only, as every field here).
    fields = ["code", "name_zh", "name_en", "graded", "compliant_count", "non_compliant_count", "evaluation_count"]
    readonly_fields = ["graded", "compliant_count", "non_compliant_count", "evaluation_count"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.with_evaluation_counts(selectors.compliance_counts(super().get_queryset(request)))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_program_office(request.user) and super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_program_office(request.user) and super().has_module_permission(request)

    @admin.display(description=_("employer"))
    def bank(self, obj: Any) -> str:
        return str(obj.name)

    graded = _count_column("graded", _("graded managers"))
    compliant_count = _count_column("compliant_count", _("backed by a certificate"))
    non_compliant_count = _count_column("non_compliant_count", _("not backed"))
    # A count only: the scores are the bank's.
    evaluation_count = _count_column("evaluation_count", _("evaluations recorded"))


# --- evaluations (issue 19, item 4) ---------------------------------------------------------------


def _nothing_saved(formsets: Any) -> None:
    """Read-only inlines of rows a service wrote: nothing to save, nothing for the change message."""
    for formset in formsets:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def _in_page_language(zh: str, en: str) -> str:
    """A name given in both languages, in the page's (English pages English, the others Chinese)."""
    return en if (get_language() or "").startswith("en") else zh


class SchemeForm(forms.ModelForm):
    """A scheme's periods, the weight of each dimension (the five standard ones, and the ability indicators
    a bank may add: 0 or empty leaves one out) and each level's least weighted score; checked and saved by
    ``career.services`` (``check_scheme``, ``do_save_scheme``)."""

    period_kinds = forms.MultipleChoiceField(
        label=_("periods used"), choices=PeriodKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = EvaluationScheme
        fields = ["employer", "name", "active"]

    employer_of_user: Any = None  # the HR staff member's employer, set by the admin

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weights = {d.code: d.weight for d in self.instance.dimensions.all()} if self.instance.pk else {}
        for code, zh, en, default in evaluations.STANDARD_DIMENSIONS:
            self.fields[f"weight_{code}"] = forms.IntegerField(
                label=f"{_in_page_language(zh, en)} (%)", min_value=1, max_value=100, initial=weights.get(code, default)
            )
        for code, zh, en in evaluations.ABILITY_DIMENSIONS:
            self.fields[f"weight_{code}"] = forms.IntegerField(
                label=f"{_in_page_language(zh, en)} (%)", min_value=0, max_value=100, required=False,
                initial=weights.get(code),
                help_text=_("optional: 0 or empty leaves it out"),
            )  # fmt: skip
        thresholds = {t.level: t.min_score for t in self.instance.thresholds.all()} if self.instance.pk else {}
        for level, label in ManagerLevel.choices:
            self.fields[f"threshold_{level}"] = forms.DecimalField(
                label=_("least weighted score: %(level)s") % {"level": label},
                min_value=0, max_value=100, decimal_places=2,
                initial=thresholds.get(level, evaluations.DEFAULT_THRESHOLDS[ManagerLevel(level)]),
            )  # fmt: skip
        if self.instance.pk:
            self.fields["period_kinds"].initial = self.instance.period_kinds
        else:
            self.fields["period_kinds"].initial = [PeriodKind.QUARTERLY, PeriodKind.ANNUAL]

    def dimensions(self) -> list[evaluations.Dimension]:
        data = self.cleaned_data
        # Extra dimensions defined through the services (not the known ones) keep their weights.
        kept = [
            evaluations.Dimension(d.code, d.weight, d.name_zh, d.name_en)
            for d in (self.instance.dimensions.all() if self.instance.pk else [])
            if d.code not in evaluations.KNOWN_DIMENSIONS
        ]
        known = [
            evaluations.Dimension(code, data.get(f"weight_{code}") or 0)
            for code in evaluations.KNOWN_DIMENSIONS
            if data.get(f"weight_{code}")
        ]
        return known + kept

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        employer = self.employer_of_user or data.get("employer") or getattr(self.instance, "employer", None)
        if self.errors or employer is None:
            return data
        try:
            evaluations.check_scheme(
                name=data.get("name", ""),
                period_kinds=data.get("period_kinds", []),
                dimensions=self.dimensions(),
                thresholds={level: data.get(f"threshold_{level}") for level in ManagerLevel.values},
            )
            evaluations.check_save_scheme(
                employer=employer,
                scheme=self.instance if self.instance.pk else None,
                name=data.get("name", ""),
                active=bool(data.get("active")),
                codes=[d.code for d in self.dimensions()],
            )
        except CareerError as error:
            raise _refused(error) from error
        data["employer"] = employer
        return data

    def validate_unique(self) -> None:
        pass  # the checks above say it in words (the employer is stamped, not in the form)


class DimensionInline(ReadOnlyInline):
    model = SchemeDimension
    fields = ["position", "code", "name_zh", "name_en", "weight"]


class PeriodInline(ReadOnlyInline):
    model = EvaluationPeriod
    fields = ["kind", "starts_on", "ends_on"]


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(EmployerScopedAdmin):
    """A bank's evaluation scheme: its periods, dimension weights (summing to 100) and level thresholds."""

    employer_paths = ("employer",)
    employer_field = "employer"
    form = SchemeForm
    list_display = ["name", "employer", "active", "periods_used", "updated_at"]
    list_filter = ["active"]
    list_select_related = ["employer"]
    inlines = [DimensionInline, PeriodInline]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        owner = [] if employer_of(request.user) is not None else ["employer"]
        weights = [f"weight_{code}" for code in evaluations.KNOWN_DIMENSIONS]
        thresholds = [f"threshold_{level}" for level in ManagerLevel.values]
        return [*owner, "name", "active", "period_kinds", *weights, *thresholds]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # The weights and thresholds are the form's own fields (made per scheme), not the model's.
        kwargs["fields"] = [f for f in self.get_fields(request, obj) if not f.startswith(("weight_", "threshold_"))]
        base = super().get_form(request, obj, change=change, **kwargs)
        base.employer_of_user = employer_of(request.user)
        return base

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return list(self.inlines) if obj is not None else []

    def save_model(self, request: HttpRequest, obj: EvaluationScheme, form: Any, change: bool) -> None:
        data = form.cleaned_data
        scheme = evaluations.do_save_scheme(
            employer=data["employer"],
            scheme=obj if change else None,
            name=data["name"],
            period_kinds=data["period_kinds"],
            dimensions=form.dimensions(),
            thresholds={level: data[f"threshold_{level}"] for level in ManagerLevel.values},
            active=data.get("active", False),
        )
        obj.pk, obj.employer_id = scheme.pk, scheme.employer_id

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        _nothing_saved(formsets)  # the dimensions and thresholds are do_save_scheme's; the inlines only show them

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a scheme is deactivated, its evaluations kept

    @admin.display(description=_("periods used"))
    def periods_used(self, obj: EvaluationScheme) -> str:
        return ", ".join(str(PeriodKind(kind).label) for kind in obj.period_kinds if kind in PeriodKind.values)


class PeriodForm(forms.ModelForm):
    class Meta:
        model = EvaluationPeriod
        fields = ["scheme", "kind", "starts_on", "ends_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        scheme, kind, starts_on, ends_on = (data.get(k) for k in ("scheme", "kind", "starts_on", "ends_on"))
        if scheme is None or not kind or starts_on is None or ends_on is None:
            return data
        try:
            if evaluations.check_period(scheme=scheme, kind=kind, starts_on=starts_on, ends_on=ends_on) is not None:
                raise ValidationError(_("This scheme already has this period."))
        except CareerError as error:
            raise _refused(error) from error
        return data

    def _post_clean(self) -> None:
        # The model's own validation would say again what check_period refused (its constraint that a period
        # ends on or after its start, in the same words): once is enough. Nothing is saved from this form.
        if not self.errors:
            super()._post_clean()


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(EmployerScopedAdmin):
    """A scheme's periods: added by HR staff (or with the first evaluation of a period the API sends), never
    changed or deleted once evaluations may hang on them; periods of one kind never overlap."""

    employer_paths = ("scheme__employer",)
    form = PeriodForm
    list_display = ["__str__", "scheme", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    list_select_related = ["scheme"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "scheme":
            schemes = EvaluationScheme.objects.all()
            if not request.user.is_superuser:
                employer = employer_of(request.user)
                schemes = schemes.filter(employer=employer) if employer is not None else schemes.none()
            kwargs["queryset"] = schemes
            return super(EmployerScopedAdmin, self).formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: EvaluationPeriod, form: Any, change: bool) -> None:
        data = form.cleaned_data
        period = evaluations.do_define_period(
            scheme=data["scheme"], kind=data["kind"], starts_on=data["starts_on"], ends_on=data["ends_on"]
        )
        obj.pk = period.pk

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EvaluationScoreInline(ReadOnlyInline):
    model = EvaluationScore
    fields = ["dimension", "score"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvaluationScore]:
        return super().get_queryset(request).select_related("dimension")


class EvaluationForm(forms.ModelForm):
    """An employee's scores for a period of the bank's active scheme, one field per dimension; checked and
    saved by ``career.services.evaluations.do_record_evaluation`` (which computes the weighted score and the move)."""

    class Meta:
        model = Evaluation
        fields = ["employee", "period"]

    scheme: Any = None  # the HR staff member's bank's active scheme, set by the admin
    employer: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = {s.dimension_id: s.score for s in self.instance.scores.all()} if self.instance.pk else {}
        for dimension in self.scheme.dimensions.all() if self.scheme is not None else []:
            self.fields[f"score_{dimension.code}"] = forms.DecimalField(
                label=str(dimension), min_value=0, max_value=100, decimal_places=2, initial=given.get(dimension.pk)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.scheme is None or self.employer is None:
            raise ValidationError(_("The bank has no active evaluation scheme."))
        employee = data.get("employee") or (self.instance.employee if self.instance.pk else None)
        period = data.get("period") or (self.instance.period if self.instance.pk else None)
        if self.errors or employee is None or period is None:
            return data
        scores = {d.code: data.get(f"score_{d.code}") for d in self.scheme.dimensions.all()}
        try:
            evaluations.check_evaluated(employer=self.employer, employee_id=employee.pk)
            evaluations.check_scores(scheme=self.scheme, scores=scores)
        except CareerError as error:
            raise _refused(error) from error
        if period.scheme_id != self.scheme.pk:
            raise ValidationError(_("Choose a period of the bank's active evaluation scheme."))
        data.update(employee=employee, period=period, scores=scores)
        return data

    def validate_unique(self) -> None:
        pass  # one evaluation per employee and period: recording it again corrects it


@admin.register(Evaluation)
class EvaluationAdmin(EmployeeColumns, EmployerScopedAdmin):
    """A bank's evaluations: the weighted score, the level it supports and the move it proposes; HR staff
    record scores here (or their HR system through the API) and confirm a proposed move (the action)."""

    employer_paths = ("employer",)
    form = EvaluationForm
    list_display = [
        "employee_name", "employee_number", "period", "weighted_score", "supported_level", "grade_level",
        "proposed_level", "confirmed_at",
    ]  # fmt: skip
    list_filter = ["proposed_level", "supported_level", "period__kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["employee__user", "period"]
    search_fields = ["employee__user__display_name", "employee__employee_number"]
    inlines = [EvaluationScoreInline]
    actions = ["confirm_move"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        employer = employer_of(request.user)
        scheme = selectors.scheme_of(employer.pk) if employer is not None else None
        scores = [f"score_{d.code}" for d in scheme.dimensions.all()] if scheme is not None else []
        summary = ["weighted_score", "supported_level", "grade_level", "proposed_level", "confirmed_at", "confirmed_by"]
        if obj is None:
            return ["employee", "period", *scores]
        return ["employee", "period", *scores, *summary]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["employee", "period", "weighted_score", "supported_level", "grade_level", "proposed_level",
                "confirmed_at", "confirmed_by"]  # fmt: skip

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # The scores are the form's own fields (one per dimension of the scheme), not the model's.
        kwargs["fields"] = [f for f in ("employee", "period") if f not in self.get_readonly_fields(request, obj)]
        base = super().get_form(request, obj, change=change, **kwargs)
        employer = employer_of(request.user)
        base.employer = employer
        base.scheme = selectors.scheme_of(employer.pk) if employer is not None else None
        return base

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        employer = employer_of(request.user)
        if db_field.name == "period":
            scheme = selectors.scheme_of(employer.pk) if employer is not None else None
            kwargs["queryset"] = (
                EvaluationPeriod.objects.filter(scheme=scheme) if scheme else EvaluationPeriod.objects.none()
            )
            return super(EmployerScopedAdmin, self).formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "employee":
            employees = TraineeProfile.objects.filter(employer=employer, user__is_active=True) if employer else None
            kwargs["queryset"] = (
                employees.select_related("user") if employees is not None else TraineeProfile.objects.none()
            )
            return super(EmployerScopedAdmin, self).formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Scores are recorded by the bank's own HR staff, against its active scheme.
        # The permission first: it is cached, so other staff's admin pages pay no query for the membership.
        return super().has_add_permission(request) and employer_of(request.user) is not None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and employer_of(request.user) is not None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Evaluation, form: Any, change: bool) -> None:
        data = form.cleaned_data
        period = data["period"]
        try:
            recorded = evaluations.do_record_evaluation(
                employer=form.employer, employee_id=data["employee"].pk, kind=period.kind,
                starts_on=period.starts_on, ends_on=period.ends_on, scores=data["scores"], by=request.user,
            )  # fmt: skip
        except CareerError as error:  # checked in the form already; a confirmed move or a race lands here
            raise _refused(error) from error
        obj.pk = recorded.evaluation.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        _nothing_saved(formsets)  # the scores are do_record_evaluation's; the inline only shows them

    @admin.action(description=_("Confirm the proposed move"))
    def confirm_move(self, request: HttpRequest, queryset: QuerySet[Evaluation]) -> None:
        rows = queryset.select_related("employee__user", "period")
        apply_to_each(self, request, rows, lambda row: evaluations.do_confirm_move(evaluation=row, by=request.user))
