"""Who may see which rows: the one place that scopes institution staff to their institution, and
employer HR staff to their employer.

Every admin of a model that belongs to an institution inherits :class:`InstitutionScopedAdmin`
and names the ORM path(s) from the model to :class:`~accounts.models.Institution`. The mixin then
scopes, in one place, the change list, change/delete/history views (another institution's id is a 404),
filters, search, autocomplete (Django asks the target admin's ``get_queryset``), exports (they
read ``get_queryset``), and the choices of every foreign key and many-to-many field that points
at another scoped model. A new admin that forgets to inherit it is caught by the test that walks
``admin.site._registry`` (tests/accounts/test_admin_isolation.py).

Models that belong to an employer (the career register) inherit :class:`EmployerScopedAdmin` instead
and name the ORM paths to :class:`~accounts.models.Employer`: employer HR staff (one employer each,
``EmployerMembership``) see their employer's rows, institution staff none, and the program office
only where the admin says so (``office_sees_rows``): a bank's register is the bank's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from .models import Employer, EmployerMembership, Institution, StaffMembership

if TYPE_CHECKING:
    from .models import User

PROGRAM_OFFICE_GROUP = "program office staff"
INSTITUTION_ADMIN_GROUP = "institution admin"
INSTITUTION_GRADER_GROUP = "institution grader"
INSTITUTION_TEACHER_GROUP = "institution teacher"
TRAINEE_GROUP = "trainee"
EMPLOYER_HR_GROUP = "employer HR staff"


def is_program_office(user: User | Any) -> bool:
    """Superusers and program office staff see every institution's rows."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Read with the session and its user (accounts.sessions), or once here.
    cached = getattr(user, "_is_program_office", None)
    if cached is None:
        cached = user.groups.filter(name=PROGRAM_OFFICE_GROUP).exists()
        user._is_program_office = cached
    return cached


def institution_of(user: User | Any) -> Institution | None:
    """The institution a staff member belongs to, or None (program office, trainees, anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_membership.institution
    except StaffMembership.DoesNotExist:
        return None


def teacher_membership_of(user: User | Any) -> StaffMembership | None:
    """The staff membership of a teacher (``StaffMembership.Role.TEACHER``), or None (everyone else)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        membership = user.staff_membership
    except StaffMembership.DoesNotExist:
        return None
    return membership if membership.role == StaffMembership.Role.TEACHER else None


