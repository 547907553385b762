from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import formats
from import_export.admin import ImportMixin

from accounts.imports import TraineeImportForm
from accounts.scoping import InstitutionScopedAdmin, institution_of, is_program_office

from . import selectors, services
from .imports import TraineeEnrolmentResource
from .models import (
    Attendance,
    Cohort,
    Course,
    Curriculum,
    CurriculumCourse,
    Enrolment,
    PriorLearning,
    RemoteCompletion,
    RemoteModule,
    SelfStudyEntry,
    Tier,
    Track,
    TrainingSession,
)
from .services import TrainingError


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "name_zh", "name_en", "has_tracks"]
    list_filter = ["has_tracks"]
    search_fields = ["code", "name_zh", "name_en", "certificate_name_zh", "certificate_name_en"]
    ordering = ["level"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "position"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title_zh", "title_en"]
    list_filter = ["curricula__tier", "curricula__track"]
    search_fields = ["code", "title_zh", "title_en"]

    def get_queryset(self, request):  # the curriculum filters join; each course once
        return super().get_queryset(request).distinct()


class CurriculumCourseInline(admin.TabularInline):
    model = CurriculumCourse
    extra = 0
    autocomplete_fields = ["course"]


@admin.register(Curriculum)
class CurriculumAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "tier",
        "track",
        "course_count",
        "teaching_days",
        "teaching_hours",
        "exam_prep_days",
        "exam_prep_hours",
    ]
    list_filter = ["tier", "track"]
    search_fields = ["tier__name_zh", "tier__name_en", "track__name_zh", "track__name_en"]
    list_select_related = ["tier", "track"]
    inlines = [CurriculumCourseInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_course_count=Count("entries"))

    @admin.display(description=_("courses"), ordering="_course_count")
    def course_count(self, obj: Curriculum) -> int:
        return obj._course_count  # type: ignore[attr-defined]


# --- training delivery: every institution-owned admin is scoped by InstitutionScopedAdmin ----


def _report(modeladmin: admin.ModelAdmin, request: HttpRequest, done: int, refused: list) -> None:
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d row changed.", "%(count)d rows changed.", done) % {"count": done},
            messages.SUCCESS,
        )
    for row, error in refused:
        modeladmin.message_user(request, f"{row}: {error}", messages.ERROR)


def _each(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, call) -> None:
    done, refused = 0, []
    for row in queryset:
        try:
            call(row)
            done += 1
        except TrainingError as error:
            refused.append((row, error))
    _report(modeladmin, request, done, refused)


class CohortAdminForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = "__all__"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("capacity") is not None and self.instance.pk and data["capacity"] < self.instance.seats_taken:
            self.add_error(
                "capacity",
                _("%(taken)d seats are taken; the capacity cannot be smaller.") % {"taken": self.instance.seats_taken},
            )
        if data.get("is_online") and data.get("city"):
            self.add_error("city", _("An online cohort has no city."))
        if not data.get("is_online") and not data.get("city"):
            self.add_error("city", _("Name the city, or mark the cohort online."))
        curriculum = data.get("curriculum")
        if curriculum is not None and not any(
            data.get(f) for f in ("offers_face_to_face", "offers_remote", "offers_self_study")
        ):
            raise forms.ValidationError(_("A cohort offers at least one delivery mode."))
        return data


