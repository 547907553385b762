"""The portal's URLs plus the floor: constant JSON through the same middleware stack."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns


def floor(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *portal_urlpatterns]
