from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import CheckboxInput
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from core.admin_actions import ReadOnlyAdminMixin

from . import audit, lockout, services, spreadsheets
from .forms import UserChangeAdminForm, UserCreationAdminForm
from .imports.confirm import ConfirmOwnPreviewMixin
from .imports.reader import TraineeImportForm
from .imports.resources import TraineeResource
from .models import AuditEvent, Employer, EmployerMembership, Institution, StaffMembership, TraineeProfile, User
from .scoping import (
    EMPLOYER_HR_GROUP,
    INSTITUTION_ADMIN_GROUP,
    INSTITUTION_GRADER_GROUP,
    INSTITUTION_TEACHER_GROUP,
    PROGRAM_OFFICE_GROUP,
    TRAINEE_GROUP,
    EmployerScopedAdmin,
    InstitutionScopedAdmin,
    institution_of,
    is_program_office,
)
from .second_factor.admin import may_reset_second_factor, reset_second_factor
from .selectors import TRAINEE_INSTITUTION_PATHS, accounts_that_may_be_trainees

# The roles' groups are named in English in the database (code looks them up by name); people read them here.
GROUP_LABELS = {
    PROGRAM_OFFICE_GROUP: _("program office staff"),
    INSTITUTION_ADMIN_GROUP: _("institution admin"),
    INSTITUTION_GRADER_GROUP: _("institution grader"),
    INSTITUTION_TEACHER_GROUP: _("institution teacher"),
    TRAINEE_GROUP: _("trainee"),
    EMPLOYER_HR_GROUP: _("employer HR staff"),
}


def group_label(name: str) -> str:
    return str(GROUP_LABELS.get(name, name))


class GroupListFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(pk, group_label(str(name))) for pk, name in super().field_choices(field, request, model_admin)]


def is_autocomplete_of(request: HttpRequest, model: type[Model], field_name: str) -> bool:
    """Whether ``request`` is the admin's autocomplete of ``model``'s ``field_name`` (Django asks the target's
    admin for the rows, and says in the query which field they are for)."""
    match = getattr(request, "resolver_match", None)
    return (
        match is not None
        and match.url_name == "autocomplete"
        and request.GET.get("app_label") == model._meta.app_label
        and request.GET.get("model_name") == model._meta.model_name
        and request.GET.get("field_name") == field_name
    )


def columns_kept_from(request: HttpRequest, profile: TraineeProfile | None) -> set[str]:
    """The columns of the trainee ``profile`` (None: one being added to an existing account) that the signed-in
    staff member may not change: ``accounts.services.trainee_columns_kept``, the import's rule, shown as read-only
    fields. None kept from the program office; every one from staff of no institution."""
    if is_program_office(request.user):
        return set()
    institution = institution_of(request.user)
    if institution is None:
        return set(services.TRAINEE_DATA_COLUMNS)
    return set(services.trainee_columns_kept(profile=profile, institution=institution))


#: Posted by the user's change page (templates/admin/accounts/user/change_form.html) when it showed the "active" box:
#: a POST with it and no box asks for the account inactive, though the box is unticked, not absent.
ACTIVE_SHOWN = "_active_shown"


def kept_notes(why: Mapping[str, Any], fields: Sequence[str]) -> str:
    """The notes of a fieldset whose ``fields`` are read-only for the reasons ``why`` gives (field -> why and who may
    change it): each reason once, in the fields' order; empty when none is kept."""
    reasons = list(dict.fromkeys(str(why[name]) for name in fields if name in why))
    return format_html_join("", "<p>{}</p>", ((reason,) for reason in reasons))


class UserPasswordAdminForm(AdminPasswordChangeForm):  # type: ignore[type-arg]  # generic in the stubs only
    """The user admin's "change password" form: the password rules' errors under the new password, where the
    rules are listed, not under its confirmation (Django's place for them), as on the site's set-password page
    (:class:`accounts.forms.NewPasswordForm`); the confirmation keeps only "the two passwords differ"."""

    def clean(self) -> dict[str, Any]:
        self.validate_passwords()  # type: ignore[attr-defined]  # SetPasswordMixin's, not in the stubs
        self.validate_password_for_user(self.user, password_field_name="password1")  # type: ignore[attr-defined]
        return self.cleaned_data

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit)
        if commit and user.has_usable_password():
            # The program office gave the person a new password: it works at once (accounts.lockout).
            lockout.do_clear_lock_out(user=user, how="new password set by the program office in the admin")
        return user