def employer_of(user: User | Any) -> Employer | None:
    """The employer an HR staff member belongs to, or None (everyone else)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.employer_membership.employer
    except EmployerMembership.DoesNotExist:
        return None


def _scope(queryset: QuerySet, owner_pk: int | None, paths: tuple[str, ...]) -> QuerySet:
    if owner_pk is None:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{path: owner_pk})
    if all("__" not in p for p in paths):
        return queryset.filter(condition)
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))


def scope_to_employer(queryset: QuerySet, employer: Employer | None, paths: tuple[str, ...]) -> QuerySet:
    """Rows of ``queryset`` that reach ``employer`` by any of ``paths``; none without one."""
    return _scope(queryset, employer.pk if employer is not None else None, paths)


def scope_to_institution(queryset: QuerySet, institution: Institution | None, paths: tuple[str, ...]) -> QuerySet:
    """Rows of ``queryset`` that reach ``institution`` by any of ``paths``; none without one.

    Paths that cross a to-many relation would repeat rows, so the filter is a subquery on pk.
    """
    return _scope(queryset, institution.pk if institution is not None else None, paths)


class RowScopedAdmin(admin.ModelAdmin):
    """What both scoped admins share: another owner's row answers 404, like a row that does not exist,
    on every view, and foreign-key choices come from the target's scoped admin (``_scoped_choices``)."""

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        # Django redirects to the index with "perhaps it was deleted"; another institution's id
        # must look exactly like an id that does not exist, and answer 404. The trail notes it.
        from . import audit

        audit.record_refused_request(
            request, detail={"status": 404, "model": opts.label, "object_id": str(object_id)[:64]}
        )
        raise Http404

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> Any:
        # Django asks for the delete permission before it looks the row up, so a user without it
        # would get 403 for another institution's row; look it up first, so that row is a 404
        # like its change and history pages (which look up first already).
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            return super().delete_view(request, object_id, extra_context)  # Django refuses it
        if self.get_object(request, unquote(object_id), to_field) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().delete_view(request, object_id, extra_context)

    def _scoped_choices(self, request: HttpRequest, model: type[Model]) -> QuerySet | None:
        related_admin = self.admin_site._registry.get(model)
        if isinstance(related_admin, RowScopedAdmin):
            return related_admin.get_queryset(request)
        return None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = self._scoped_choices(request, db_field.remote_field.model)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = self._scoped_choices(request, db_field.remote_field.model)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class InstitutionScopedAdmin(RowScopedAdmin):
    """Base admin for models owned by an institution.

    ``institution_paths``: ORM paths from the model to ``Institution`` (``("institution",)``,
    ``("cohort__institution",)``, …); a row is visible when any path reaches the user's
    institution. ``institution_field``: when set, a new row created by institution staff is
    stamped with their institution (on creation only) and the field is hidden from them.

    ``teacher_paths``: ORM paths from the model to the teacher's ``StaffMembership``
    (``("teacher_person",)`` for sessions, ``("sessions__teacher_person",)`` for cohorts). A teacher
    sees a row only when a path reaches them *and* it belongs to their institution; an admin that
    names no path shows a teacher nothing.
    """

    institution_paths: tuple[str, ...] = ()
    institution_field: str | None = None
    teacher_paths: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if is_program_office(request.user):
            return queryset
        scoped = scope_to_institution(queryset, institution_of(request.user), self.institution_paths)
        teacher = teacher_membership_of(request.user)
        if teacher is None:
            return scoped
        if not self.teacher_paths:
            return queryset.none()
        return _scope(scoped, teacher.pk, self.teacher_paths)

    def _hidden_from_teacher(self, request: HttpRequest) -> bool:
        """A teacher sees no row of an admin that names no teacher path (``get_queryset``): not its link either."""
        return not self.teacher_paths and teacher_membership_of(request.user) is not None

    def has_module_permission(self, request: HttpRequest) -> bool:
        # The teacher group may hold a view permission here (grants are never taken back), yet the list
        # would be empty: the admin index offers only modules whose rows the person can see.
        return not self._hidden_from_teacher(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not self._hidden_from_teacher(request) and super().has_view_permission(request, obj)

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        if self.institution_field and not is_program_office(request.user):
            exclude.append(self.institution_field)
        return exclude

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if self.institution_field and not change and not is_program_office(request.user):
            setattr(obj, self.institution_field, institution_of(request.user))
        super().save_model(request, obj, form, change)

    def _scoped_choices(self, request: HttpRequest, model: type[Model]) -> QuerySet | None:
        if model is Institution and not is_program_office(request.user):
            institution = institution_of(request.user)
            return Institution.objects.filter(pk=institution.pk if institution else None)
        return super()._scoped_choices(request, model)


class EmployerScopedAdmin(RowScopedAdmin):
    """Base admin for models owned by an employer (the career register).

    ``employer_paths``: ORM paths from the model to ``Employer`` (``("employer",)``,
    ``("grade__employer",)``); a row is visible to HR staff when any path reaches their employer.
    ``employer_field``: stamped with the HR staff member's employer on rows they create, hidden from
    them. ``office_sees_rows``: whether the program office sees the rows at all (superusers always do);
    off by default, since what a bank keeps of its managers is the bank's, and the office reads counts.
    Institution staff never see a row. Choices of ``Employer`` and of trainee profiles are the HR staff
    member's employer and its employees.
    """

    employer_paths: tuple[str, ...] = ()
    employer_field: str | None = None
    office_sees_rows: bool = False

    def _sees_every_row(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(getattr(user, "is_superuser", False)) or (self.office_sees_rows and is_program_office(user))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self._sees_every_row(request):
            return queryset
        return scope_to_employer(queryset, employer_of(request.user), self.employer_paths)

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        if self.employer_field and employer_of(request.user) is not None:
            exclude.append(self.employer_field)
        return exclude

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        employer = employer_of(request.user)
        if self.employer_field and not change and employer is not None:
            setattr(obj, self.employer_field, employer)
        super().save_model(request, obj, form, change)

    def _scoped_choices(self, request: HttpRequest, model: type[Model]) -> QuerySet | None:
        from .models import TraineeProfile

        if self._sees_every_row(request) or is_program_office(request.user):
            return super()._scoped_choices(request, model)
        employer = employer_of(request.user)
        employer_pk = employer.pk if employer is not None else None
        if model is Employer:
            return Employer.objects.filter(pk=employer_pk)
        if model is TraineeProfile:
            return TraineeProfile.objects.filter(employer_id=employer_pk).select_related("user")
        return super()._scoped_choices(request, model)
