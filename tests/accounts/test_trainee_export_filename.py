"""The trainee export is named by the portal's date (TIME_ZONE, Asia/Taipei), not UTC's: exported at
00:30 on 6 March in Taipei (16:30 on 5 March in UTC), the file says 2027-03-06."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_the_export_is_named_by_the_local_date(settings, institution_admin, trainee):
    assert settings.TIME_ZONE == "Asia/Taipei"
    with freeze_time("2027-03-05T16:30:00Z"):
        response = logged_in(institution_admin).post(
            reverse("admin:accounts_traineeprofile_export"),
            {"format": "0", "resource": "0", "traineeresource_email": "on"},
        )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="Trainee profiles 2027-03-06.csv"; '
        "filename*=UTF-8''%E5%AD%B8%E5%93%A1%E8%B3%87%E6%96%99%202027-03-06.csv"
    )
    assert trainee.email in response.content.decode("utf-8-sig")
