from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.monitoring.access import may_monitor
from config.monitoring.metrics import exposition
from config.monitoring.readiness import run_checks


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers; it touches nothing else, so it says nothing to anyone."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache, the broker and a worker answer in time, else 503 and which not."""
    if not may_monitor(request):
        raise Http404
    results = run_checks()
    ready = all(result.ok for result in results)
    return JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": {result.name: {"ok": result.ok, "milliseconds": result.milliseconds} for result in results},
        },
        status=200 if ready else 503,
    )


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_monitor(request):
        raise Http404
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
