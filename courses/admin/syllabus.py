"""The unified syllabus: versions of a course's syllabus and textbook with their topics inline.

The program office writes them; institutions may read them (``courses.permissions``), since they
teach to them. The form and the topic rows are checked by the services' ``check_*`` functions, and
the save is one call of ``services.do_save_syllabus_version``, which checks again under the course's
lock: the formset never writes the topics itself.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.forms import refusal_shown_on
from courses import services
from courses.models import SyllabusTopic, SyllabusVersion


class SyllabusVersionForm(forms.ModelForm):
    class Meta:
        model = SyllabusVersion
        fields = ["course", "in_force_from", "in_force_until", *services.SYLLABUS_TEXT_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in
                   ("learning_outcomes_zh", "learning_outcomes_en", "readings_zh", "readings_en")}  # fmt: skip

    def clean_textbook_isbn(self) -> str:
        try:
            return services.clean_isbn(self.cleaned_data.get("textbook_isbn") or "")
        except services.SyllabusError as error:
            raise forms.ValidationError(str(error), code=error.code) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        course = data.get("course") or (self.instance.course if self.instance.pk else None)
        if course is not None and data.get("in_force_from"):
            with refusal_shown_on(self, "in_force_from"):
                services.check_syllabus_dates(
                    course=course,
                    in_force_from=data["in_force_from"],
                    in_force_until=data.get("in_force_until"),
                    version_id=self.instance.pk,
                )
        return data


def _topics_of(formset: forms.BaseInlineFormSet) -> list[services.TopicData]:
    """The formset's rows that stay, in the order of their position (then as entered)."""
    rows = [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("title_zh") is not None
    ]
    rows.sort(key=lambda row: row.get("position") or 0)
    return [
        services.TopicData(
            title_zh=row["title_zh"], title_en=row["title_en"], knowledge_area=row["knowledge_area"], hours=row["hours"]
        )
        for row in rows
    ]


class SyllabusTopicFormSet(forms.BaseInlineFormSet):
    """The topics together: at least one, and their hours add up to the course's class hours."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or not self.instance.course_id:
            return
        try:
            services.check_syllabus_topics(course=self.instance.course, topics=_topics_of(self))
        except services.SyllabusError as error:
            raise forms.ValidationError(str(error), code=error.code) from None


class SyllabusTopicInline(admin.TabularInline):
    model = SyllabusTopic
    formset = SyllabusTopicFormSet
    fields = ["position", "title_zh", "title_en", "knowledge_area", "hours"]
    extra = 3
    min_num = 1


@admin.register(SyllabusVersion)
class SyllabusVersionAdmin(admin.ModelAdmin):
    form = SyllabusVersionForm
    inlines = [SyllabusTopicInline]
    list_display = ["course", "in_force_from", "in_force_until", "textbook_title_zh", "textbook_isbn"]
    list_filter = ["course"]
    list_select_related = ["course"]
    search_fields = ["course__code", "course__title_zh", "course__title_en", "textbook_title_zh",
                     "textbook_title_en", "textbook_isbn"]  # fmt: skip
    readonly_fields = ["recorded_by", "updated_at"]
    date_hierarchy = "in_force_from"

    def get_readonly_fields(self, request: HttpRequest, obj: SyllabusVersion | None = None) -> list[str]:
        fixed = ["course"] if obj is not None else []  # a version stays with its course
        return [*fixed, *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: SyllabusVersion, form: forms.Form, change: bool) -> None:
        pass  # written with its topics by save_related, in one service call

    def save_related(
        self, request: HttpRequest, form: forms.Form, formsets: list[forms.BaseInlineFormSet], change: bool
    ) -> None:
        topics = next(f for f in formsets if f.model is SyllabusTopic)
        data = form.cleaned_data
        saved = services.do_save_syllabus_version(
            course=form.instance.course,
            in_force_from=data["in_force_from"],
            in_force_until=data.get("in_force_until"),
            texts={name: data[name] for name in services.SYLLABUS_TEXT_FIELDS},
            topics=_topics_of(topics),
            version=form.instance if change else None,
            by=request.user,
        )
        form.instance.pk, form.instance._state.adding = saved.pk, False
        # What the admin's change message reads from a formset it saved itself.
        topics.new_objects, topics.changed_objects, topics.deleted_objects = [], [], []
