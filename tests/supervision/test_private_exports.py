"""The supervision exports (people's names, results, certificates) are kept by no cache, shared or the
browser's: ``Cache-Control: private, no-store``, the form sent back with errors too."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import logged_in
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_export_is_private_and_not_stored(institution, institution_admin):
    cohort = CohortFactory(institution=institution)
    client = logged_in(institution_admin)
    today = timezone.localdate()
    period = {"valid_from": today.isoformat(), "valid_to": (today + datetime.timedelta(days=90)).isoformat()}
    responses = [
        client.get(reverse("supervision:cohort_results", args=[cohort.pk]), {"format": "csv"}),
        client.get(reverse("supervision:cohort_results", args=[cohort.pk]), {"format": "xlsx"}),
        client.get(reverse("supervision:cohort_progress", args=[cohort.pk]), {"format": "csv"}),
        client.get(reverse("supervision:expiring"), {**period, "format": "csv"}),
        client.get(reverse("supervision:expiring"), {**period, "format": "xlsx"}),
        client.get(reverse("supervision:expiring"), {**period, "valid_to": "nonsense", "format": "csv"}),
    ]
    for response in responses:
        assert response.status_code in (200, 400)
        assert {"private", "no-store"} <= directives(response), response.get("Content-Disposition")
