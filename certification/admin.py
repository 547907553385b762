"""Program office tools and the institutions' view of their trainees' certificates.

Every status change goes through ``certification.services``; the admin only asks for a reason.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts import audit, converters  # noqa: F401  converters: <id:…> (a row id, else 404)
from accounts.models import TraineeProfile, User
from accounts.scoping import InstitutionScopedAdmin, institution_of, is_program_office
from core.admin_actions import ReadOnlyInline, RowPageShowsOnly, apply_to_each
from core.admin_input import AutocompleteSelect
from core.display import choice_label
from core.forms import reason_field, refusal_shown_on
from core.tasks import enqueue_on_commit
from courses.admin.actions import ActionFormPages, counted, form_action
from courses.admin.cohorts import COHORT_PAGE_LINKS, CohortLink
from courses.admin.columns import (
    OwnInstitutionColumn,
    date_column,
    heading,
    number,
    number_column,
    person_column,
    short_date,
    whole_column,
)
from courses.admin.enrolments import TraineeAutocompleteView
from courses.models import Cohort

from . import pdf, services, tasks
from .models import CECourse, CEEnrolment, Certificate, CertificateStatusChange, ContinuingEducation
from .services import CertificationError

# What each certificate action says it did (a refused certificate is named with the service's reason).
SUSPENDED = counted(ngettext_lazy("Suspended %(count)d certificate.", "Suspended %(count)d certificates.", "count"))
REINSTATED = counted(ngettext_lazy("Reinstated %(count)d certificate.", "Reinstated %(count)d certificates.", "count"))
REVOKED = counted(ngettext_lazy("Revoked %(count)d certificate.", "Revoked %(count)d certificates.", "count"))
RENEWED = counted(ngettext_lazy("Renewed %(count)d certificate.", "Renewed %(count)d certificates.", "count"))
PDFS_REMADE = counted(
    ngettext_lazy(
        "The PDF of %(count)d certificate is being made again.",
        "The PDFs of %(count)d certificates are being made again.",
        "count",
    )
)


class ReasonForm(forms.Form):
    reason = reason_field(_("Shown on the holder's page and kept in the certificate's history."))


def certificate_line(certificate: Certificate) -> str:
    """A certificate's line on the page that asks the reason of its suspension or revocation."""
    return f"{certificate.number} · {certificate.trainee} · {certificate.get_status_display()}"


class StatusHistoryInline(ReadOnlyInline):
    """The certificate's history, the action and the statuses by their names (the rows keep codes)."""

    model = CertificateStatusChange
    fields = ["changed_at", "action_name", "old_status_name", "new_status", "reason", "changed_by"]

    @admin.display(description=_("action"))
    def action_name(self, obj: CertificateStatusChange) -> str:
        return str(audit.CERTIFICATE_ACTIONS.get(obj.action, obj.action))

    @admin.display(description=_("from"))
    def old_status_name(self, obj: CertificateStatusChange) -> str:
        return choice_label(Certificate.Status, obj.old_status) or "—"


