"""Cohorts: their form's checks and the actions that move a cohort through its life."""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.scoping import InstitutionScopedAdmin, institution_of, is_program_office
from core.admin_actions import apply_to_each
from core.numbers import plain_number
from courses import selectors, services
from courses.models import Cohort

from .actions import counted
from .columns import OwnInstitutionColumn, date_column, heading, number
from .filters import TrackFilter


@dataclass(frozen=True)
class CohortLink:
    """A link on the cohort's change page; without ``url`` it is shown as ``note``, not a link."""

    label: str
    url: str | None = None
    note: str = ""


@admin.display(description=_("cohort"), ordering="cohort__code")
def cohort_by_code(row: Any) -> str:
    """A change list's column of its rows' cohort (``row.cohort``): the cohort's code, its full name (institution,
    tier, track, month) shown on hover. The name made the lists of enrolments and sessions wider than a laptop's
    screen, about ten lines a row; lists using it select the cohort's institution, tier and track."""
    cohort = row.cohort
    return format_html('<span title="{}">{}</span>', cohort.name, cohort.code)


#: What the apps above courses offer on a cohort's page (certification: its certificates' zip).
#: Each takes the request and the cohort and returns a :class:`CohortLink`, or None to show nothing.
COHORT_PAGE_LINKS: list[Callable[[HttpRequest, Cohort], CohortLink | None]] = []


class CohortAdminForm(forms.ModelForm):
    """Shows every rule of ``services.cohort_problems`` the cohort as typed breaks (creating it or changing it),
    each at its field; ``services.do_save_cohort`` saves it."""

    def clean(self) -> dict:
        data = super().clean()
        proposed = copy.copy(self.instance)  # the stored cohort keeps its values until the form is valid
        construct_instance(self, proposed)
        for problem in services.cohort_problems(cohort=proposed):
            field = problem.field if problem.field in self.fields and problem.field in self.cleaned_data else None
            self.add_error(field, str(problem))
        return data


# What each action says it did.
OPENED = counted(
    ngettext_lazy("Opened %(count)d cohort for enrolment.", "Opened %(count)d cohorts for enrolment.", "count")
)
CLOSED = counted(
    ngettext_lazy("Closed enrolment of %(count)d cohort.", "Closed enrolment of %(count)d cohorts.", "count")
)
FINISHED = counted(ngettext_lazy("Finished %(count)d cohort.", "Finished %(count)d cohorts.", "count"))
STARTED = counted(
    ngettext_lazy(
        "Started %(count)d cohort; its approved trainees are in training.",
        "Started %(count)d cohorts; their approved trainees are in training.",
        "count",
    )
)


@admin.register(Cohort)
class CohortAdmin(OwnInstitutionColumn, InstitutionScopedAdmin):
    institution_paths = ("institution",)
    teacher_paths = ("sessions__teacher_person",)  # a teacher sees the cohorts they teach
    institution_field = "institution"
    form = CohortAdminForm
    list_display = [
        "code",
        "curriculum",
        "institution",
        "place",
        date_column(Cohort, "starts_on"),
        date_column(Cohort, "ends_on"),
        "status",
        "seats",
    ]
    list_filter = ["status", "curriculum__tier", ("curriculum__track", TrackFilter), "is_online"]
    list_select_related = ["institution", "curriculum__tier", "curriculum__track"]
    search_fields = ["code", "city"]
    date_hierarchy = "starts_on"
    readonly_fields = ["status", "seats_taken"]
    actions = ["open_cohorts", "close_cohorts", "start_cohorts", "finish_cohorts"]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        extra_context = dict(extra_context or {})
        cohort = self.get_object(request, unquote(object_id))
        if cohort is not None:
            links = (link(request, cohort) for link in COHORT_PAGE_LINKS)
            extra_context["cohort_links"] = [link for link in links if link is not None]
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Through ``services.do_save_cohort`` (the rules the form showed, checked again under the cohort's lock);
        institution staff's new cohort is their institution's (``InstitutionScopedAdmin``'s stamp)."""
        if not change and not is_program_office(request.user):
            obj.institution = institution_of(request.user)
        services.do_save_cohort(cohort=obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Cohort | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk:
            fields.append("curriculum")  # enrolments and hours owed hang on it
            fields.append("roster")
        return fields

    @admin.display(description=_("trainees"))
    def roster(self, obj: Cohort) -> SafeString | str:
        """Who the cohort's trainees are, shown on its page to whoever sees the cohort (a teacher sees the cohorts
        they teach, institution staff their institution's: ``get_queryset``), read-only: the enrolments list is
        the institution's, not a teacher's. Each enrolment but a rejected application, with its state and the
        hours of the cohort's sessions attended so far, read in one query."""
        rows = [
            (str(enrolment.trainee), enrolment.get_state_display(), plain_number(enrolment.attended))
            for enrolment in selectors.cohort_roster(obj.pk)
        ]
        if not rows:
            return gettext("No trainees yet.")
        return format_html(
            '<table class="cohort-roster"><thead><tr><th>{}</th><th>{}</th><th class="number">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            capfirst(gettext("trainee")),
            capfirst(gettext("state")),
            capfirst(gettext("hours attended")),
            format_html_join("", '<tr><td>{}</td><td class="no-break">{}</td><td class="number">{}</td></tr>', rows),
        )

    @admin.display(description=_("city"))
    def place(self, obj: Cohort) -> str:
        return gettext("online") if obj.is_online else obj.get_city_display()

    @admin.display(description=heading(_("seats"), _("seats taken"), number=True))
    def seats(self, obj: Cohort) -> str:
        return number(f"{obj.seats_taken} / {obj.capacity}")

    @admin.action(description=_("Open the selected cohorts for enrolment"), permissions=["change"])
    def open_cohorts(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        apply_to_each(self, request, queryset, lambda c: services.do_open_cohort(cohort=c), done=OPENED)

    @admin.action(description=_("Close enrolment of the selected cohorts"), permissions=["change"])
    def close_cohorts(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        apply_to_each(self, request, queryset, lambda c: services.do_close_cohort(cohort=c), done=CLOSED)

    @admin.action(
        description=_("Start the selected cohorts (approved trainees go into training)"), permissions=["change"]
    )
    def start_cohorts(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        apply_to_each(self, request, queryset, lambda c: services.do_start_cohort(cohort=c), done=STARTED)

    @admin.action(description=_("Finish the selected cohorts"), permissions=["change"])
    def finish_cohorts(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        apply_to_each(self, request, queryset, lambda c: services.do_finish_cohort(cohort=c), done=FINISHED)
