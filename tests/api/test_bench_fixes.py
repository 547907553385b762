"""What issue 9's benchmark changed in the API: the same answers, in a fixed number of queries."""

import datetime
import json

import pytest
from django.utils import timezone
from rest_framework import serializers

from accounts.models import TraineeProfile
from hr_api.serializers.certificates import CertificateSerializer
from tests.factories import CertificateFactory, TraineeProfileFactory, curriculum_of

pytestmark = pytest.mark.django_db


def certificates_of(employer, count: int, start: int = 0):
    for n in range(start, start + count):
        profile = TraineeProfileFactory(employer=employer, employee_number=f"E{n:05d}")
        CertificateFactory(trainee=profile.user)


@pytest.mark.parametrize("zone", ["Asia/Taipei", "UTC"])
def test_the_certificate_rows_are_what_drf_would_write(cast, zone):
    profile = TraineeProfileFactory(employer=cast.hr_a.employer, employee_number="A-7")
    with_track = CertificateFactory(trainee=profile.user)
    without_track = CertificateFactory(
        trainee=profile.user, curriculum=curriculum_of("assistant"), status="suspended", status_reason="調查中"
    )
    with timezone.override(zone):
        listed = {row["number"]: row for row in cast.api_a.get("/api/v1/certificates/").json()["results"]}
        for certificate in (with_track, without_track):
            certificate.refresh_from_db()
            fast = CertificateSerializer(certificate).data
            generic = dict(serializers.ModelSerializer.to_representation(CertificateSerializer(), certificate))
            assert fast == generic
            assert listed[certificate.number] == generic  # the list builds its rows from values()
    assert fast["track"] is None and fast["status_reason"] == "調查中"


def test_the_certificate_list_runs_the_same_queries_for_pages_of_5_and_50(cast, django_assert_num_queries):
    certificates_of(cast.hr_a.employer, 60)
    counts = []
    for size in (5, 50):
        with django_assert_num_queries(3) as context:  # token, client, page
            rows = cast.api_a.get(f"/api/v1/certificates/?page_size={size}").json()["results"]
        counts.append(len(context.captured_queries))
        assert len(rows) == size
    assert counts[0] == counts[1]


def test_the_last_page_of_the_certificate_list_is_reached_by_cursor(cast):
    certificates_of(cast.hr_a.employer, 12)
    since = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url, seen = f"/api/v1/certificates/?page_size=5&updated_since={since}", []
    while url:
        page = cast.api_a.get(url).json()
        seen += [row["number"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 12


def bulk(api, items):
    return api.post("/api/v1/employees/bulk/", json.dumps({"employees": items}), content_type="application/json")


def test_a_bulk_upsert_of_50_runs_the_queries_of_one_of_5(cast, django_assert_max_num_queries):
    employer = cast.hr_a.employer
    for n in range(50):
        TraineeProfileFactory(employer=employer, employee_number=f"E{n:05d}")
    with django_assert_max_num_queries(30) as five:
        response = bulk(cast.api_a, [{"employee_number": f"E{n:05d}", "branch": "信義分行"} for n in range(5)])
    assert response.status_code == 200 and response.json()["updated"] == 5
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = bulk(cast.api_a, [{"employee_number": f"E{n:05d}", "branch": "大安分行"} for n in range(50)])
    assert response.json()["updated"] == 50
    assert set(TraineeProfile.objects.filter(employer=employer).values_list("branch", flat=True)) == {"大安分行"}

    def new(n):
        return {"employee_number": f"N{n:05d}", "email": f"n{n}@bank.example", "display_name": f"新人{n}"}

    with django_assert_max_num_queries(30) as five_new:
        assert bulk(cast.api_a, [new(n) for n in range(5)]).json()["created"] == 5
    with django_assert_max_num_queries(len(five_new.captured_queries)):
        assert bulk(cast.api_a, [new(n) for n in range(5, 55)]).json()["created"] == 50
    created = TraineeProfile.objects.select_related("user").get(employee_number="N00054")
    assert created.user.email == "n54@bank.example" and not created.user.has_usable_password()
    assert created.user.groups.filter(name="trainee").exists()
