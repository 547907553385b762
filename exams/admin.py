"""Admin of the exams: the national bank and papers (program office), sittings, attempts, the
essay grading queue and results (scoped to the institution by InstitutionScopedAdmin)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts import audit, spreadsheets
from accounts.imports import templates as import_templates
from accounts.imports.reader import read_spreadsheet
from accounts.imports.results import RowProblem, first_refused
from accounts.scoping import InstitutionScopedAdmin, institution_of, is_program_office
from accounts.uploads import EMPTY_FILE_MESSAGE, validate_tabular_upload
from core import downloads
from core.admin_actions import ReadOnlyAdminMixin
from core.admin_deletion import DeletionService, ServiceDeletionAdmin
from core.admin_refusals import RefusedSaveAdmin
from core.forms import refusal_shown_on
from core.numbers import plain_number

from . import imports, selectors
from .models import Attempt, BlueprintRow, CourseResult, EssayAnswer, ExamPaper, Question, Sitting
from .services import ExamError, attempts, essay_marking, grading, question_bank

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- national: question bank and papers (program office) -----------------------------------


def options_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=capfirst(label), help_text=help_text, required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField"}),
    )  # fmt: skip


#: The question's field (``question_bank.QUESTION_FIELDS``) each field of the form fills, where its name differs.
FORM_READS = {"course": "course_id", "options_zh": "options", "options_en": "options"}


class QuestionForm(forms.ModelForm):
    """The options are typed as in the question import's cells, read by the same code
    (``imports.options_and_correct``), and the question is then held to the question bank's rules: every problem at
    once, each once. A field refused in its own words (a required text left empty, options the import would refuse)
    is not judged again by the bank (``unread``); the difficulty's and the maximum score's rules are said under their
    fields, so that the model's constraints of the same are not said a second time (a model form leaves out the
    constraints of a field it has refused)."""

    options_zh = options_field(
        _("options (zh-Hant)"),
        _("One option a line, in Traditional Chinese: the first line is option A, the second B, and so on. Empty "
          "for an essay question."),
    )  # fmt: skip
    options_en = options_field(
        _("options (English)"), _("The same options in English: as many lines, in the same order.")
    )
    correct = forms.CharField(
        label=capfirst(_("correct options")), required=False, widget=forms.TextInput(attrs={"size": 12}),
        help_text=_("The letter of the correct option, such as B; for a multiple-choice question the letters "
                    "separated by commas, such as A,C. Empty for an essay question."),
    )  # fmt: skip

    class Meta:
        model = Question
        fields = ["course", "knowledge_area", "difficulty", "question_type", "status", "text_zh", "text_en",
                  "options_zh", "options_en", "correct", "rubric_zh", "rubric_en", "max_score"]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = kwargs.get("initial") or {}
        shown = imports.options_as_typed(self.instance.options, self.instance.correct, separator="\n")
        self.initial.update({f: v for f, v in shown.items() if f not in given})

    def _checked(self, field: str, problem_of: Callable[[Any], Any]) -> Any:
        """The field's value, or its problem under the field (the bank's own rule: one message, not two)."""
        value = self.cleaned_data.get(field)
        problem = problem_of(value)
        if problem is not None:
            raise forms.ValidationError(str(problem))
        return value

    def clean_difficulty(self) -> Any:
        return self._checked("difficulty", question_bank.difficulty_problem)

    def clean_max_score(self) -> Any:
        return self._checked("max_score", question_bank.max_score_problem)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        refused: list[str] = []

        def refuse(field: str, message: str) -> None:
            refused.append(field)
            self.add_error(field, message)

        options, correct = imports.options_and_correct(
            data.get("options_zh") or "", data.get("options_en") or "", data.get("correct") or "", refuse
        )
        unread = {FORM_READS.get(name, name) for name in [*self.errors, *refused] if name != NON_FIELD_ERRORS}
        if self.instance.pk is not None and not {"options", "correct"} & unread:
            options, correct = imports.with_stored_keys(
                (self.instance.options, self.instance.correct), options, correct
            )
        values = {f: data.get(f) for f in question_bank.QUESTION_FIELDS if f != "course_id"}
        values.update(course_id=data["course"].pk if data.get("course") else None, options=options, correct=correct)
        try:
            if self.instance.pk is None:
                question_bank.check_question_data(data=values, unread=unread)
            else:  # the version as stored: whether it may change so (a retired one an attempt has shown may not)
                stored = Question.objects.get(pk=self.instance.pk)
                question_bank.check_revise_question(question=stored, changes=values, unread=unread)
        except question_bank.QuestionRefused as refusal:
            # A rule about one text (an invisible control character, options that read the same) under its field;
            # the others above the form.
            for field, message in refusal.problems:
                self.add_error(field if field in self.fields else None, str(message))
            return data
        except ExamError as refusal:
            self.add_error(None, str(refusal))
            return data
        if unread:
            return data
        # ``correct`` is the model's field, saved from the cleaned data; ``options`` is no field of the form.
        data["correct"] = correct
        self.instance.options = options
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"), error_messages={"empty": EMPTY_FILE_MESSAGE})
    kind = ""  # "csv" or "xlsx", once the file is clean

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = validate_tabular_upload(upload)  # size, name and content (accounts.uploads)
        return upload


class SyllabusFilter(admin.SimpleListFilter):
    """Live questions whose knowledge area their course's syllabus does not list (written before the
    rule, or before the syllabus changed): to move to an area of the syllabus, or retire."""

    title = _("syllabus")
    parameter_name = "syllabus"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("outside", _("area not in the syllabus"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> QuerySet[Question]:
        if self.value() == "outside":
            return queryset.filter(pk__in=selectors.questions_outside_syllabus().values("pk"))
        return queryset


#: The fields of a version's read-only page, its options and key as the form writes them (never the stored keys).
READ_ONLY_QUESTION_FIELDS = [
    "family", "version", "course", "knowledge_area", "difficulty", "question_type", "status", "text_zh", "text_en",
    "shown_options_zh", "shown_options_en", "shown_correct", "rubric_zh", "rubric_en", "max_score",
]  # fmt: skip


@admin.register(Question)
class QuestionAdmin(RefusedSaveAdmin):
    """Saving a version an attempt has shown makes a new version (the service decides): whichever save button was
    pressed, the page that follows is the new version's (or the list, or a new question's) and says so. A version a
    later one replaced is read only: its page links the one that replaced it, and a form posted to it (a page opened
    before) saves nothing and says why."""

    refusals = (ExamError,)
    form = QuestionForm
    list_display = ["short_text", "version", "course", "question_type", "knowledge_area", "difficulty", "status"]
    list_filter = ["status", SyllabusFilter, "question_type", "knowledge_area", "difficulty", "course"]
    list_select_related = ["course"]
    # Staff look a question up by its course's code (BCM-304) as often as by its words.
    search_fields = ["course__code", "text_zh", "text_en", "knowledge_area"]
    readonly_fields = ["family", "version"]
    actions = ["export_csv", "export_xlsx"]
    change_list_template = "admin/exams/question/change_list.html"
    change_form_template = "admin/exams/question/change_form.html"

    @admin.display(description=_("question"))
    def short_text(self, obj: Question) -> str:
        return obj.text[:80]

    @admin.display(description=_("options (zh-Hant)"))
    def shown_options_zh(self, obj: Question) -> str:
        return mark_safe(linebreaks(imports.options_as_typed(obj.options, obj.correct, separator="\n")["options_zh"]))

    @admin.display(description=_("options (English)"))
    def shown_options_en(self, obj: Question) -> str:
        return mark_safe(linebreaks(imports.options_as_typed(obj.options, obj.correct, separator="\n")["options_en"]))

    @admin.display(description=_("correct options"))
    def shown_correct(self, obj: Question) -> str:
        return question_bank.correct_letters(obj.options, obj.correct)

    def replaced_by(self, request: HttpRequest, obj: Question | None) -> Question | None:
        """The version that replaced ``obj`` (``question_bank.replacing_version``), asked once a request."""
        if obj is None or obj.pk is None:
            return None
        known: dict[int, Question | None] = request.__dict__.setdefault("_question_replaced_by", {})
        if obj.pk not in known:
            known[obj.pk] = question_bank.replacing_version(obj)
        return known[obj.pk]

    def has_change_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        if self.replaced_by(request, obj) is not None:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Question | None = None) -> Any:
        if self.replaced_by(request, obj) is not None:
            return READ_ONLY_QUESTION_FIELDS
        return super().get_fields(request, obj)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        replacing = self.replaced_by(request, obj)
        if obj is not None and replacing is not None and self.has_view_permission(request, obj):
            if request.method == "POST":
                # A page opened before the version was replaced: nothing is saved, and the page says why.
                self.message_user(request, str(question_bank.replaced_refusal(obj, replacing)), messages.ERROR)
                return redirect(request.get_full_path())
            explanation = format_html(
                _("This is version {old} of the question, retired: the attempts that showed it keep it as it was, and "
                  "it can no longer be edited. Version {new} replaced it: <a href=\"{url}\">open version {new}</a>."),
                old=obj.version, new=replacing.version, url=self._change_url(replacing),
            )  # fmt: skip
            extra_context = {**(extra_context or {}), "replaced_explanation": explanation}
        return super().change_view(request, object_id, form_url, extra_context)

    def _change_url(self, obj: Question) -> str:
        return reverse("admin:exams_question_change", args=[obj.pk], current_app=self.admin_site.name)

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        data = {f: getattr(obj, f) for f in question_bank.QUESTION_FIELDS}
        if not change:
            created = question_bank.do_create_question(data=data)
            obj.pk, obj.family, obj._state.adding = created.pk, created.family, False
            return
        old_version = obj.version
        # The form checked the same rules; only a change made meanwhile (the version was replaced or retired
        # between the check and the lock) is refused here. Nothing was saved: response_change says so.
        with self.refusal_kept(request):
            saved = question_bank.do_revise_question(question_id=obj.pk, changes=data, by=request.user)
            if saved.pk != obj.pk:
                request._question_new_version = (old_version, saved)  # type: ignore[attr-defined]
                obj.pk, obj.version, obj.status = saved.pk, saved.version, saved.status

    def response_saved(self, request: HttpRequest, obj: Question) -> HttpResponse:
        new_version = getattr(request, "_question_new_version", None)
        if new_version is None or IS_POPUP_VAR in request.POST:
            return super().response_saved(request, obj)
        # Not Django's "changed successfully … you may edit it again below": that page is the old version's.
        old, saved = new_version
        url = self._change_url(saved)
        message = format_html(
            _("An attempt has shown version {old} of this question, so your change was saved as version {new}, "
              "<a href=\"{url}\">{question}</a>, and version {old} was retired: the attempts keep it as they showed "
              "it."),
            old=old, new=saved.version, url=url, question=saved,
        )  # fmt: skip
        if "_continue" in request.POST:
            message = format_html("{} {}", message, _("You may edit version {new} below.").format(new=saved.version))
        self.message_user(request, message, messages.SUCCESS)
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        if "_continue" in request.POST:
            return redirect(add_preserved_filters(preserved, url))
        if "_addanother" in request.POST:
            add = reverse("admin:exams_question_add", current_app=self.admin_site.name)
            return redirect(add_preserved_filters(preserved, add))
        return self.response_post_save_change(request, obj)

    def get_urls(self) -> list[URLPattern]:
        return [path("import/", self.admin_site.admin_view(self.import_view), name="exams_question_import"),
                import_templates.template_path(self.admin_site, self.import_template_view,
                                               name="exams_question_import_template"),
                *super().get_urls()]  # fmt: skip

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        return import_templates.template_response(imports.IMPORT_HEADERS, kind, "question")

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[tuple[int, str]] = []
        rows: list[RowProblem] = []
        more_rows = 0
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                dataset = read_spreadsheet(upload.read(), form.kind)  # the trainee import's reader
            except ValidationError as unreadable:
                errors = [(0, str(message)) for message in unreadable.messages]
            except Exception:
                errors = [(0, str(_("The file could not be read as CSV or XLSX.")))]
            else:
                try:
                    report = imports.import_questions(dataset, by=request.user, file_name=upload.name)
                except imports.ImportRefused as refused:
                    errors, (rows, more_rows) = refused.errors, first_refused(refused.rows)
                else:
                    messages.success(request, _("Imported: %(c)s new questions, %(r)s revised.")
                                     % {"c": report.created, "r": report.revised})  # fmt: skip
                    return redirect("admin:exams_question_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors, "rows": rows,
                   "more_rows": more_rows, "opts": self.model._meta, "title": _("Import questions"),
                   "import_columns": imports.column_guide(),
                   "import_templates": import_templates.template_links(self.admin_site,
                                                                       "exams_question_import_template")}  # fmt: skip
        return TemplateResponse(request, "admin/exams/question/import.html", context)

    def _export(self, queryset: QuerySet[Question], fmt: str) -> HttpResponse:
        data = imports.export_questions(queryset)
        # No cell becomes a formula; a character spreadsheets refuse (a vertical tab pasted from a
        # word processor) is written as U+FFFD instead of failing the export (accounts.spreadsheets).
        response = spreadsheets.spreadsheet_response(data, fmt, "questions")
        # Named as every admin export is, in the page's language ("題目 2026-12-06.csv": core.downloads).
        plural = Question._meta.verbose_name_plural
        response["Content-Disposition"] = downloads.attachment(
            downloads.dated_file_name(plural, fmt), ascii_name=downloads.english_dated_file_name(plural, fmt)
        )
        audit.record(
            audit.Action.ADMIN_EXPORT,
            summary=f"questions.{fmt}: {len(data)} questions",
            detail={"model": Question._meta.label, "format": fmt, "rows": len(data)},
        )
        return response

    @admin.action(description=_("Export the selected questions (CSV)"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Question]) -> HttpResponse:
        return self._export(queryset, "csv")

    @admin.action(description=_("Export the selected questions (XLSX)"), permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Question]) -> HttpResponse:
        return self._export(queryset, "xlsx")


class BlueprintInline(admin.TabularInline):
    model = BlueprintRow
    extra = 1


def shortfall_warning(request: HttpRequest, paper: ExamPaper, shortfalls: list[selectors.BankShortfall]) -> None:
    """Said when a paper is saved or a sitting of it scheduled: trainees could not start it on the day."""
    upcoming = selectors.upcoming_sittings_of(paper_id=paper.pk)
    message = _(
        "The question bank cannot fill the paper %(paper)s yet (%(short)s): trainees cannot start it until it can."
    )
    text = message % {"paper": paper.course.code, "short": "; ".join(str(s) for s in shortfalls)}
    if upcoming:
        text += " " + _("Sittings already scheduled: %(sittings)s.") % {"sittings": ", ".join(upcoming)}
    messages.warning(request, text)


class ExamPaperForm(forms.ModelForm):
    """A time limit raised above the window of a sitting still to come is refused under its field
    (``attempts.check_paper_time_limit``)."""

    class Meta:
        model = ExamPaper
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("time_limit_minutes") is not None:
            with refusal_shown_on(self, "time_limit_minutes"):
                attempts.check_paper_time_limit(paper=self.instance, time_limit_minutes=data["time_limit_minutes"])
        return data


@admin.register(ExamPaper)
class ExamPaperAdmin(admin.ModelAdmin):
    """The office's papers. One the question bank cannot fill may be saved (questions are often written
    after the blueprint) but is flagged on the list and at each save, with the sittings it would fail."""

    form = ExamPaperForm

    list_display = [
        "course", "time_limit_minutes", "pass_mark", "multiple_scoring", "max_attempts", "retake_wait_days",
        "bank_can_fill",
    ]  # fmt: skip
    list_select_related = ["course"]
    readonly_fields = ["bank_can_fill"]
    inlines = [BlueprintInline]

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        # The page's papers at once: a fixed number of queries however many papers the list shows.
        shortfalls = selectors.bank_shortfalls(paper_ids=[paper.pk for paper in changelist.result_list])
        for paper in changelist.result_list:
            paper.bank_shortfalls = shortfalls.get(paper.pk, [])
        return changelist

    @admin.display(description=_("question bank"))
    def bank_can_fill(self, obj: ExamPaper) -> str:
        if obj.pk is None:
            return "—"
        shortfalls = getattr(obj, "bank_shortfalls", None)
        if shortfalls is None:
            shortfalls = selectors.bank_shortfalls(paper_ids=[obj.pk]).get(obj.pk, [])
        if not shortfalls:
            return str(_("can fill the paper"))
        return str(_("short: %(short)s")) % {"short": "; ".join(str(s) for s in shortfalls)}

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        paper = form.instance
        shortfalls = selectors.bank_shortfalls(paper_ids=[paper.pk]).get(paper.pk)
        if shortfalls:
            shortfall_warning(request, paper, shortfalls)


# --- institution-owned ---------------------------------------------------------------------


class SittingForm(forms.ModelForm):
    """Who may schedule it is the service's ``check_schedule_sitting``, and the window's length against the paper's
    time limit its ``check_sitting_length`` (under the window's end); the window's order, the place or online and no
    duplicate are said once, by the model's constraints (``attempts.check_sitting_fits`` says the same in the same
    words to every other caller)."""

    class Meta:
        model = Sitting
        fields = ["paper", "cohort", "opens_at", "closes_at", "is_online", "place", "place_en"]

    user: Any = None  # the one scheduling (SittingAdmin.get_form)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A field the page shows read-only (the paper and cohort once attempts exist) keeps the sitting's own.
        paper, cohort = (data.get(f) if f in self.fields else getattr(self.instance, f) for f in ("paper", "cohort"))
        if paper is not None and cohort is not None and data.get("opens_at") and data.get("closes_at"):
            with refusal_shown_on(self):
                attempts.check_schedule_sitting(
                    by=self.user, paper=paper, cohort=cohort, opens_at=data["opens_at"],
                    closes_at=data["closes_at"], is_online=bool(data.get("is_online")), place=data.get("place") or "",
                    place_en=data.get("place_en") or "",
                )  # fmt: skip
            with refusal_shown_on(self, "closes_at"):
                attempts.check_sitting_length(
                    paper=paper, opens_at=data["opens_at"], closes_at=data["closes_at"],
                    sitting=self.instance if self.instance.pk is not None else None,
                )  # fmt: skip
        return data


@admin.register(Sitting)
class SittingAdmin(ServiceDeletionAdmin, InstitutionScopedAdmin):
    """Sittings of the institution's cohorts. One nobody has started an attempt at may be deleted (scheduled
    by mistake); once attempts exist the delete page says why it stays."""

    institution_paths = ("cohort__institution",)
    deletion = DeletionService(check=attempts.check_delete_sitting, do=attempts.do_delete_sitting, argument="sitting")
    form = SittingForm
    list_display = ["paper", "cohort", "opens_at", "closes_at", "is_online", "place_shown"]
    list_select_related = [
        "paper__course",
        "cohort__institution",
        "cohort__curriculum__tier",
        "cohort__curriculum__track",
    ]
    list_filter = ["is_online", "paper__course"]
    search_fields = ["cohort__code", "paper__course__code", "place", "place_en"]

    @admin.display(description=_("place"), ordering="place")
    def place_shown(self, obj: Sitting) -> str:
        return obj.place_name

    def get_readonly_fields(self, request: HttpRequest, obj: Sitting | None = None) -> list[str]:
        # Started attempts were drawn from this paper for this cohort: moving the sitting would misfile them.
        if obj is not None and obj.attempts.exists():
            return ["paper", "cohort"]
        return []

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request: HttpRequest, obj: Sitting, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = attempts.do_schedule_sitting(
            by=request.user, paper=obj.paper, cohort=obj.cohort, opens_at=obj.opens_at, closes_at=obj.closes_at,
            is_online=obj.is_online, place=obj.place, place_en=obj.place_en,
        )  # fmt: skip
        obj.pk, obj._state.adding = created.pk, False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        paper = form.instance.paper
        shortfalls = selectors.bank_shortfalls(paper_ids=[paper.pk]).get(paper.pk)
        if shortfalls:
            shortfall_warning(request, paper, shortfalls)


class ReadOnlyAdmin(ReadOnlyAdminMixin, InstitutionScopedAdmin):
    pass


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    institution_paths = ("sitting__cohort__institution",)
    list_display = ["trainee", "paper", "number", "state", "started_at", "deadline", "submitted_at"]
    list_select_related = ["trainee", "paper__course"]
    list_filter = ["state", "paper__course"]
    search_fields = ["trainee__email", "trainee__display_name"]
    exclude = ["seed"]


@admin.register(CourseResult)
class CourseResultAdmin(ReadOnlyAdmin):
    institution_paths = ("attempt__sitting__cohort__institution",)
    list_display = ["trainee", "course", "score", "max_score", "percent", "passed", "published_at"]
    list_select_related = ["trainee", "course"]
    list_filter = ["passed", "course"]
    search_fields = ["trainee__email", "trainee__display_name"]


def publishing_foretold(request: HttpRequest) -> bool | None:
    """What the grading page told the grader of publishing, as its form sends it back (``_publishes``): "1" it said
    that saving publishes the attempt's result (``grading.grade_publishes``), "0" it did not; None when nothing was
    sent (no such page: nothing to hold the save to)."""
    return {"1": True, "0": False}.get(request.POST.get("_publishes", ""))


class EssayGradeForm(forms.ModelForm):
    """The score goes through ``grading.check_grade_essay`` here and the note through ``grading.check_grader_note``,
    so that a refusal shows on the form, under its field, with what the grader typed, and nothing is said to be
    saved. A score that would publish the result though the page, opened earlier, did not say so is one of them
    (``grading.check_publishing_foretold``): the page shown again says it, and the next save publishes."""

    foretold: bool | None = None  # ``publishing_foretold`` of the request (EssayAnswerAdmin.get_form)

    class Meta:
        model = EssayAnswer
        fields = ["score", "grader_note"]
        # The note stays with the staff (``grading.check_grader_note``): the result page and e-mail never show it.
        help_texts = {
            "grader_note": _(
                "Read by staff only (your institution's graders and admins, the program office): the trainee does "
                "not see it."
            )
        }

    def clean_score(self) -> Any:
        score = self.cleaned_data.get("score")
        if score is None:
            raise forms.ValidationError(_("Give a score."))
        return score

    def clean(self) -> dict:
        data = super().clean()
        if data.get("score") is not None:
            with refusal_shown_on(self, "score"):
                grading.check_grade_essay(
                    grader=self.user, item=self.instance, score=data["score"], publishing_foretold=self.foretold
                )
        if "grader_note" in data:
            with refusal_shown_on(self, "grader_note"):
                grading.check_grader_note(data["grader_note"])
        return data


class WaitingFilter(admin.SimpleListFilter):
    """The queue opens on the essays waiting for a grader; "all" and "graded" are a click away."""

    title = _("graded")
    parameter_name = "graded"
    default = "no"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list:
        return [("no", _("waiting")), ("yes", _("graded")), ("all", _("All"))]  # "All": Django's word

    def value(self) -> str:
        return super().value() or self.default

    def choices(self, changelist: Any) -> Any:
        # Django's own "All" link is the page without the parameter: here that is "waiting", so "all" is ours.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.filter(score__isnull=True)
        if self.value() == "yes":
            return queryset.filter(score__isnull=False)
        return queryset


@admin.register(EssayAnswer)
class EssayAnswerAdmin(RefusedSaveAdmin, InstitutionScopedAdmin):
    """The grading queue: the institution's submitted essays, with the rubric and a score field. An essay
    whose attempt's result is final is shown read-only, saying why and what the grader can do instead;
    "Save and grade next" opens the next waiting essay of the same queue (the grader's institution).

    The score of an attempt's last waiting essay publishes its result for good: the page says so by the save
    buttons before anything is saved (and its form says it did, ``_publishes``), and a save that published says
    so, whichever button was pressed, never "you may edit it again"."""

    refusals = (ExamError,)
    institution_paths = ("attempt__sitting__cohort__institution",)
    form = EssayGradeForm
    # As graders work: the oldest submission first (the marking time runs from it), each row by what it is.
    list_display = ["essay", "trainee", "course", "attempt_number", "submitted_at", "status", "score", "graded_at"]
    list_display_links = ["essay"]
    list_select_related = ["attempt__trainee", "attempt__paper__course", "question"]
    ordering = ["attempt__submitted_at", "attempt_id", "position"]
    list_filter = [WaitingFilter]
    search_fields = ["attempt__trainee__email", "attempt__trainee__display_name"]
    fields = ["question_text", "rubric", "max_points", "answer_text", "score", "grader_note"]
    readonly_fields = ["question_text", "rubric", "max_points", "answer_text"]
    change_list_template = "admin/exams/essayanswer/change_list.html"
    change_form_template = "admin/exams/essayanswer/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("question", "attempt__trainee", "attempt__paper__course", "attempt__result")
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        form.foretold = publishing_foretold(request)
        return form

    def has_change_permission(self, request: HttpRequest, obj: EssayAnswer | None = None) -> bool:
        """A final result's essays are read, not graded again (``grading.essay_is_final``)."""
        if obj is not None and grading.essay_is_final(obj):
            return False
        return super().has_change_permission(request, obj)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is not None and grading.essay_is_final(obj):
            if request.method == "POST":
                # A page opened before the result became final: nothing is saved, and the page says why.
                self.message_user(request, grading.final_essay_explanation(obj), messages.ERROR)
                return redirect(request.get_full_path())
            extra_context = {**(extra_context or {}), "final_explanation": grading.final_essay_explanation(obj)}
        elif obj is not None and self.has_change_permission(request, obj):
            # Said by the save buttons, as the attempt stands when the page is shown (again, after a refusal).
            extra_context = {**(extra_context or {}), "publishes": grading.grade_publishes(obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # The page is headed as the menu names it ("申論閱卷佇列"), not Django's "Select essay answer to change";
        # its foot counts essays (admin/exams/essayanswer/pagination.html), not "9 essay grading queue".
        title = capfirst(self.opts.verbose_name_plural)
        return super().changelist_view(
            request, {"title": title, **(extra_context or {}), "waiting": self.waiting(request)}
        )

    def waiting(self, request: HttpRequest) -> dict[str, Any]:
        """How many essays wait for a grader and how old the oldest is: the institution's own, every
        institution's for the program office."""
        if is_program_office(request.user):
            summary = selectors.waiting_summary()
        else:
            institution = institution_of(request.user)
            summary = selectors.waiting_summary(institution.pk) if institution else selectors.Waiting(0, None)
        oldest = summary.oldest
        return {
            "count": summary.count,
            "oldest": oldest,
            "age_days": (timezone.now() - oldest).days if oldest else 0,
            "overdue": bool(oldest and oldest < essay_marking.overdue_before()),
            "marking_days": essay_marking.marking_days(),
        }

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("question"), ordering="position")
    def essay(self, obj: EssayAnswer) -> str:
        return obj.question_label

    @admin.display(description=_("course"), ordering="attempt__paper__course__code")
    def course(self, obj: EssayAnswer) -> str:
        return str(obj.attempt.paper.course)

    @admin.display(description=_("trainee"), ordering="attempt__trainee__display_name")
    def trainee(self, obj: EssayAnswer) -> str:
        return str(obj.attempt.trainee)

    @admin.display(description=_("attempt number"), ordering="attempt__number")
    def attempt_number(self, obj: EssayAnswer) -> int:
        return obj.attempt.number

    @admin.display(description=_("submitted at"), ordering="attempt__submitted_at")
    def submitted_at(self, obj: EssayAnswer) -> Any:
        return obj.attempt.submitted_at

    @admin.display(description=_("status"))
    def status(self, obj: EssayAnswer) -> str:
        return str(grading.essay_status(obj))

    @admin.display(description=_("question"))
    def question_text(self, obj: EssayAnswer) -> str:
        return mark_safe(linebreaks(obj.question.text, autoescape=True))

    @admin.display(description=_("rubric"))
    def rubric(self, obj: EssayAnswer) -> str:
        return mark_safe(linebreaks(obj.question.rubric, autoescape=True))

    @admin.display(description=_("maximum score"))
    def max_points(self, obj: EssayAnswer) -> str:
        return plain_number(obj.question.max_score)

    @admin.display(description=_("essay answer"))
    def answer_text(self, obj: EssayAnswer) -> str:
        return mark_safe(
            linebreaks(obj.answer if isinstance(obj.answer, str) else json.dumps(obj.answer), autoescape=True)
        )

    def save_model(self, request: HttpRequest, obj: EssayAnswer, form: Any, change: bool) -> None:
        # The form checked the same rules; only a grade given meanwhile (between the check and the lock, the result
        # became final, or the attempt's other essays were scored) is refused here. Nothing was saved:
        # response_change says so, and nothing else.
        with self.refusal_kept(request):
            saved = grading.do_grade_essay(
                item_id=obj.pk, grader=request.user, score=obj.score, note=obj.grader_note,
                publishing_foretold=form.foretold,
            )  # fmt: skip
            request._essay_published = grading.essay_is_final(saved)  # type: ignore[attr-defined]

    def response_saved(self, request: HttpRequest, obj: EssayAnswer) -> HttpResponse:
        if getattr(request, "_essay_published", False):
            # Not Django's "changed successfully … you may edit it again below": the result is out, and final.
            message = _(
                "The score of “%(essay)s” is saved, and with it the attempt's result is published: the trainee is "
                "told by e-mail. The result is final: its scores can no longer be changed."
            )
            self.message_user(request, message % {"essay": obj}, messages.SUCCESS)
            if "_continue" in request.POST:  # the essay's page, now to be read only
                return redirect(request.get_full_path())
            response = self.response_post_save_change(request, obj)
        else:
            response = super().response_saved(request, obj)
        if "_gradenext" in request.POST:
            following = self.next_waiting(request, obj)
            if following is None:
                self.message_user(request, _("No other essay is waiting for a grader."), messages.INFO)
            else:
                return redirect(
                    add_preserved_filters(
                        {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts},
                        reverse("admin:exams_essayanswer_change", args=[following.pk]),
                    )
                )
        return response

    def next_waiting(self, request: HttpRequest, obj: EssayAnswer) -> EssayAnswer | None:
        """The oldest essay still waiting in this grader's queue (their institution's; every one for the
        program office), other than ``obj``."""
        return (
            self.get_queryset(request)
            .filter(score__isnull=True, attempt__state=Attempt.State.GRADING)
            .exclude(pk=obj.pk)
            .order_by("attempt__submitted_at", "attempt_id", "position")
            .first()
        )