@admin.register(Cohort)
class CohortAdmin(InstitutionScopedAdmin):
    institution_paths = ("institution",)
    institution_field = "institution"
    form = CohortAdminForm
    list_display = ["code", "curriculum", "institution", "place", "starts_on", "ends_on", "status", "seats"]
    list_filter = ["status", "curriculum__tier", "curriculum__track", "is_online"]
    list_select_related = ["institution", "curriculum__tier", "curriculum__track"]
    search_fields = ["code", "city"]
    date_hierarchy = "starts_on"
    readonly_fields = ["status", "seats_taken"]
    actions = ["open_cohorts", "close_cohorts", "start_cohorts", "finish_cohorts"]

    def get_readonly_fields(self, request: HttpRequest, obj: Cohort | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk:
            fields.append("curriculum")  # enrolments and hours owed hang on it
        return fields

    @admin.display(description=_("city"))
    def place(self, obj: Cohort) -> str:
        return gettext("online") if obj.is_online else obj.city

    @admin.display(description=_("seats taken"))
    def seats(self, obj: Cohort) -> str:
        return f"{obj.seats_taken} / {obj.capacity}"

    @admin.action(description=_("Open the selected cohorts for enrolment"), permissions=["change"])
    def open_cohorts(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        _each(self, request, queryset, lambda c: services.do_open_cohort(cohort=c))

    @admin.action(description=_("Close enrolment of the selected cohorts"), permissions=["change"])
    def close_cohorts(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        _each(self, request, queryset, lambda c: services.do_close_cohort(cohort=c))

    @admin.action(
        description=_("Start the selected cohorts (approved trainees go into training)"), permissions=["change"]
    )
    def start_cohorts(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        _each(self, request, queryset, lambda c: services.do_start_cohort(cohort=c))

    @admin.action(description=_("Finish the selected cohorts"), permissions=["change"])
    def finish_cohorts(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        _each(self, request, queryset, lambda c: services.do_finish_cohort(cohort=c))


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The trainee reads it in the e-mail that tells them."),
    )


@admin.register(Enrolment)
class EnrolmentAdmin(ImportMixin, InstitutionScopedAdmin):
    institution_paths = ("cohort__institution",)
    resource_classes = [TraineeEnrolmentResource]
    import_form_class = TraineeImportForm
    import_formats = [formats.base_formats.CSV, formats.base_formats.XLSX]
    list_display = ["trainee", "cohort", "state", "hours_owed_display", "credited_hours", "created_at"]
    list_filter = ["state", "curriculum__tier", "curriculum__track", ("cohort", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["trainee", "cohort", "curriculum__tier", "curriculum__track"]
    search_fields = ["trainee__email", "trainee__display_name", "cohort__code"]
    readonly_fields = [
        "trainee",
        "cohort",
        "curriculum",
        "state",
        "hours_owed_display",
        "credited_hours",
        "progress_display",
        "decided_by",
        "decided_at",
        "decision_note",
        "completed_at",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["approve", "reject", "start_training", "complete", "withdraw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # trainees enrol themselves; institutions import (see the import button)

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Institution staff who may change enrolments and register trainees, and the program office."""
        if not self.has_change_permission(request) or not request.user.has_perm("accounts.add_traineeprofile"):
            return False
        return is_program_office(request.user) or institution_of(request.user) is not None

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs) -> dict:
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs["institution"] = None if is_program_office(request.user) else institution_of(request.user)
        return kwargs

    def has_delete_permission(self, request: HttpRequest, obj: Enrolment | None = None) -> bool:
        return False  # history: withdraw instead

    @admin.display(description=_("hours owed"))
    def hours_owed_display(self, obj: Enrolment) -> str:
        if obj.teaching_hours_owed is None:
            return "—"
        return gettext("%(th)s h / %(td)s d + %(ph)s h / %(pd)s d") % {
            "th": obj.teaching_hours_owed,
            "td": floatformat(obj.teaching_days_owed, -1),
            "ph": obj.exam_prep_hours_owed,
            "pd": floatformat(obj.exam_prep_days_owed, -1),
        }

    @admin.display(description=_("progress"))
    def progress_display(self, obj: Enrolment) -> str:
        p = selectors.progress(obj)
        modes = ", ".join(f"{label} {floatformat(hours, -1)} h" for _mode, label, hours, _pct in p.modes)
        return gettext("%(done)s of %(owed)s hours (%(modes)s)") % {
            "done": floatformat(p.total_done, -1),
            "owed": p.owed if p.owed is not None else "—",
            "modes": modes,
        }

    @admin.action(description=_("Approve the selected enrolments"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        outcome = services.do_approve_enrolments(enrolments=list(queryset), by=request.user)
        _report(self, request, len(outcome.done), outcome.refused)

    @admin.action(description=_("Reject the selected enrolments"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> TemplateResponse | None:
        """Asks for the reason first (the trainee reads it in the e-mail), then rejects."""
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reject the selected enrolments"),
                "opts": self.model._meta,
                "form": form,
                "enrolments": queryset.select_related("trainee", "cohort"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/courses/enrolment/reject.html", context)
        outcome = services.do_reject_enrolments(
            enrolments=list(queryset), by=request.user, reason=form.cleaned_data["reason"]
        )
        _report(self, request, len(outcome.done), outcome.refused)
        return None

    @admin.action(description=_("Start training for the selected enrolments"), permissions=["change"])
    def start_training(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        _each(self, request, queryset, lambda e: services.do_start_training(enrolment=e))

    @admin.action(description=_("Mark the selected trainings complete"), permissions=["change"])
    def complete(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        _each(self, request, queryset, lambda e: services.do_complete_enrolment(enrolment=e))

    @admin.action(description=_("Withdraw the selected enrolments"), permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        _each(self, request, queryset, lambda e: services.do_withdraw_enrolment(enrolment=e, by=request.user))


def _training_enrolments(cohort_id: int | None) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        cohort_id=cohort_id, state__in=[Enrolment.State.APPROVED, Enrolment.State.IN_TRAINING]
    ).select_related("trainee")


class AttendanceFormSet(forms.BaseInlineFormSet):
    """Attendance of one session; every row is checked by the service before anything is saved."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "enrolment" in form.fields:
            form.fields["enrolment"].queryset = _training_enrolments(self.instance.cohort_id)
            form.fields["enrolment"].label_from_instance = lambda enrolment: str(enrolment.trainee)

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("enrolment") or data.get("hours") is None:
                continue
            try:
                services.check_attendance(session=self.instance, enrolment=data["enrolment"], hours=data["hours"])
            except TrainingError as error:
                form.add_error("hours", str(error))


class AttendanceInline(admin.TabularInline):
    model = Attendance
    formset = AttendanceFormSet
    fields = ["enrolment", "hours", "recorded_by"]
    readonly_fields = ["recorded_by"]
    extra = 0
    can_delete = False

    def get_extra(self, request: HttpRequest, obj: TrainingSession | None = None, **kwargs) -> int:
        return len(_unrecorded(obj))


def _unrecorded(session: TrainingSession | None) -> list[int]:
    """Ids of the session's trainees without attendance yet: one pre-filled row each."""
    if session is None:
        return []
    return list(
        _training_enrolments(session.cohort_id)
        .exclude(attendances__session=session)
        .order_by("trainee__display_name", "pk")
        .values_list("pk", flat=True)
    )


class TrainingSessionAdminForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = "__all__"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("cohort") and data.get("hours") is not None and not self.errors:
            try:
                services.check_session(
                    cohort=data["cohort"], purpose=data.get("purpose"), course=data.get("course"), hours=data["hours"]
                )
            except TrainingError as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(TrainingSession)
class TrainingSessionAdmin(InstitutionScopedAdmin):
    institution_paths = ("cohort__institution",)
    form = TrainingSessionAdminForm
    list_display = ["held_on", "starts_at", "cohort", "purpose", "course", "hours", "teacher", "attended"]
    list_filter = ["purpose", ("cohort", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["cohort", "course"]
    search_fields = ["cohort__code", "teacher", "course__code"]
    date_hierarchy = "held_on"
    inlines = [AttendanceInline]
    actions = ["mark_whole_session_attended"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrainingSession]:
        return (
            super().get_queryset(request).annotate(_attended=Count("attendances", filter=Q(attendances__hours__gt=0)))
        )

    def get_inlines(self, request: HttpRequest, obj: TrainingSession | None) -> list:
        return self.inlines if obj is not None else []  # attendance once the session exists

    def get_formset_kwargs(self, request: HttpRequest, obj: TrainingSession, inline, prefix: str) -> dict:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AttendanceInline):
            # Every trainee of the cohort gets a row; the admin types the hours (blank rows are skipped).
            kwargs["initial"] = [{"enrolment": pk} for pk in _unrecorded(obj)]
        return kwargs

    @admin.display(description=_("trainees attended"), ordering="_attended")
    def attended(self, obj: TrainingSession) -> int:
        return getattr(obj, "_attended", 0)

    def save_formset(
        self, request: HttpRequest, form: forms.Form, formset: forms.BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Attendance:
            return super().save_formset(request, form, formset, change)
        hours = {
            f.cleaned_data["enrolment"].pk: f.cleaned_data["hours"]
            for f in formset.forms
            if f.has_changed() and f.cleaned_data.get("enrolment") and f.cleaned_data.get("hours") is not None
        }
        records = []
        if hours:
            records = services.do_record_session_attendance(
                session=form.instance, hours_by_enrolment=hours, by=request.user
            )
        # What the admin's change message reads from a formset it saved itself.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = records, [], []

    @admin.action(
        description=_("Record full attendance of the selected sessions for every trainee"), permissions=["change"]
    )
    def mark_whole_session_attended(self, request: HttpRequest, queryset: QuerySet[TrainingSession]) -> None:
        _each(self, request, queryset, lambda s: services.do_mark_whole_session_attended(session=s, by=request.user))


class RemoteCompletionFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "enrolment" in form.fields:
            form.fields["enrolment"].queryset = _training_enrolments(self.instance.cohort_id)
            form.fields["enrolment"].label_from_instance = lambda enrolment: str(enrolment.trainee)

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or not data.get("enrolment") or not data.get("completed_on") or not form.has_changed():
                continue
            try:
                services.check_remote_completion(
                    module=self.instance, enrolment=data["enrolment"], completed_on=data["completed_on"]
                )
            except TrainingError as error:
                form.add_error(None, str(error))


class RemoteCompletionInline(admin.TabularInline):
    model = RemoteCompletion
    formset = RemoteCompletionFormSet
    fields = ["enrolment", "completed_on", "recorded_by"]
    readonly_fields = ["recorded_by"]
    extra = 1
    can_delete = False


class RemoteModuleAdminForm(forms.ModelForm):
    class Meta:
        model = RemoteModule
        fields = "__all__"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("cohort") and data.get("course") and data.get("hours") is not None:
            try:
                services.check_module(cohort=data["cohort"], course=data["course"], hours=data["hours"])
            except TrainingError as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(RemoteModule)
class RemoteModuleAdmin(InstitutionScopedAdmin):
    institution_paths = ("cohort__institution",)
    form = RemoteModuleAdminForm
    list_display = ["__str__", "cohort", "course", "hours", "completed"]
    list_filter = [("cohort", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["cohort", "course"]
    search_fields = ["title_zh", "title_en", "cohort__code", "course__code"]
    inlines = [RemoteCompletionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RemoteModule]:
        return super().get_queryset(request).annotate(_completed=Count("completions"))

    def get_inlines(self, request: HttpRequest, obj: RemoteModule | None) -> list:
        return self.inlines if obj is not None else []

    @admin.display(description=_("completed by"), ordering="_completed")
    def completed(self, obj: RemoteModule) -> int:
        return getattr(obj, "_completed", 0)

    def save_formset(
        self, request: HttpRequest, form: forms.Form, formset: forms.BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not RemoteCompletion:
            return super().save_formset(request, form, formset, change)
        records = []
        for f in formset.forms:
            data = f.cleaned_data
            if f.has_changed() and data.get("enrolment") and data.get("completed_on") and not f.instance.pk:
                records.append(
                    services.do_record_remote_completion(
                        module=form.instance,
                        enrolment=data["enrolment"],
                        completed_on=data["completed_on"],
                        by=request.user,
                    )
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = records, [], []


@admin.register(SelfStudyEntry)
class SelfStudyEntryAdmin(InstitutionScopedAdmin):
    institution_paths = ("enrolment__cohort__institution",)
    list_display = ["studied_on", "trainee", "cohort", "course", "hours", "note", "status"]
    list_filter = ["status", ("enrolment__cohort", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["enrolment__trainee", "enrolment__cohort", "course"]
    search_fields = ["enrolment__trainee__email", "enrolment__trainee__display_name", "note"]
    date_hierarchy = "studied_on"
    fields = ["enrolment", "course", "studied_on", "hours", "note", "status", "decided_by", "decided_at", "created_at"]
    readonly_fields = fields
    actions = ["confirm", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the trainee logs self-study on the dashboard

    def has_delete_permission(self, request: HttpRequest, obj: SelfStudyEntry | None = None) -> bool:
        return False

    @admin.display(description=_("trainee"), ordering="enrolment__trainee__email")
    def trainee(self, obj: SelfStudyEntry) -> str:
        return str(obj.enrolment.trainee)

    @admin.display(description=_("cohort"), ordering="enrolment__cohort__code")
    def cohort(self, obj: SelfStudyEntry) -> str:
        return obj.enrolment.cohort.code

    @admin.action(description=_("Confirm the selected self-study"), permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[SelfStudyEntry]) -> None:
        _each(self, request, queryset, lambda e: services.do_confirm_self_study(entry=e, by=request.user))

    @admin.action(description=_("Reject the selected self-study"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[SelfStudyEntry]) -> None:
        _each(self, request, queryset, lambda e: services.do_reject_self_study(entry=e, by=request.user))


@admin.register(PriorLearning)
class PriorLearningAdmin(InstitutionScopedAdmin):
    """Program office only: it credits hours nationally, so no institution enters or sees it.

    On the shared mixin all the same (its rows reach an institution through the trainee's
    enrolments), so that a permission granted by mistake still shows no other institution's rows.
    """

    institution_paths = ("trainee__enrolments__cohort__institution",)

    list_display = ["trainee", "curriculum", "completed_on", "evidence", "recorded_by"]
    list_filter = ["curriculum__tier", "curriculum__track"]
    list_select_related = ["trainee", "curriculum__tier", "curriculum__track", "recorded_by"]
    search_fields = ["trainee__email", "trainee__display_name", "evidence"]
    raw_id_fields = ["trainee"]
    readonly_fields = ["recorded_by"]

    def _office(self, request: HttpRequest) -> bool:
        return is_program_office(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriorLearning]:
        queryset = super().get_queryset(request)
        return queryset if self._office(request) else queryset.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._office(request)

    def has_view_permission(self, request: HttpRequest, obj: PriorLearning | None = None) -> bool:
        return self._office(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._office(request)

    def has_change_permission(self, request: HttpRequest, obj: PriorLearning | None = None) -> bool:
        return self._office(request)

    def has_delete_permission(self, request: HttpRequest, obj: PriorLearning | None = None) -> bool:
        return self._office(request)

    def save_model(self, request: HttpRequest, obj: PriorLearning, form: forms.Form, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
