"""The exchange in admin: posts, reports and the moderation trail, read-only, scoped per institution.

An institution's admins see their cohorts' rows only (``InstitutionScopedAdmin``), the program office all;
teachers none here (they answer on the site). Hiding is done on the discussion page (a reason is asked
for there); each post links to it.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.scoping import InstitutionScopedAdmin
from core.admin_actions import ReadOnlyInline

from .models import ModerationEvent, Post, PostReport, Thread


class ReadOnlyAdmin(InstitutionScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    institution_paths = ("cohort__institution",)
    list_display = ["cohort", "course", "created_at"]
    list_select_related = ["cohort__institution", "cohort__curriculum__tier", "cohort__curriculum__track", "course"]
    search_fields = ["cohort__code", "course__code"]


class ModerationInline(ReadOnlyInline):
    model = ModerationEvent
    fields = ["created_at", "action", "by", "reason"]


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    institution_paths = ("thread__cohort__institution",)
    list_display = ["pk", "created_at", "cohort", "course", "author", "excerpt", "is_question", "is_accepted",
                    "is_pinned", "hidden_at", "hidden_reason", "on_the_page"]  # fmt: skip
    list_filter = ["is_pinned", "is_accepted", ("hidden_at", admin.EmptyFieldListFilter)]
    list_select_related = ["thread__cohort", "thread__course", "author"]
    search_fields = ["body", "author__email", "author__display_name", "thread__cohort__code"]
    date_hierarchy = "created_at"
    fields = ["thread", "parent", "author", "body", "created_at", "is_pinned", "is_accepted", "accepted_by",
              "hidden_at", "hidden_by", "hidden_reason"]  # fmt: skip
    readonly_fields = fields
    inlines = [ModerationInline]

    @admin.display(description=_("cohort"), ordering="thread__cohort__code")
    def cohort(self, obj: Post) -> str:
        return obj.thread.cohort.code

    @admin.display(description=_("course"), ordering="thread__course__code")
    def course(self, obj: Post) -> str:
        return obj.thread.course.code

    @admin.display(description=_("text"))
    def excerpt(self, obj: Post) -> str:
        return obj.body[:80]

    @admin.display(description=_("question"), boolean=True)
    def is_question(self, obj: Post) -> bool:
        return obj.parent_id is None

    @admin.display(description=_("on the page"))
    def on_the_page(self, obj: Post) -> str:
        url = reverse("exchange:thread", args=[obj.thread.cohort.code, obj.thread.course.code]) + f"#post-{obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("open"))


@admin.register(PostReport)
class PostReportAdmin(ReadOnlyAdmin):
    institution_paths = ("post__thread__cohort__institution",)
    list_display = ["created_at", "post", "reporter", "reason", "post_hidden"]
    list_select_related = ["post__thread__cohort", "reporter"]
    search_fields = ["reason", "post__body", "reporter__email"]
    fields = ["post", "reporter", "reason", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("hidden"), boolean=True)
    def post_hidden(self, obj: PostReport) -> bool:
        return obj.post.hidden_at is not None


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    institution_paths = ("post__thread__cohort__institution",)
    list_display = ["created_at", "action", "post", "by", "reason"]
    list_select_related = ["post", "by"]
    fields = ["post", "action", "by", "reason", "created_at"]
    readonly_fields = fields