@admin.register(User)
class UserAdmin(InstitutionScopedAdmin, DjangoUserAdmin):
    """People: institution staff see their colleagues and their trainees, and may not grant rights."""

    institution_paths = (
        "staff_membership__institution",
        "trainee_profile__registered_by",
        "enrolments__cohort__institution",
    )
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    change_password_form = UserPasswordAdminForm
    ordering = ["email"]
    list_display = ["email", "display_name", "preferred_language", "is_staff", "is_active", "email_verified_at"]
    list_filter = ["is_staff", "is_active", "preferred_language", ("groups", GroupListFilter)]
    search_fields = ["email", "display_name"]
    readonly_fields = ["last_login", "date_joined", "email_verified_at"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("display_name", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "email_verified_at")}),
    )
    institution_fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Personal info"), {"fields": ("display_name", "preferred_language", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "email_verified_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),)
    actions = [reset_second_factor]
    has_reset_second_factor_permission = may_reset_second_factor

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if obj is not None and not is_program_office(request.user):
            # Why the name, language or "active" are read-only, and who may change them, above them.
            notes = kept_notes(self._kept_why(request, obj), ("display_name", "preferred_language", "is_active"))
            return tuple(
                (name, {**options, "description": notes})
                if notes and "is_active" in options["fields"]
                else (name, options)
                for name, options in self.institution_fieldsets
            )
        return super().get_fieldsets(request, obj)

    def _kept_why(self, request: HttpRequest, obj: User) -> dict[str, Any]:
        """``accounts.services.account_columns_kept_why`` of ``obj`` for the signed-in institution staff member."""
        institution = institution_of(request.user)
        if institution is None:
            return {}
        return services.account_columns_kept_why(person=obj, institution=institution)

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        institution = institution_of(request.user)
        if obj is None or is_program_office(request.user) or institution is None:
            return form

        class ActiveChecked(form):  # type: ignore[valid-type,misc]  # a form class made at run time
            """Whether the account is active, changed only as ``accounts.services.check_may_set_active`` allows. Kept
            read-only, the field is not in the form, so a POST that changes it (a forged one, or the box unticked on
            a page shown before the person came to train elsewhere: the template's ``_active_shown``) is refused with
            why, not saved without it."""

            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                if "is_active" in self.fields:
                    asked = cleaned.get("is_active")
                elif "is_active" in self.data or ACTIVE_SHOWN in self.data:
                    asked = CheckboxInput().value_from_datadict(self.data, self.files, "is_active")
                else:
                    asked = None
                if asked is not None:
                    try:
                        services.check_may_set_active(person=obj, institution=institution, active=bool(asked))
                    except services.AccountError as refusal:
                        raise ValidationError(str(refusal.message), code=refusal.code) from None
                return cleaned

        return ActiveChecked

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and formfield is not None:
            formfield.label_from_instance = lambda group: group_label(group.name)
        return formfield

    def get_list_filter(self, request: HttpRequest):
        if is_program_office(request.user):
            return self.list_filter
        return ["is_active", "preferred_language"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is not None and not is_program_office(request.user):
            # accounts.services.account_columns_kept: never the address (the log-in); the name, language and whether
            # the account is active only of the institution's own people (and "active" of no employer's employee).
            institution = institution_of(request.user)
            kept = (
                services.account_columns_kept(person=obj, institution=institution)
                if institution is not None
                else services.ACCOUNT_COLUMNS
            )
            return [*self.readonly_fields, *(name for name in services.ACCOUNT_COLUMNS if name in kept)]
        return self.readonly_fields

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if is_autocomplete_of(request, TraineeProfile, "user"):
            # Choosing a trainee profile's account: only people who may be trainees, not staff or
            # someone who has a profile already (the rows stay this admin's, scoped to the institution).
            queryset = accounts_that_may_be_trainees(queryset)
        return queryset, may_have_duplicates

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        # Setting someone else's password would let an institution take over a trainee shared
        # with another institution; people set their own through the reset link.
        if not is_program_office(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


#: The trainee profile's fields an institution's staff may find read-only (``accounts.services.trainee_columns_kept``).
PROFILE_KEPT_SHOWN = ("employer", "employee_number", "branch", "manager_class", "phone")


@admin.register(TraineeProfile)
class TraineeProfileAdmin(ConfirmOwnPreviewMixin, ImportExportMixin, InstitutionScopedAdmin):
    institution_paths = TRAINEE_INSTITUTION_PATHS
    institution_field = "registered_by"
    resource_classes = [TraineeResource]
    import_form_class = TraineeImportForm
    export_form_class = spreadsheets.LabelledExportForm
    export_formats = spreadsheets.EXPORT_FORMATS  # no cell exported as a formula
    list_display = ["user", "employer", "employee_number", "branch", "manager_class", "registered_by", "updated_at"]
    list_filter = ["manager_class", "employer"]
    list_select_related = ["user", "employer", "registered_by"]
    search_fields = ["user__email", "user__display_name", "employee_number", "branch"]
    autocomplete_fields = ["user"]
    # Written by the HR API's services only (a stand-in's address, an address change awaiting the person).
    readonly_fields = ["listed_email", "pending_email"]

    def get_list_filter(self, request: HttpRequest):
        if is_program_office(request.user):
            return [*self.list_filter, "registered_by"]
        return self.list_filter

    def get_readonly_fields(self, request: HttpRequest, obj: TraineeProfile | None = None) -> Sequence[str]:
        if is_program_office(request.user):
            return self.readonly_fields
        # What the import may not change (columns_kept_from), shown and not offered; and, once the profile is
        # there, whose it is (giving it another account would hand that account to its employer).
        kept = columns_kept_from(request, obj)
        fields = [name for name in PROFILE_KEPT_SHOWN if name in kept]
        return [*self.readonly_fields, *(["user"] if obj is not None else []), *fields]

    def get_fieldsets(self, request: HttpRequest, obj: TraineeProfile | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        institution = None if is_program_office(request.user) else institution_of(request.user)
        if institution is None:
            return fieldsets
        # Why the employer, the number, the branch, the class or the phone are read-only, and who may change them.
        why = services.trainee_columns_kept_notes(profile=obj, institution=institution)
        notes = kept_notes(why, PROFILE_KEPT_SHOWN)
        if not notes:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "description": notes}), *rest]

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user_field = form.base_fields.get("user")
        if user_field is not None:
            # What the autocomplete offers (UserAdmin.get_search_results) is also all the form accepts.
            user_field.queryset = accounts_that_may_be_trainees(
                user_field.queryset, keeping=obj.user_id if obj is not None else None
            )
        return form

    def get_list_display(self, request: HttpRequest):
        if is_program_office(request.user):
            return self.list_display
        # Which other institution registered a trainee enrolled here is not this institution's business.
        return [name for name in self.list_display if name != "registered_by"]

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs["institution"] = None if is_program_office(request.user) else institution_of(request.user)
        return kwargs

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        # import-export lets any staff member export by default; a grader may not list trainees.
        return self.has_view_permission(request)


