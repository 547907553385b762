"""One view: the same constant JSON as the portal's floor (``bench/urls.py``)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path


def floor(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/floor/", floor, name="bench_floor")]
