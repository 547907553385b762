from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .access import require_office, viewer_of
from .pages import cached_content


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The overview (kept in the cache like a figure page's) and, for the office, the latest
    recomputation's progress and its button, read on every request."""
    viewer = viewer_of(request)
    title = _("Supervision")
    overview = cached_content(
        request, viewer, "supervision/_overview.html", title=title, section="supervision:index", context=dict
    )
    return render(
        request,
        "supervision/index.html",
        {
            "title": title,
            "content_html": overview,
            "viewer": viewer,
            "run": selectors.latest_run() if viewer.is_office else None,
        },
    )


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    require_office(viewer_of(request))
    run = services.do_request_recompute(requested_by=request.user)
    if run.requested_by_id != request.user.pk or run.state != run.State.QUEUED:
        messages.info(request, _("The figures are already being recomputed; this page shows how far it has got."))
    else:
        messages.success(request, _("The figures are being recomputed; this page shows how far it has got."))
    return redirect(f"{reverse('supervision:index')}#recompute")


@login_required
@require_GET
def recompute_status(request: HttpRequest) -> HttpResponse:
    """How far the latest recomputation has got, for the progress bar (polled while it runs)."""
    require_office(viewer_of(request))
    run = selectors.latest_run()
    if run is None:
        return JsonResponse({"state": None})
    return JsonResponse(
        {
            "state": run.state,
            "state_label": run.get_state_display(),
            "percent": run.percent,
            "steps_done": run.steps_done,
            "steps_total": run.steps_total,
            "current_step": run.current_step,
        }
    )
