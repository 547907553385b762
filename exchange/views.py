"""The exchange's pages (trainees, teachers and the institution's admins); thin: rules in ``services``.

Anything a person has no part in answers 404, as if it did not exist (``selectors.access_to``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import trainee_profile_of
from courses.models import Course

from . import selectors, services
from .forms import AnswerForm, PostForm, ReasonForm
from .models import Post
from .selectors import Access
from .services import ExchangeError


def _cohort_access(request: HttpRequest, code: str) -> Access:
    cohort = selectors.cohort_by_code(code)
    access = selectors.access_to(request.user, cohort) if cohort is not None else None
    if access is None:
        raise Http404("no such discussion")
    return access


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The discussions of the person's cohorts. With none, the page says why as fits the person: a trainee's open
    once an enrolment is approved, a teacher's once they teach one of a cohort's sessions; anyone else (HR, a
    grader, the program office) is told the discussions are the cohorts' people's, and staff where their work is."""
    cohorts = selectors.cohorts_of(request.user)
    part: str = ""
    if not cohorts:
        is_trainee = trainee_profile_of(request.user) is not None
        part = "trainee" if is_trainee else selectors.staff_part_of(request.user) or ""
    return render(request, "exchange/index.html", {"cohorts": cohorts, "part": part})


@login_required
def cohort(request: HttpRequest, code: str) -> HttpResponse:
    access = _cohort_access(request, code)
    lines = selectors.course_threads(access, request.user)
    return render(request, "exchange/cohort.html", {"access": access, "cohort": access.cohort, "lines": lines})


def _thread_page(
    request: HttpRequest, access: Access, course: Course, *, form: PostForm | None = None,
    error: str = "", status: int = 200,
) -> HttpResponse:  # fmt: skip
    thread = selectors.thread_of(access.cohort, course)
    questions: list[Post] = []
    own: list[Post] = []
    if thread is not None:
        if access.reads_all:
            questions = selectors.questions_of(access, request.user, thread)
        else:
            own = selectors.own_posts(access, request.user, thread)
    context = {
        "access": access,
        "cohort": access.cohort,
        "course": course,
        "questions": questions,
        "own_posts": own,
        "form": form or PostForm(),
        "answer_form": AnswerForm(),
        "error": error,
    }
    return render(request, "exchange/thread.html", context, status=status)


def _thread_course(request: HttpRequest, access: Access, course_code: str) -> Course:
    course = Course.objects.filter(code=course_code).first()
    if course is None:
        raise Http404("no such discussion")
    lines = selectors.course_threads(access, request.user)
    if not any(line.course.pk == course.pk for line in lines):
        raise Http404("no such discussion")
    return course


@login_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, code: str, course_code: str) -> HttpResponse:
    """GET: a course's questions and answers; POST: ask a question."""
    access = _cohort_access(request, code)
    course = _thread_course(request, access, course_code)
    if request.method == "GET":
        return _thread_page(request, access, course)
    form = PostForm(request.POST)
    form.is_valid()
    try:
        services.do_post(by=request.user, cohort=access.cohort, course=course, body=form.cleaned_data.get("body", ""))
    except ExchangeError as error:
        return _thread_page(request, access, course, form=form, error=str(error), status=400)
    messages.success(request, _("Your question is posted."))
    return redirect("exchange:thread", access.cohort.code, course.code)


def _post_access(request: HttpRequest, pk: int) -> tuple[Post, Access]:
    """The post and the person's part in its cohort; 404 when they do not read it."""
    post = Post.objects.select_related("thread__course", "thread__cohort__institution", "parent").filter(pk=pk).first()
    access = selectors.access_to(request.user, post.thread.cohort) if post is not None else None
    if post is None or access is None:
        raise Http404("no such post")
    if not selectors.visible_posts(access, request.user).filter(pk=post.pk).exists():
        raise Http404("no such post")
    return post, access


def _back(post: Post) -> str:
    return reverse("exchange:thread", args=[post.thread.cohort.code, post.thread.course.code]) + f"#post-{post.pk}"


def _act_on_post(
    request: HttpRequest, post: Post, access: Access, act: Callable[[], object], done: str
) -> HttpResponse:
    """Run ``act`` (a service call on ``post``): back to the post with ``done`` shown, or the thread again
    with the refusal (400)."""
    try:
        act()
    except ExchangeError as error:
        return _thread_page(request, access, post.thread.course, error=str(error), status=400)
    messages.success(request, done)
    return redirect(_back(post))


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question, access = _post_access(request, pk)
    form = AnswerForm(request.POST)
    form.is_valid()
    body = form.cleaned_data.get("body", "")
    return _act_on_post(
        request,
        question,
        access,
        lambda: services.do_post(
            by=request.user, cohort=access.cohort, course=question.thread.course, body=body, parent=question
        ),
        _("Your answer is posted."),
    )


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    post, access = _post_access(request, pk)
    return _act_on_post(
        request,
        post,
        access,
        lambda: services.do_accept(by=request.user, answer=post),
        _("The answer is marked as accepted."),
    )


@login_required
@require_POST
def pin(request: HttpRequest, pk: int) -> HttpResponse:
    post, access = _post_access(request, pk)
    pinned = request.POST.get("pinned") != "0"
    return _act_on_post(
        request,
        post,
        access,
        lambda: services.do_pin(by=request.user, question=post, pinned=pinned),
        _("The question is pinned.") if pinned else _("The question is no longer pinned."),
    )


def _reason_page(request: HttpRequest, post: Post, access: Access, action: str) -> HttpResponse:
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        reason = form.cleaned_data.get("reason", "")
        try:
            if action == "hide":
                services.do_hide(by=request.user, post=post, reason=reason)
                messages.success(request, _("The post is hidden."))
            else:
                services.do_report(by=request.user, post=post, reason=reason)
                messages.success(request, _("Thank you: the institution will look at the post."))
        except ExchangeError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error))
            status = 400
        else:
            return redirect(_back(post))
    context = {"post": post, "access": access, "cohort": access.cohort, "form": form, "action": action}
    return render(request, "exchange/reason.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    post, access = _post_access(request, pk)
    if not access.is_moderator:
        raise Http404("no such page")
    return _reason_page(request, post, access, "hide")


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    post, access = _post_access(request, pk)
    if post.author_id == request.user.pk:  # the page offers no report button on one's own posts
        raise Http404("no such page")
    return _reason_page(request, post, access, "report")
