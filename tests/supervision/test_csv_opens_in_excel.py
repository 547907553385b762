"""A CSV the portal hands out begins with UTF-8's byte order mark: without it Excel on a Taiwanese Windows reads the
file as Big5 and every Chinese name comes out garbled (an institution's staff opened a trainee export so)."""

import codecs

import pytest
from django.urls import reverse

from tests.conftest import logged_in
from tests.supervision.test_reports import url

pytestmark = pytest.mark.django_db


def test_the_admin_export_of_trainees_opens_with_its_chinese_names(institution_admin, trainee):
    trainee.display_name = "王小明"
    trainee.save(update_fields=["display_name"])
    response = logged_in(institution_admin).post(
        reverse("admin:accounts_traineeprofile_export"),
        {"format": "0", "resource": "0", "traineeresource_email": "on", "traineeresource_display_name": "on"},
    )
    assert response.status_code == 200
    assert response.content.startswith(codecs.BOM_UTF8)
    assert "王小明" in response.content[len(codecs.BOM_UTF8) :].decode("utf-8")


def test_a_supervision_table_download_opens_with_its_chinese_names(world, institution_admin, institution):
    cohort = next(c for c in world.cohorts if c.institution_id == institution.pk)
    response = logged_in(institution_admin).get(url("cohort_progress", cohort.pk), {"format": "csv"})
    assert response.status_code == 200
    assert response.content.startswith(codecs.BOM_UTF8)
    assert not response.content[len(codecs.BOM_UTF8) :].startswith(codecs.BOM_UTF8)


def test_the_xlsx_files_are_left_as_they_are(world, institution_admin, institution):
    cohort = next(c for c in world.cohorts if c.institution_id == institution.pk)
    response = logged_in(institution_admin).get(url("cohort_progress", cohort.pk), {"format": "xlsx"})
    assert response.content.startswith(b"PK")
