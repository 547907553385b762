"""Prior learning: lower-tier training finished before the portal, credited by the program office."""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.scoping import InstitutionScopedAdmin, is_program_office
from core.forms import refusal_shown_on
from courses import services
from courses.models import PriorLearning

from .filters import TrackFilter


class PriorLearningAdminForm(forms.ModelForm):
    def clean(self) -> dict:
        data = super().clean()
        if data.get("completed_on"):
            with refusal_shown_on(self, "completed_on"):
                services.check_prior_learning(completed_on=data["completed_on"])
        return data


@admin.register(PriorLearning)
class PriorLearningAdmin(InstitutionScopedAdmin):
    """Program office only: it credits hours nationally, so no institution enters or sees it.

    On the shared mixin all the same (its rows reach an institution through the trainee's
    enrolments), so that a permission granted by mistake still shows no other institution's rows.
    """

    institution_paths = ("trainee__enrolments__cohort__institution",)
    form = PriorLearningAdminForm

    list_display = ["trainee", "curriculum", "completed_on", "evidence", "recorded_by"]
    list_filter = ["curriculum__tier", ("curriculum__track", TrackFilter)]
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
        services.do_record_prior_learning(prior=obj, by=request.user)  # checked, saved and audited
