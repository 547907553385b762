"""Training sessions (face-to-face or live remote, teaching or exam preparation) and their attendance,
recorded for the whole cohort in one form."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.scoping import InstitutionScopedAdmin, teacher_membership_of
from core.admin_actions import apply_to_each
from core.admin_deletion import DeletionService, ServiceDeletionAdmin
from core.forms import refusal_shown_on
from courses import selectors, services
from courses.models import Attendance, TrainingSession

from .catalog import course_by_code
from .cohorts import cohort_by_code
from .columns import heading, list_day, number, number_column, short_date, whole_column
from .formsets import ServiceRecordsAdminMixin, TraineeRecordFormSet, TraineeRecordInline


class AttendanceForm(forms.ModelForm):
    """One trainee's row: hours typed or changed are checked at the field against the session
    (``services.check_attended_hours``: 0, absent, up to the session's length), so the row shows that one
    message; the model's own check (0 to 24, the database's last line) is then not run as well, since Django
    skips a constraint on a field already in error."""

    def clean_hours(self) -> Any:
        hours = self.cleaned_data.get("hours")
        if hours is None or "hours" not in self.changed_data:
            return hours
        try:
            return services.check_attended_hours(session=self.instance.session, hours=hours)
        except services.TrainingError as error:
            raise forms.ValidationError(str(error), code=error.code) from None


class AttendanceFormSet(TraineeRecordFormSet):
    """Attendance of one session; every row typed or changed is checked by the service before anything
    is saved (a row left as it was is not saved again, so a trainee who has completed or withdrawn
    since keeps their row without stopping the session from being saved)."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("enrolment") or data.get("hours") is None:
                continue
            if not form.has_changed():
                continue
            with refusal_shown_on(form, "hours"):
                services.check_attendance(session=self.instance, enrolment=data["enrolment"], hours=data["hours"])

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form = super()._construct_form(i, **kwargs)
        form.instance.session = self.instance  # the page's session, not read again for each row
        return form


class AttendanceInline(TraineeRecordInline):
    model = Attendance
    form = AttendanceForm
    formset = AttendanceFormSet
    fields = ["enrolment", "hours", "recorded_by"]
    extra = 0

    def get_extra(self, request: HttpRequest, obj: TrainingSession | None = None, **kwargs) -> int:
        return len(_unrecorded(obj))


def _unrecorded(session: TrainingSession | None) -> list[int]:
    """Ids of the session's trainees without attendance yet: one pre-filled row each."""
    if session is None:
        return []
    return list(
        selectors.enrolments_in_training(cohort_id=session.cohort_id)
        .exclude(attendances__session=session)
        .order_by("trainee__display_name", "pk")
        .values_list("pk", flat=True)
    )


def clean_session_hours(form: forms.ModelForm) -> Any:
    """A session's or a module's hours checked at the field (``services.check_session_hours``): the refusal is
    said once, there, as Django then skips the model's range check of a field already in error."""
    hours = form.cleaned_data.get("hours")
    if hours is None:
        return hours
    try:
        return services.check_session_hours(hours=hours)
    except services.TrainingError as error:
        raise forms.ValidationError(str(error), code=error.code) from None


class TrainingSessionAdminForm(forms.ModelForm):
    def clean_hours(self) -> Any:
        return clean_session_hours(self)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("cohort") and data.get("hours") is not None and not self.errors:
            with refusal_shown_on(self):
                services.check_session(
                    cohort=data["cohort"],
                    purpose=data.get("purpose") or TrainingSession.Purpose.TEACHING,
                    course=data.get("course"),
                    hours=data["hours"],
                    mode=data.get("mode") or TrainingSession.Mode.FACE_TO_FACE,
                    held_on=data.get("held_on"),
                    teacher_person=data.get("teacher_person"),
                    session=self.instance,
                )
            if "hours" in self.changed_data:  # a stored session's attendance rows are lowered first
                with refusal_shown_on(self, "hours"):
                    services.check_session_length(session=self.instance, hours=self.cleaned_data["hours"])
        return data


