"""The catalogue: tiers, tracks, courses and curricula (with their courses inline)."""

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Curriculum, CurriculumCourse, Tier, Track

from .filters import TrackFilter


@admin.display(description=_("course"), ordering="course__code")
def course_by_code(row: Any) -> str:
    """A change list's column of its rows' course (``row.course``, none for exam preparation): the course's code on
    one line, its title shown on hover, so that the list fits a laptop's screen (as ``cohorts.cohort_by_code``)."""
    course = row.course
    if course is None:
        return "-"
    return format_html('<span class="no-break" title="{}">{}</span>', course.title, course.code)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    # Each tier by its name in the page's language (both names on its page); its code, which addresses and the API
    # use ("standard"), beside it for staff.
    list_display = ["tier_name", "code", "level", "has_tracks"]
    list_filter = ["has_tracks"]
    search_fields = ["code", "name_zh", "name_en", "certificate_name_zh", "certificate_name_en"]
    ordering = ["level"]

    @admin.display(description=_("tier"), ordering="level")
    def tier_name(self, obj: Tier) -> str:
        return obj.name


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    # As the tiers: the name in the page's language, the code beside it.
    list_display = ["track_name", "code", "position"]
    search_fields = ["code", "name_zh", "name_en"]

    @admin.display(description=_("track"), ordering="position")
    def track_name(self, obj: Track) -> str:
        return obj.name


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title_zh", "title_en", "class_hours"]
    list_filter = ["curricula__tier", ("curricula__track", TrackFilter)]
    search_fields = ["code", "title_zh", "title_en"]

    def get_queryset(self, request):  # the curriculum filters join; each course once
        return super().get_queryset(request).distinct()


class CurriculumCourseInline(admin.TabularInline):
    model = CurriculumCourse
    extra = 0
    autocomplete_fields = ["course"]


@admin.register(Curriculum)
class CurriculumAdmin(admin.ModelAdmin):
    # The curriculum's name is its tier and track ("Standard · Retail banking"): no columns of their own, which
    # made the list wider than a laptop's screen (the filters choose by either).
    list_display = [
        "__str__",
        "course_count",
        "teaching_days",
        "teaching_hours",
        "exam_prep_days",
        "exam_prep_hours",
    ]
    list_filter = ["tier", ("track", TrackFilter)]
    search_fields = ["tier__name_zh", "tier__name_en", "track__name_zh", "track__name_en"]
    list_select_related = ["tier", "track"]
    inlines = [CurriculumCourseInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_course_count=Count("entries"))

    @admin.display(description=_("courses"), ordering="_course_count")
    def course_count(self, obj: Curriculum) -> int:
        return obj._course_count  # type: ignore[attr-defined]