@admin.register(StaffMembership)
class StaffMembershipAdmin(InstitutionScopedAdmin):
    institution_paths = ("institution",)
    institution_field = "institution"
    list_display = ["user", "institution", "role"]
    list_filter = ["role", "institution"]
    list_select_related = ["user", "institution"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user"]

    def get_list_filter(self, request: HttpRequest):
        return self.list_filter if is_program_office(request.user) else ["role"]


class EmployerMembershipAdminForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only
    """Appointing an employer's HR staff member: whom ``accounts.services.check_may_appoint_hr_staff`` refuses (a
    trainee, an institution's staff, another employer's HR staff) is refused under the person, saying why."""

    class Meta:
        model = EmployerMembership
        fields = ["user", "employer"]
        help_texts = {
            "user": _(
                "Saving makes this person the employer's HR staff member: they get staff status and the "
                "“employer HR staff” group, and log in to the admin with a second factor."
            )
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        person, employer = cleaned.get("user"), cleaned.get("employer")
        if person is not None and employer is not None:
            try:
                services.check_may_appoint_hr_staff(person=person, employer=employer, membership_pk=self.instance.pk)
            except services.AccountError as refusal:
                self.add_error("user", ValidationError(str(refusal.message), code=refusal.code))
        return cleaned


@admin.register(EmployerMembership)
class EmployerMembershipAdmin(EmployerScopedAdmin):
    """Which people are an employer's HR staff: the program office appoints them (``accounts.services.
    do_appoint_hr_staff``, which also gives them staff status and the HR group) and removes them (deleting the entry:
    ``do_remove_hr_staff`` takes both back); HR staff see their colleagues."""

    form = EmployerMembershipAdminForm
    employer_paths = ("employer",)
    office_sees_rows = True
    list_display = ["user", "employer"]
    list_filter = ["employer"]
    list_select_related = ["user", "employer"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: EmployerMembership, form: Any, change: bool) -> None:
        services.do_appoint_hr_staff(membership=obj)

    # From the entry's delete page and the "delete selected" action alike: the only ways a membership is deleted on
    # purpose (a person's deletion takes theirs along, with nothing left to undo).
    def delete_model(self, request: HttpRequest, obj: EmployerMembership) -> None:
        services.do_remove_hr_staff(memberships=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EmployerMembership]) -> None:
        services.do_remove_hr_staff(memberships=queryset)


class LowerCaseCode:
    """Admin mixin for institutions and employers: the code field says what :class:`accounts.models.Organisation`
    does with what is typed (:func:`accounts.models.normalize_organisation_code`: it is saved in lower case)."""

    code_help_text: Any

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if db_field.name == "code" and formfield is not None:
            formfield.help_text = self.code_help_text
        return formfield


@admin.register(Institution)
class InstitutionAdmin(LowerCaseCode, InstitutionScopedAdmin):
    code_help_text = _(
        "Saved in lower case (INST-A is saved as inst-a). Codes are read without regard to case, so no other "
        "institution may have the same code in upper case."
    )
    institution_paths = ("pk",)
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "authorization_number",
        "authorized_from",
        "authorized_until",
        "status",
    ]
    list_filter = ["status"]
    search_fields = ["code", "name_zh", "name_en", "authorization_number"]

    def get_list_filter(self, request: HttpRequest):
        return self.list_filter if is_program_office(request.user) else []