@admin.register(TrainingSession)
class TrainingSessionAdmin(ServiceRecordsAdminMixin, ServiceDeletionAdmin, InstitutionScopedAdmin):
    """A session with attendance is not deleted (its hours count): the delete page says why."""

    institution_paths = ("cohort__institution",)
    deletion = DeletionService(check=services.check_delete_session, do=services.do_delete_session, argument="session")
    teacher_paths = ("teacher_person",)
    form = TrainingSessionAdminForm
    list_display = [
        "held",
        cohort_by_code,
        "purpose",
        whole_column(TrainingSession, "mode"),
        course_by_code,
        number_column(TrainingSession, "hours"),
        "taught_by",
        "attended",
    ]
    list_filter = ["purpose", "mode", ("cohort", admin.RelatedOnlyFieldListFilter)]
    fieldsets = [
        (None, {"fields": ["cohort", "purpose", "course", "mode", "held_on", "starts_at", "hours"]}),
        (_("Teacher and place"), {"fields": ["teacher_person", "teacher", "teacher_en", "location", "location_en"]}),
    ]
    list_select_related = [
        "cohort__institution", "cohort__curriculum__tier", "cohort__curriculum__track",
        "course", "teacher_person__user",
    ]  # fmt: skip
    search_fields = ["cohort__code", "teacher", "teacher_en", "teacher_person__user__display_name", "course__code"]
    date_hierarchy = "held_on"
    inlines = [AttendanceInline]
    records_model = Attendance
    actions = ["mark_whole_session_attended"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Through ``services.do_save_session`` (the rules the form showed, checked again under the session's
        lock); a page that changed only attendance (a teacher's) leaves the session as it is."""
        if change and not form.has_changed():
            return
        services.do_save_session(session=obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "cohort" and field is not None:
            field.queryset = selectors.cohorts_for_sessions(field.queryset)  # the ended ones last
        return field

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrainingSession]:
        return (
            super().get_queryset(request).annotate(_attended=Count("attendances", filter=Q(attendances__hours__gt=0)))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: TrainingSession | None = None) -> list[str]:
        """A teacher records attendance of their sessions; what the session is stays the institution's."""
        fields = list(super().get_readonly_fields(request, obj))
        if teacher_membership_of(request.user) is not None:
            fields += [f for _name, options in self.fieldsets for f in options["fields"] if f not in fields]
        return fields

    def get_formset_kwargs(self, request: HttpRequest, obj: TrainingSession, inline, prefix: str) -> dict:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AttendanceInline):
            # Every trainee of the cohort gets a row; the admin types the hours (blank rows are skipped).
            kwargs["initial"] = [{"enrolment": pk} for pk in _unrecorded(obj)]
        return kwargs

    @admin.display(description=_("date and time"), ordering="held_on")
    def held(self, obj: TrainingSession) -> str:
        """The day (as lists write it) and the time it starts, in one column on one line: two columns, each sorted,
        made the list wider than a laptop's screen in English, and a day broken after each word took three lines
        a row."""
        if obj.starts_at is None:
            return short_date(obj.held_on)
        return format_html(
            '<span class="no-break">{} {}</span>', list_day(obj.held_on), formats.time_format(obj.starts_at)
        )

    @admin.display(description=_("teacher"), ordering="teacher")
    def taught_by(self, obj: TrainingSession) -> str:
        return format_html('<span class="no-break">{}</span>', obj.teacher_name)

    @admin.display(
        description=heading(_("attended"), _("trainees attended"), number=True),
        ordering="_attended",
    )
    def attended(self, obj: TrainingSession) -> str:
        return number(getattr(obj, "_attended", 0))

    def record(
        self, request: HttpRequest, session: TrainingSession, formset: forms.BaseInlineFormSet
    ) -> list[Attendance]:
        hours = {
            f.cleaned_data["enrolment"].pk: f.cleaned_data["hours"]
            for f in formset.forms
            if f.has_changed() and f.cleaned_data.get("enrolment") and f.cleaned_data.get("hours") is not None
        }
        if not hours:
            return []
        return services.do_record_session_attendance(session=session, hours_by_enrolment=hours, by=request.user)

    @admin.action(
        description=_("Record full attendance of the selected sessions for every trainee"), permissions=["change"]
    )
    def mark_whole_session_attended(self, request: HttpRequest, queryset: QuerySet[TrainingSession]) -> None:
        """Records the whole session for each trainee whose attendance is not recorded yet
        (``services.do_mark_whole_session_attended``); says how many it recorded and how many had attendance
        recorded already, left as it was (an absence, part of the session, or a finished cohort's trainees)."""
        counts = {"recorded": 0, "kept": 0}

        def mark(session: TrainingSession) -> None:
            marked = services.do_mark_whole_session_attended(session=session, by=request.user)
            counts["recorded"] += len(marked.recorded)
            counts["kept"] += marked.kept

        apply_to_each(self, request, queryset, mark, done=lambda n: attendance_recorded(sessions=n, **counts))


def attendance_recorded(*, sessions: int, recorded: int, kept: int) -> str:
    """What "record full attendance" did: "Recorded full attendance for 2 trainees in 1 session. 2 trainees
    already had attendance recorded, left unchanged." """
    where = ngettext("%(count)d session", "%(count)d sessions", sessions) % {"count": sessions}
    done = ngettext(
        "Recorded full attendance for %(count)d trainee in %(sessions)s.",
        "Recorded full attendance for %(count)d trainees in %(sessions)s.",
        recorded,
    ) % {"count": recorded, "sessions": where}
    if not kept:
        return done
    return ngettext(
        "%(recorded)s %(count)d trainee already had attendance recorded, left unchanged.",
        "%(recorded)s %(count)d trainees already had attendance recorded, left unchanged.",
        kept,
    ) % {"recorded": done, "count": kept}
