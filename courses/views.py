from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Tier


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"tiers": selectors.tiers()})


def tier_list(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/tier_list.html", {"tiers": selectors.tiers()})


def tier_detail(request: HttpRequest, tier_code: str) -> HttpResponse:
    try:
        tier = Tier.objects.get(code=tier_code)
    except Tier.DoesNotExist:
        raise Http404("unknown tier") from None
    return render(
        request, "courses/tier_detail.html", {"tier": tier, "tracks": selectors.tier_overview(tier)}
    )
