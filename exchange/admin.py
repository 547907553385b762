"""The exchange in admin: posts, reports and the moderation trail, read-only, scoped per institution.

An institution's admins see their cohorts' rows only (``InstitutionScopedAdmin``), the program office all;
teachers none here (they answer on the site). Hiding is done on the discussion page (a reason is asked
for there); each post links to it.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

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

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModerationEvent]:
        return super().get_queryset(request).select_related("by")  # each row names its moderator


def shortened(text: str, chars: int) -> str:
    """``text`` on one line, cut to about ``chars`` characters where it is longer, all of it on hover (a post's
    body or a reason in full made a row many lines high and, with a long address in it, the list wider than a
    laptop's screen). A word with no space in it (an address) breaks anywhere rather than widening its column."""
    line = " ".join(text.split())
    return format_html('<span class="break-anywhere" title="{}">{}</span>', line, Truncator(line).chars(chars))


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    """The list of posts fits a laptop (1366 px, beside the menu and the filters) in both languages:
    a post is its number and the start of its text, its thread the cohort's and the course's codes (their names
    on hover), its author a name (the address on hover), and what it is (a question, pinned; an answer, accepted;
    hidden) one column of words instead of a column each."""

    institution_paths = ("thread__cohort__institution",)
    list_display = ["post", "created_at", "thread_codes", "author_name", "status", "reason", "on_the_page"]
    list_filter = ["is_pinned", "is_accepted", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "author__email", "author__display_name", "thread__cohort__code"]
    date_hierarchy = "created_at"
    fields = ["thread", "parent", "author", "body", "created_at", "is_pinned", "is_accepted", "accepted_by",
              "hidden_at", "hidden_by", "hidden_reason"]  # fmt: skip
    readonly_fields = fields
    inlines = [ModerationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        # Read with the posts: what the list shows (the cohort's name, on hover, reads its institution, tier and
        # track) and the rows the change page names. Django's list_select_related would be ignored beside this.
        return super().get_queryset(request).select_related(
            "thread__cohort__institution", "thread__cohort__curriculum__tier", "thread__cohort__curriculum__track",
            "thread__course", "parent", "author", "accepted_by", "hidden_by",
        )  # fmt: skip

    @admin.display(description=_("post"), ordering="pk")
    def post(self, obj: Post) -> str:
        return format_html("#{} {}", obj.pk, shortened(obj.body, 50))

    @admin.display(description=_("thread"), ordering="thread__cohort__code")
    def thread_codes(self, obj: Post) -> str:
        cohort, course = obj.thread.cohort, obj.thread.course
        return format_html('<span title="{} · {}">{} · {}</span>', cohort.name, course.title, cohort.code, course.code)

    @admin.display(description=_("author"), ordering="author__display_name")
    def author_name(self, obj: Post) -> str:
        author = obj.author
        if not author.display_name:
            return shortened(author.email, len(author.email))
        return format_html('<span title="{}">{}</span>', author.email, author.display_name)

    @admin.display(description=_("status"))
    def status(self, obj: Post) -> str:
        words = [pgettext("exchange post", "question") if obj.is_question else pgettext("exchange post", "answer")]
        if obj.is_pinned:
            words.append(pgettext("exchange post", "pinned"))
        if obj.is_accepted:
            words.append(pgettext("exchange post", "accepted"))
        if obj.is_hidden:
            words.append(pgettext("exchange post", "hidden"))
        return format_html_join(" ", '<span class="no-break">{}</span>', ((word,) for word in words))

    @admin.display(description=_("reason for hiding"), ordering="hidden_at")
    def reason(self, obj: Post) -> str:
        return shortened(obj.hidden_reason, 40) if obj.hidden_reason else ""

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
