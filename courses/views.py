import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from crispy_forms.utils import render_crispy_form
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import display

from . import caching, selectors, services
from .forms import CohortFilterForm, SelfStudyForm
from .knowledge import KnowledgeArea
from .models import Cohort, Course, Enrolment, Tier
from .services import TrainingError


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"tiers": selectors.tiers()})


def tier_list(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/tier_list.html", {"tiers": selectors.tiers()})


def tier_detail(request: HttpRequest, tier_code: str) -> HttpResponse:
    try:
        tier = Tier.objects.get(code=tier_code)
    except Tier.DoesNotExist:
        raise Http404("unknown tier") from None
    counts = selectors.open_cohort_counts(tier)
    tracks = [(track, counts.get(track.curriculum.pk, 0)) for track in selectors.tier_overview(tier)]
    context = {"tier": tier, "tracks": tracks, "open_total": sum(counts.values())}
    return render(request, "courses/tier_detail.html", context)


def _day(raw: str | None) -> datetime.date:
    """The day asked for by ``?on=YYYY-MM-DD`` (a cohort's start date), else today."""
    try:
        return datetime.date.fromisoformat(raw or "")
    except ValueError:
        return timezone.localdate()


def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A course of the national catalog: where it belongs, and its syllabus and textbook in force on a day.

    The topics are listed in order and again by knowledge area (``#area-<area>``): the exam pages link
    each area of the paper's blueprint there.
    """
    course = get_object_or_404(Course, code=code)
    on = _day(request.GET.get("on"))
    syllabus = selectors.syllabus_in_force(course, on=on)
    areas = []
    if syllabus is not None:
        for area in KnowledgeArea:
            topics = [t for t in syllabus.topics.all() if t.knowledge_area == area.value]
            if topics:
                areas.append({"area": area, "topics": topics, "hours": sum(t.hours for t in topics)})
    context = {
        "course": course,
        "on": on,
        "is_today": on == timezone.localdate(),
        "syllabus": syllabus,
        "areas": areas,
        "versions": list(selectors.syllabus_versions_of(course)),
        "entries": list(selectors.curricula_of_course(course)),
    }
    return render(request, "courses/course_detail.html", context)


# --- training delivery: trainee pages ------------------------------------------------------


# The catalog: a page of open cohorts. Its rendered body (filters, cards, pager) is cached per
# language, query, the trainee's active curricula and the cohorts' last change, so an unchanged
# catalog is not rendered again; a change to any cohort (seats included) makes a new key.
COHORTS_PER_PAGE = 24
CATALOG_CACHE_SECONDS = 300


def cohort_list(request: HttpRequest) -> HttpResponse:
    active: set[int] = set()
    if request.user.is_authenticated:
        active = set(
            Enrolment.objects.filter(trainee=request.user, state__in=Enrolment.ACTIVE_STATES).values_list(
                "curriculum_id", flat=True
            )
        )
    version = selectors.cohorts_version()
    key = (
        "catalog:"
        + hashlib.sha256(
            repr(
                (request.LANGUAGE_CODE, sorted(request.GET.lists()), sorted(active), version, COHORTS_PER_PAGE)
            ).encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        form = CohortFilterForm(request.GET or None)
        page = Paginator(selectors.open_cohorts(**form.filters()), COHORTS_PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {"form": form, "page": page, "cohorts": page.object_list, "active_curricula": active,
                   "query": query.urlencode()}  # fmt: skip
        body = render_to_string("courses/_cohort_catalog.html", context, request=request)
        cache.set(key, body, CATALOG_CACHE_SECONDS)
    return render(request, "courses/cohort_list.html", {"catalog": mark_safe(body)})  # rendered above


#: What the apps above courses add to a cohort's page for the visitor (the exchange: a link to the cohort's
#: discussion for those who take part in it). Each takes the request and the cohort and returns safe HTML,
#: or "" for nothing; keep each to a query or two.
COHORT_PAGE_PARTS: list[Callable[[HttpRequest, Cohort], str]] = []


def _visible_cohort(code: str) -> Cohort:
    cohort = selectors.visible_cohort(code)
    if cohort is None:
        raise Http404("No Cohort matches the given query.")
    return cohort


def cohort_detail(request: HttpRequest, code: str) -> HttpResponse:
    cohort = _visible_cohort(code)
    reason = None
    if request.user.is_authenticated:
        try:
            services.check_enrol(trainee=request.user, cohort=cohort)
        except TrainingError as error:
            reason = str(error)
    teachers = selectors.teachers_of_cohort(cohort.pk)
    parts = [html for part in COHORT_PAGE_PARTS if (html := part(request, cohort))]
    # Its name (a date formatted), the courses' links and the day they name, written once (issue 20).
    course_url = display.url_pattern("catalog:course", kind=str)
    entries = [
        {"entry": entry, "url": course_url(entry.course.code)}
        for entry in selectors.entries_of_curriculum(cohort.curriculum_id)
    ]
    context = {
        "cohort": cohort,
        "cohort_name": cohort.name,
        "on": display.date(cohort.starts_on, "Y-m-d"),
        "reason": reason,
        "entries": entries,
        "teachers": teachers,
        "extra_parts": parts,
    }
    return render(request, "courses/cohort_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, code: str) -> HttpResponse:
    """GET: what the trainee applies for (the cohort, its institution and dates, that the training is blended
    with hours recorded per mode, what happens next) and the button; POST: apply (``services.do_apply``:
    pending the institution's review, and the "application received" mail)."""
    cohort = _visible_cohort(code)
    if request.method == "GET":
        reason = None
        try:
            services.check_enrol(trainee=request.user, cohort=cohort)
        except TrainingError as error:
            reason = str(error)
        modes = [cohort.offers_face_to_face, cohort.offers_remote, cohort.offers_self_study]
        context = {"cohort": cohort, "cohort_name": cohort.name, "reason": reason, "blended": sum(modes) > 1}
        return render(request, "courses/enrol_confirm.html", context)
    try:
        services.do_apply(trainee=request.user, cohort=cohort)
    except TrainingError as error:
        messages.error(request, str(error))
        return redirect("training:cohort", code=cohort.code)
    messages.success(
        request,
        _(
            "Your application for %(cohort)s is sent: the institution will review it. "
            "We have e-mailed you that it was received."
        )
        % {"cohort": cohort},
    )
    return redirect("training:dashboard")


#: Links the apps above courses add to an enrolment's card on the dashboard (the exchange: the cohort's
#: discussion, once admitted). Each takes the enrolment and returns safe HTML, or ""; no query (the cards
#: are cached with the dashboard's parts, so a link must depend on the enrolment's row only).
ENROLMENT_CARD_PARTS: list[Callable[[Enrolment], str]] = []


def _dashboard_parts(request: HttpRequest) -> dict[str, Any]:
    """What the dashboard shows, rendered without the visitor's CSRF token (see courses.caching)."""
    enrolments = list(selectors.enrolments_of(request.user))
    progress = selectors.progress_of_many(enrolments)
    cards = []
    for e in enrolments:
        context = {"enrolment": e, "p": progress[e.pk]}
        # An enrolment the institution withdrew says so, when and why (the reason it gave, also mailed).
        withdrawal = render_to_string("courses/_enrolment_withdrawal.html", context) if e.withdrawal_reason else ""
        cards.append(
            {
                "pk": e.pk,
                "head": render_to_string("courses/_enrolment_head.html", context),
                "body": render_to_string("courses/_enrolment_progress.html", context),
                "withdraw_url": reverse("training:withdraw", args=[e.pk]) if e.is_active else "",
                # Each part's safe HTML as it is; anything else escaped (a plain join would escape all).
                "extra": format_html_join(
                    "", "{}", ((html,) for html in [withdrawal, *(f(e) for f in ENROLMENT_CARD_PARTS)])
                ),
            }
        )
    can_log = any(e.is_training and e.cohort.offers_self_study for e in enrolments)
    sessions = list(selectors.upcoming_sessions(request.user))
    self_study = list(selectors.self_study_of(request.user))
    in_training = any(e.is_training for e in enrolments)
    step = selectors.next_step(request.user)
    return {
        "next_step": render_to_string("courses/_dashboard_next_step.html", {"step": step}) if step else "",
        "cards": cards,
        # A section with nothing in it and nothing to do (a pending enrolment's sessions and
        # self-study) is left out rather than shown empty.
        "show_sessions": bool(sessions) or in_training,
        "show_self_study": bool(self_study) or can_log,
        "sessions": render_to_string("courses/_dashboard_sessions.html", {"sessions": sessions}),
        "self_study": render_to_string("courses/_dashboard_self_study.html", {"self_study": self_study}),
        "can_log_self_study": can_log,
        "self_study_form": _blank_self_study_form(request, enrolments) if can_log else "",
    }


def _blank_self_study_form(request: HttpRequest, enrolments: list[Enrolment]) -> str:
    # Its choices: the trainee's cohorts open to self-study and their curricula's courses; its date: today.
    shape = (
        request.user.pk,
        timezone.localdate(),
        [(e.pk, e.state, e.cohort_id, e.cohort.code, e.cohort.offers_self_study, e.curriculum_id) for e in enrolments],
    )
    html = caching.cached_fragment(shape, lambda: render_crispy_form(SelfStudyForm(trainee=request.user)))
    return mark_safe(html)  # rendered by crispy


#: What the apps above courses add to the dashboard's "Your next step", shown once the trainee completed a
#: tier (certification: the continuing-education courses open to enrol). Each takes the request and returns
#: safe HTML, or "" for nothing; called on every visit (not cached with the parts), so keep each to a query
#: or cache it (``caching.cached_shared``, as certification's does).
NEXT_STEP_PARTS: list[Callable[[HttpRequest], str]] = []


def _dashboard(request: HttpRequest, self_study_form: SelfStudyForm | None = None, status: int = 200) -> HttpResponse:
    """The dashboard; its parts are cached until something they show changes (issue 9, courses.caching)."""
    parts = caching.cached_parts(request.user.pk, lambda: _dashboard_parts(request))
    form_html = parts["self_study_form"]
    if self_study_form is not None:  # a form with the visitor's input and errors is never cached
        form_html = mark_safe(render_crispy_form(self_study_form))
    next_step_parts = [html for part in NEXT_STEP_PARTS if (html := part(request))] if parts.get("next_step") else []
    context = {"parts": parts, "self_study_form_html": form_html, "next_step_parts": next_step_parts}
    return render(request, "courses/dashboard.html", context, status=status)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request)


@login_required
@require_POST
def log_self_study(request: HttpRequest) -> HttpResponse:
    form = SelfStudyForm(request.POST, trainee=request.user)
    if form.is_valid():
        try:
            services.do_log_self_study(trainee=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your self-study is logged; it counts once your institution confirms it."))
            return redirect("training:dashboard")
    return _dashboard(request, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what withdrawing costs, and a button; POST: withdraw (the service frees the seat)."""
    enrolment = get_object_or_404(selectors.enrolments_of(request.user), pk=pk)  # someone else's: 404
    if request.method == "GET":
        if not enrolment.is_active:
            messages.info(request, _("You are no longer enrolled in %(cohort)s.") % {"cohort": enrolment.cohort})
            return redirect("training:dashboard")
        progress = selectors.progress_of_many([enrolment])[enrolment.pk]
        return render(request, "courses/withdraw_confirm.html", {"enrolment": enrolment, "p": progress})
    try:
        services.do_withdraw_enrolment(enrolment=enrolment, by=request.user)
    except TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You withdrew from %(cohort)s.") % {"cohort": enrolment.cohort})
    return redirect("training:dashboard")
