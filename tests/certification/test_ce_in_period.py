"""A holder's continuing education counts inside their certificate's current validity period only: one
reported as completed before it (before the issue date, or before the last renewal) is refused with the day
it began, on the date field, which the page brings into view; nothing is stored."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from certification import services
from certification.models import ContinuingEducation
from certification.services import CertificationError
from tests.conftest import in_english, logged_in
from tests.factories import CertificateFactory, InstitutionFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def holder(*, issued_on: datetime.date, period_starts_on: datetime.date | None = None):
    certificate = CertificateFactory(
        trainee=in_english(UserFactory()),
        issued_on=issued_on,
        period_starts_on=period_starts_on or issued_on,
        valid_until=(period_starts_on or issued_on) + datetime.timedelta(days=3 * 365),
    )
    return certificate.trainee, certificate


def report(trainee, completed_on: datetime.date) -> ContinuingEducation:
    return services.do_record_continuing_education(
        trainee=trainee, institution=InstitutionFactory(), title="研討會", completed_on=completed_on, hours=3,
        self_reported=True,
    )  # fmt: skip


def test_an_activity_before_the_issue_date_is_refused_naming_the_issue_date():
    trainee, certificate = holder(issued_on=TODAY - 10 * DAY)
    with translation.override("en"):
        with pytest.raises(CertificationError) as refused:
            report(trainee, TODAY - 11 * DAY)
        issued = date_format(TODAY - 10 * DAY)
    assert refused.value.code == "before_period" and refused.value.field == "completed_on"
    assert f"certificate {certificate.number} was issued on {issued}" in str(refused.value)
    assert not ContinuingEducation.objects.exists()
    assert report(trainee, TODAY - 10 * DAY).status == "pending"  # the issue date itself counts


def test_after_a_renewal_the_period_begins_on_the_renewal_day():
    renewed_on = TODAY - 30 * DAY
    trainee, certificate = holder(issued_on=renewed_on - 3 * 365 * DAY, period_starts_on=renewed_on)
    with translation.override("zh-hant"):
        with pytest.raises(CertificationError) as refused:
            report(trainee, renewed_on - DAY)
        assert certificate.number in str(refused.value) and date_format(renewed_on) in str(refused.value)
    assert report(trainee, renewed_on).pk


def test_of_several_certificates_the_earliest_period_counts():
    trainee, _ = holder(issued_on=TODAY - 100 * DAY)
    CertificateFactory(
        trainee=trainee, issued_on=TODAY - 5 * DAY, period_starts_on=TODAY - 5 * DAY,
        curriculum=curriculum_of("assistant"),
    )  # fmt: skip
    assert report(trainee, TODAY - 50 * DAY).pk


def test_an_institution_still_records_an_activity_for_anyone():
    trainee, _ = holder(issued_on=TODAY - 10 * DAY)
    activity = services.do_record_continuing_education(
        trainee=trainee, institution=InstitutionFactory(), title="研討會", completed_on=TODAY - 400 * DAY, hours=3
    )
    assert activity.status == "confirmed"


def test_the_page_shows_the_refusal_on_the_date_and_brings_the_holder_there():
    trainee, _certificate = holder(issued_on=TODAY - 10 * DAY)
    data = {
        "institution": InstitutionFactory().pk,
        "title": "Seminar",
        "completed_on": (TODAY - 20 * DAY).isoformat(),
        "hours": "3",
    }
    body = logged_in(trainee).post("/en/certificates/", data).content.decode()
    with translation.override("en"):
        assert f"was issued on {date_format(TODAY - 10 * DAY)}" in body
    date_input = re.search(r'<input[^>]*name="completed_on"[^>]*>', body).group(0)
    assert "autofocus" in date_input and 'aria-invalid="true"' in date_input
    assert body.count("autofocus") == 1
    assert not ContinuingEducation.objects.exists()


def test_a_form_error_focuses_its_field():
    trainee, _ = holder(issued_on=TODAY - 10 * DAY)
    data = {"institution": InstitutionFactory().pk, "title": "", "completed_on": TODAY.isoformat(), "hours": "3"}
    body = logged_in(trainee).post("/zh-hant/certificates/", data).content.decode()
    assert "autofocus" in re.search(r'<input[^>]*name="title"[^>]*>', body).group(0)
    assert body.count("autofocus") == 1