def zip_response(certificates: list[Certificate], filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.write(pdf.ensure_pdf(certificate), arcname=f"{certificate.number}.pdf")
    audit.record(
        audit.Action.ADMIN_EXPORT,
        summary=f"{filename}: {len(certificates)} certificates",
        detail={"model": Certificate._meta.label, "numbers": [c.number for c in certificates][:500]},
    )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class TrackFilter(admin.RelatedFieldListFilter):
    """The certificate's track, and "no track" for the certificates of a tier without tracks (the admin's empty
    value, "-", said nothing)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.empty_value_display = capfirst(_("no track"))


@admin.register(Certificate)
class CertificateAdmin(OwnInstitutionColumn, ActionFormPages, RowPageShowsOnly, InstitutionScopedAdmin):
    institution_paths = ("institution",)
    list_display = [
        whole_column(Certificate, "number"),
        person_column("trainee", name="holder", description=_("holder"), ordering="trainee__display_name"),
        "tier_and_track",
        "institution",
        date_column(Certificate, "issued_on"),
        date_column(Certificate, "valid_until"),
        "status_badge",
    ]
    list_filter = [
        "status",
        "tier",
        ("track", TrackFilter),
        ("institution", admin.RelatedOnlyFieldListFilter),
        ("enrolment__cohort", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["trainee", "tier", "track", "institution"]
    search_fields = ["number", "trainee__email", "trainee__display_name"]
    date_hierarchy = "issued_on"
    inlines = [StatusHistoryInline]
    fields = [
        "number", "trainee", "tier", "track", "institution", "enrolment", "issued_on", "period_starts_on",
        "valid_until", "status", "status_reason", "verification_code", "updated_at",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["suspend", "reinstate", "revoke", "renew", "rerender_pdf", "download_zip"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued by the service, never typed in

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a certificate is revoked, never deleted

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_program_office(request.user) and super().has_change_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not is_program_office(request.user):
            for name in ("suspend", "reinstate", "revoke", "renew", "rerender_pdf"):
                actions.pop(name, None)
        return actions

    @admin.display(description=_("tier and track"), ordering="tier__level")
    def tier_and_track(self, obj: Certificate) -> str:
        """One column ("Standard · Retail banking"), which lets the list fit a laptop's screen; a line breaks after
        the dot, never before it (the dot alone on a line, between "銀行客戶經理" and "對公業務方向")."""
        return "\N{NO-BREAK SPACE}· ".join(str(part) for part in (obj.tier, obj.track) if part is not None)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Certificate) -> str:
        colours = {"active": "#2e7d32", "suspended": "#b26a00", "revoked": "#b00020", "expired": "#666"}
        return format_html(
            '<strong class="no-break" style="color:{}">{}</strong>', colours[obj.status], obj.get_status_display()
        )

    def _each_with_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet[Certificate],
        form: ReasonForm,
        change: Callable[..., object],
        done: Callable[[int], str],
    ) -> None:
        """``change`` (a service taking certificate, by and reason) on each certificate, with the reason given."""
        reason = form.cleaned_data["reason"]
        self._each(request, queryset, lambda c: change(certificate=c, by=request.user, reason=reason), done)

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Certificate],
        change: Callable[[Certificate], object],
        done: Callable[[int], str],
    ) -> None:
        apply_to_each(self, request, queryset, change, done=done, name=lambda c: c.number)

    @form_action(
        description=_("Suspend the selected certificates"),
        form=ReasonForm,
        describe=certificate_line,
        related=["trainee"],
    )
    def suspend(self, request: HttpRequest, queryset: QuerySet[Certificate], form: ReasonForm) -> None:
        self._each_with_reason(request, queryset, form, services.do_suspend_certificate, SUSPENDED)

    @admin.action(description=_("Reinstate the selected certificates"), permissions=["change"])
    def reinstate(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        reinstate = services.do_reinstate_certificate
        self._each(request, queryset, lambda c: reinstate(certificate=c, by=request.user), REINSTATED)

    @form_action(
        description=_("Revoke the selected certificates"),
        form=ReasonForm,
        describe=certificate_line,
        related=["trainee"],
    )
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate], form: ReasonForm) -> None:
        self._each_with_reason(request, queryset, form, services.do_revoke_certificate, REVOKED)

    @admin.action(description=_("Renew the selected certificates (continuing education met)"), permissions=["change"])
    def renew(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        self._each(request, queryset, lambda c: services.do_renew_certificate(certificate=c, by=request.user), RENEWED)

    @admin.action(description=_("Re-issue the PDF of the selected certificates"), permissions=["change"])
    def rerender_pdf(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        count = 0
        for certificate in queryset:
            pdf.forget(certificate)  # every file of it, whatever it printed
            enqueue_on_commit(tasks.render_certificate_pdf, certificate.pk)
            count += 1
        self.message_user(request, PDFS_REMADE(count), messages.SUCCESS)

    @admin.action(description=_("Download the PDFs of the selected certificates (zip)"), permissions=["view"])
    def download_zip(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> HttpResponse:
        return zip_response(
            list(queryset.select_related("trainee", "tier", "track", "institution")), "certificates.zip"
        )

    def get_urls(self):
        urls = super().get_urls()
        mine = [
            path(
                "cohort/<id:cohort_id>/zip/",
                self.admin_site.admin_view(self.cohort_zip),
                name="certification_certificate_cohort_zip",
            )
        ]
        return mine + urls

    def cohort_zip(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        """Every certificate earned in one cohort, as one zip (the cohort's own institution only)."""
        if not self.has_view_permission(request):
            raise Http404
        cohort = Cohort.objects.filter(pk=cohort_id).select_related("institution").first()
        if cohort is None:
            raise Http404
        if not is_program_office(request.user):
            institution = institution_of(request.user)
            if institution is None or institution.pk != cohort.institution_id:
                raise Http404
        certificates = list(
            Certificate.objects.filter(enrolment__cohort=cohort).select_related(
                "trainee", "tier", "track", "institution"
            )
        )
        if not certificates:  # an empty zip would look like a download that failed
            self.message_user(request, no_certificates_yet(cohort), messages.WARNING)
            return redirect("admin:courses_cohort_change", cohort.pk)
        return zip_response(certificates, f"{cohort.code}-certificates.zip")


def no_certificates_yet(cohort: Cohort) -> str:
    return gettext("No certificate has been issued in cohort %(cohort)s yet.") % {"cohort": cohort.code}


def certificate_zip_link(request: HttpRequest, cohort: Cohort) -> CohortLink | None:
    """The cohort page's link to its certificates' zip, or a note that there are none yet."""
    if not admin.site._registry[Certificate].has_view_permission(request):
        return None
    count = Certificate.objects.filter(enrolment__cohort=cohort).count()
    if not count:
        return CohortLink(label=gettext("Certificates (zip)"), note=no_certificates_yet(cohort))
    return CohortLink(
        label=ngettext("Download %(count)d certificate (zip)", "Download the %(count)d certificates (zip)", count)
        % {"count": count},
        url=reverse("admin:certification_certificate_cohort_zip", args=[cohort.pk]),
    )


COHORT_PAGE_LINKS.append(certificate_zip_link)


class ContinuingEducationForm(forms.ModelForm):
    """Refusals of the service show on the form, like any other invalid input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "hours" in self.fields:  # the cap and why (services.check_ce_hours), in the staff member's language
            self.fields["hours"].help_text = services.ce_cap_explained()

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is None and not self.errors:
            with refusal_shown_on(self):
                services.check_record_continuing_education(
                    title=cleaned.get("title", ""), completed_on=cleaned["completed_on"], hours=cleaned["hours"]
                )
        return cleaned


def trainee_with_number(user: User) -> str:
    """A trainee as the continuing-education form offers them: name, employee number (if any), address."""
    profile = getattr(user, "trainee_profile", None)
    number = profile.employee_number if profile is not None else ""
    return " · ".join(part for part in (user.display_name, number, user.email) if part)


class CETraineeSearch(AutocompleteSelect):
    """The trainee of an activity, found by typing their name, address or employee number: Django's Select2
    autocomplete, asking the trainee search of this admin (:class:`CETraineeAutocompleteView`)."""

    def __init__(self, admin_site: admin.AdminSite) -> None:
        super().__init__(ContinuingEducation._meta.get_field("trainee"), admin_site)

    def get_url(self) -> str:
        return reverse(f"{self.admin_site.name}:certification_continuingeducation_trainees")


class CETraineeAutocompleteView(TraineeAutocompleteView):
    """The activity form's trainee search, as the enrol page's (courses.admin.enrolments): the trainee admin's
    rows and search, so the searcher's institution's trainees (all of them for the program office), each
    shown with their employee number."""

    def serialize_result(self, obj: TraineeProfile, to_field_name: str) -> dict[str, str]:
        return {"id": str(obj.user_id), "text": trainee_with_number(obj.user)}


@admin.register(ContinuingEducation)
class ContinuingEducationAdmin(OwnInstitutionColumn, InstitutionScopedAdmin):
    form = ContinuingEducationForm
    institution_paths = ("institution",)
    institution_field = "institution"
    list_display = [
        person_column("trainee", name="trainee", description=_("trainee"), ordering="trainee__display_name"),
        "title",
        date_column(ContinuingEducation, "completed_on"),
        number_column(ContinuingEducation, "hours"),
        "institution",
        "self_reported",
        "status",
    ]
    list_filter = ["status", "self_reported"]
    list_select_related = ["trainee", "institution"]
    search_fields = ["trainee__email", "trainee__display_name", "title"]
    exclude = ["status", "self_reported", "decided_by", "decided_at"]
    actions = ["confirm", "reject"]

    def get_urls(self):
        search = path(
            "trainees/",
            self.admin_site.admin_view(self.trainee_search_view),
            name="certification_continuingeducation_trainees",
        )
        return [search, *super().get_urls()]

    def _trainees(self, request: HttpRequest) -> QuerySet[User]:
        """The accounts of the trainees the trainee admin shows ``request``'s user (their institution's, or all)."""
        profiles = self.admin_site.get_model_admin(TraineeProfile).get_queryset(request)
        return User.objects.filter(trainee_profile__in=profiles).select_related("trainee_profile")

    def trainee_search_view(self, request: HttpRequest) -> HttpResponse:
        """The form's trainee search (Select2's JSON), for those who may record an activity."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return CETraineeAutocompleteView.as_view(admin_site=self.admin_site)(request)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name != "trainee":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        kwargs["widget"] = CETraineeSearch(self.admin_site)
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Only the trainees offered are accepted (the scoped choices of User would take staff too).
        formfield.queryset = self._trainees(request)
        formfield.label_from_instance = trainee_with_number
        return formfield

    def get_readonly_fields(self, request: HttpRequest, obj: ContinuingEducation | None = None) -> list[str]:
        return ["trainee", "institution", "title", "completed_on", "hours"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ContinuingEducation, form, change: bool) -> None:
        if change:
            return
        institution = obj.institution if is_program_office(request.user) else institution_of(request.user)
        created = services.do_record_continuing_education(
            trainee=obj.trainee,
            institution=institution,
            title=obj.title,
            completed_on=obj.completed_on,
            hours=obj.hours,
            by=request.user,
        )
        obj.pk = created.pk

    @admin.action(description=_("Confirm the selected self-reported activities"), permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[ContinuingEducation]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject the selected self-reported activities"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[ContinuingEducation]) -> None:
        self._decide(request, queryset, False)

    def _decide(self, request: HttpRequest, queryset: QuerySet[ContinuingEducation], confirm: bool) -> None:
        done = 0
        for activity in queryset:
            try:
                services.do_decide_continuing_education(activity=activity, confirm=confirm, by=request.user)
                done += 1
            except CertificationError as error:
                self.message_user(request, f"{activity}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d activity(ies) decided.") % {"count": done}, messages.SUCCESS)