class ProgramOfficeOnly:
    """Admin mixin: only the program office sees, adds, changes or deletes these objects."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_program_office(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_program_office(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_program_office(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_program_office(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_program_office(request.user)


@admin.register(Employer)
class EmployerAdmin(LowerCaseCode, ProgramOfficeOnly, admin.ModelAdmin):
    """Employers are national reference data: the program office keeps them, nobody else sees the list."""

    code_help_text = _(
        "Saved in lower case (BANK-A is saved as bank-a). The trainee import's employer column names the "
        "employer by this code, in upper or lower case."
    )
    list_display = ["code", "name_zh", "name_en", "parent", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, ProgramOfficeOnly, admin.ModelAdmin):
    """The audit trail: the program office searches and filters it; nobody adds, edits or deletes.

    Times in the site's zone with their UTC offset; each event in words of the reader's language
    (accounts.audit.describe), not the codes the row stores.
    """

    list_display = ["time", "action", "who", "institution", "employer", "description", "request_shown"]
    list_filter = ["action", "institution", "employer", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["institution", "employer"]
    search_fields = ["actor_label", "request_id", "object_id", "summary", "ip_address"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = [
        "time",
        "action",
        "actor",
        "who",
        "institution",
        "employer",
        "request_id",
        "ip_address",
        "object_type_name",
        "object_id",
        "description",
        "detail_in_words",
    ]
    readonly_fields = fields
    actions = None

    @admin.display(description=_("time"), ordering="created_at")
    def time(self, obj: AuditEvent) -> str:
        return audit.event_time(obj.created_at)

    @admin.display(description=_("who"), ordering="actor_label")
    def who(self, obj: AuditEvent) -> str:
        return audit.actor_name(obj.actor_label)

    @admin.display(description=_("what happened"))
    def description(self, obj: AuditEvent) -> str:
        # An address refused (/en/admin/django_celery_beat/crontabschedule/) has no space to wrap at.
        return format_html('<span class="break-anywhere">{}</span>', audit.describe(obj))

    @admin.display(description=_("request id"), ordering="request_id")
    def request_shown(self, obj: AuditEvent) -> str:
        """Its first 8 characters, the whole ID on hover, on the event's page and found by the search: the whole
        ID (32 characters) made the list far wider than a laptop's screen."""
        if not obj.request_id:
            return "—"
        return format_html('<span title="{}">{}…</span>', obj.request_id, obj.request_id[:8])

    @admin.display(description=_("object type"))
    def object_type_name(self, obj: AuditEvent) -> str:
        return audit.model_name(obj.object_type) if obj.object_type else ""

    @admin.display(description=_("detail"))
    def detail_in_words(self, obj: AuditEvent) -> str:
        rows = audit.describe_detail(obj)
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}: {}", rows)