# --- continuing-education courses ----------------------------------------------------------


class CECourseForm(forms.ModelForm):
    """The service's refusals (no title, hours out of range, dates reversed) show on the form."""

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors:
            with refusal_shown_on(self):
                services.check_ce_course(
                    title_zh=cleaned.get("title_zh", ""),
                    hours=cleaned.get("hours"),
                    starts_on=cleaned["starts_on"],
                    ends_on=cleaned["ends_on"],
                )
        return cleaned


def _title_ordering() -> str:
    """The column the CE course list's title sorts by: the title the page shows (``CECourseAdmin.get_queryset``)."""
    return "title_in_english" if (get_language() or "").lower().startswith("en") else "title_zh"


# Read when a list is sorted, in the request's language (``admin.display`` takes it once, at import).
_TITLE_ORDERING = lazy(_title_ordering, str)()


class CEEnrolmentInline(ReadOnlyInline):
    """Who enrolled and what was recorded; attendance is recorded with the action on enrolments."""

    model = CEEnrolment
    fields = ["holder", "state", "hours_attended", "confirmed_at"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[CEEnrolment]:
        return super().get_queryset(request).select_related("holder")


@admin.register(CECourse)
class CECourseAdmin(OwnInstitutionColumn, InstitutionScopedAdmin):
    form = CECourseForm
    institution_paths = ("institution",)
    institution_field = "institution"
    list_display = [
        "title_shown",
        "institution",
        date_column(CECourse, "starts_on"),
        date_column(CECourse, "ends_on"),
        number_column(CECourse, "hours"),
        "seats",
        "is_published",
    ]
    list_filter = ["is_published", "mode", ("institution", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["institution"]
    search_fields = ["title_zh", "title_en"]
    date_hierarchy = "starts_on"
    inlines = [CEEnrolmentInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["seats_taken", "is_published", "published_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CECourse]:
        # What the title column shows on an English page, for it to sort by (a course without an English title
        # shows, and sorts by, its Chinese one).
        return (
            super()
            .get_queryset(request)
            .annotate(title_in_english=Coalesce(NullIf(F("title_en"), Value("")), F("title_zh")))
        )

    @admin.display(description=_("course"), ordering=_TITLE_ORDERING)
    def title_shown(self, obj: CECourse) -> str:
        """The course's title in the page's language, as the change page's heading and the holders' list read it."""
        return obj.title

    def has_delete_permission(self, request: HttpRequest, obj: CECourse | None = None) -> bool:
        # A course holders enrolled in keeps its record (their hours point at it); unpublish it instead.
        if obj is not None and obj.enrolments.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=heading(_("seats"), number=True))
    def seats(self, obj: CECourse) -> str:
        return number(f"{obj.seats_taken} / {obj.capacity}")

    @admin.action(description=_("Publish the selected courses to certificate holders"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[CECourse]) -> None:
        self._each(request, queryset, lambda c: services.do_publish_ce_course(course=c, by=request.user))

    @admin.action(description=_("Take the selected courses off the list"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[CECourse]) -> None:
        self._each(request, queryset, lambda c: services.do_unpublish_ce_course(course=c, by=request.user))

    def _each(self, request: HttpRequest, queryset: QuerySet[CECourse], change: Callable[[CECourse], object]) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            change,
            done=lambda n: ngettext("%(count)d course changed.", "%(count)d courses changed.", n) % {"count": n},
        )


class AttendanceForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours attended"),
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text=_("Leave empty to record each holder's course hours in full."),
    )


def _attendance_line(enrolment: CEEnrolment) -> str:
    """A holder's line on the page that records attendance: who, the course, the state, the hours so far."""
    line = f"{enrolment.holder} · {enrolment.course.title} · {enrolment.get_state_display()}"
    if enrolment.hours_attended:
        line += f" · {floatformat(enrolment.hours_attended, '-1')}"
    return line


@admin.register(CEEnrolment)
class CEEnrolmentAdmin(ActionFormPages, InstitutionScopedAdmin):
    """Holders enrol from the portal; the institution records attendance here (an action, confirmed)."""

    institution_paths = ("course__institution",)
    list_display = [
        person_column("holder", name="holder", description=_("holder"), ordering="holder__display_name"),
        "course_and_day",
        "state",
        number_column(CEEnrolment, "hours_attended", short=_("hours")),
        date_column(CEEnrolment, "confirmed_at"),
    ]
    list_filter = ["state", ("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["holder", "course"]
    search_fields = ["holder__email", "holder__display_name", "course__title_zh"]
    fields = ["holder", "course", "state", "hours_attended", "activity", "recorded_by", "confirmed_at", "created_at"]
    readonly_fields = fields
    actions = ["record_attendance", "withdraw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # holders enrol from the portal

    @admin.display(description=_("course"), ordering="course__starts_on")
    def course_and_day(self, obj: CEEnrolment) -> str:
        """The course's title and its first day as lists write a day (the course's name has the day's ISO form)."""
        return format_html("{} · {}", obj.course.title, short_date(obj.course.starts_on))

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # withdrawn, never deleted: attended hours point at it

    @form_action(
        description=_("Record attendance of the selected holders"),
        form=AttendanceForm,
        describe=_attendance_line,
        related=["holder", "course"],
        intro=_(
            "The hours recorded are confirmed continuing education for each holder at once; "
            "recording again replaces them."
        ),
    )
    def record_attendance(self, request: HttpRequest, queryset: QuerySet[CEEnrolment], form: AttendanceForm) -> None:
        """Asks for the hours first (empty: the course's hours in full), then records each holder's."""
        hours = form.cleaned_data["hours"]
        acting = None if is_program_office(request.user) else institution_of(request.user)
        apply_to_each(
            self,
            request,
            queryset,  # with its course (the form action's related rows)
            lambda enrolment: services.do_record_ce_attendance(
                enrolment=enrolment,
                hours=hours if hours is not None else enrolment.course.hours,
                by=request.user,
                acting_institution=acting,
            ),
            done=lambda n: (
                ngettext(
                    "Attendance of %(count)d holder recorded; the hours are confirmed continuing education.",
                    "Attendance of %(count)d holders recorded; the hours are confirmed continuing education.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Withdraw the selected enrolments"), permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[CEEnrolment]) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda enrolment: services.do_withdraw_ce(enrolment=enrolment),
            done=lambda n: (
                ngettext("%(count)d enrolment withdrawn.", "%(count)d enrolments withdrawn.", n) % {"count": n}
            ),
        )
