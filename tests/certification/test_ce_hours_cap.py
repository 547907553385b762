"""One continuing-education activity counts at most 24 hours (three training days of 8 hours: the hours a whole
validity period asks for), whichever way it comes: a holder's report, an institution's record, the confirmation of a
report (one by one or in bulk), a course and its attendance; a constraint holds it too. Rows recorded above it before
stay as they were."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from certification import services
from certification.models import CE_ACTIVITY_MOST_HOURS, ContinuingEducation
from certification.services import CertificationError
from tests.certification.test_ce_courses import holder_of, make_course
from tests.factories import CertificateFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

CAP = (
    "One activity counts at most 24 hours: three training days of 8 hours, the continuing education a whole "
    "validity period asks for. Report a longer programme as separate activities."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _report(client, hours, *, language="en"):
    return client.post(
        f"/{language}/certificates/",
        {"institution": InstitutionFactory().pk, "title": "Seminar", "completed_on": timezone.localdate(),
         "hours": hours},
    )  # fmt: skip


def test_the_cap_is_three_training_days_of_8_hours():
    assert CE_ACTIVITY_MOST_HOURS == 24 == services.hours_required()


def test_a_holder_reports_24_hours_but_not_100_and_the_form_says_why(client):
    holder = holder_of()
    client.force_login(holder)
    page = client.get("/en/certificates/").content.decode()
    assert CAP in page  # the help of the hours field
    refused = _report(client, "100")
    assert refused.status_code == 200 and CAP in refused.content.decode()
    assert _report(client, "24.5").status_code == 200
    assert not ContinuingEducation.objects.exists()
    assert _report(client, "24").status_code == 302
    assert ContinuingEducation.objects.get().hours == Decimal(24)


def test_the_chinese_page_explains_the_cap_too(client):
    client.force_login(holder_of())
    page = client.get("/zh-hant/certificates/").content.decode()
    with translation.override("zh-hant"):
        assert services.ce_cap_explained() in page


@pytest.mark.parametrize("self_reported", [True, False], ids=["self-reported", "recorded by an institution"])
@pytest.mark.parametrize("hours", ["24.1", "100", 200])
def test_the_service_refuses_more_than_the_cap_whoever_records(hours, self_reported):
    holder = holder_of()
    with pytest.raises(CertificationError) as refused:
        services.do_record_continuing_education(
            trainee=holder, institution=InstitutionFactory(), title="研討會", completed_on=timezone.localdate(),
            hours=hours, self_reported=self_reported,
        )  # fmt: skip
    assert (refused.value.code, refused.value.field, str(refused.value)) == ("bad_hours", "hours", CAP)
    assert not ContinuingEducation.objects.exists()


def test_the_database_refuses_an_activity_above_the_cap_unless_recorded_before_it():
    holder = holder_of()
    row = {"trainee": holder, "institution": InstitutionFactory(), "title": "x", "completed_on": timezone.localdate()}
    with pytest.raises(IntegrityError), transaction.atomic():
        ContinuingEducation.objects.create(**row, hours=Decimal(100))
    ContinuingEducation.objects.create(**row, hours=Decimal(24))
    ContinuingEducation.objects.create(**row, hours=Decimal(100), recorded_before_cap=True)


def test_an_institution_cannot_record_100_hours_in_admin(client, institution_admin, trainee):
    client.force_login(institution_admin)
    add = "/en/admin/certification/continuingeducation/add/"
    assert CAP in client.get(add).content.decode()
    response = client.post(
        add, {"trainee": trainee.pk, "title": "法規研討", "completed_on": "2026-01-05", "hours": "100"}
    )
    assert response.status_code == 200 and CAP in response.content.decode()
    assert not ContinuingEducation.objects.exists()


def test_the_bulk_confirmation_confirms_none_above_the_cap_and_renewal_then_needs_the_hours(
    client, institution, institution_admin
):
    certificate = CertificateFactory()
    holder = certificate.trainee
    row = {"trainee": holder, "institution": institution, "completed_on": timezone.localdate(), "self_reported": True}
    # Reported before the cap (the probe's 100 hours), and a report within it.
    over = ContinuingEducation.objects.create(**row, title="百小時研習", hours=Decimal(100), recorded_before_cap=True)
    within = ContinuingEducation.objects.create(**row, title="研討會", hours=Decimal(6))
    client.force_login(institution_admin)
    page = client.post(
        reverse("admin:certification_continuingeducation_changelist"),
        {"action": "confirm", ACTION_CHECKBOX_NAME: [over.pk, within.pk]},
        follow=True,
    ).content.decode()
    over.refresh_from_db()
    within.refresh_from_db()
    assert (over.status, within.status) == ("pending", "confirmed")
    assert "It reports 100 hours, more than one activity counts (24), so it cannot be confirmed" in page
    with pytest.raises(CertificationError) as refused:
        services.do_renew_certificate(certificate=certificate)
    assert refused.value.code == "hours_missing"
    # Rejecting it still works; the holder reports it again within the cap.
    services.do_decide_continuing_education(activity=over, confirm=False, by=institution_admin)
    over.refresh_from_db()
    assert over.status == "rejected"


def test_an_activity_confirmed_above_the_cap_before_it_stays_and_counts():
    certificate = CertificateFactory()
    ContinuingEducation.objects.create(
        trainee=certificate.trainee, institution=certificate.institution, title="舊紀錄",
        completed_on=timezone.localdate(), hours=Decimal(30), status="confirmed", decided_at=timezone.now(),
        recorded_before_cap=True,
    )  # fmt: skip
    assert services.ce_hours_in_period(certificate) == Decimal(30)


@pytest.mark.parametrize(
    ("days", "hours", "refused"),
    [(1, "8", False), (1, "8.5", True), (2, "16", False), (2, "17", True), (3, "24", False), (5, "25", True)],
)
def test_a_course_counts_at_most_a_training_day_a_day_and_the_cap(days, hours, refused):
    day = datetime.date(2026, 9, 1)
    check = {
        "title_zh": "業務風險防範",
        "hours": hours,
        "starts_on": day,
        "ends_on": day + datetime.timedelta(days - 1),
    }
    if not refused:
        services.check_ce_course(**check)
        return
    with pytest.raises(CertificationError) as error:
        services.check_ce_course(**check)
    assert error.value.code == "bad_hours" and "8 for each day it runs, and 24 for one course" in str(error.value)


def test_attendance_of_a_course_above_the_cap_records_at_most_the_cap(institution):
    course = make_course(institution, starts_in=0, days=5, hours="40")  # made before the cap
    enrolment = services.do_enrol_ce(holder=holder_of(), course=course)
    with pytest.raises(CertificationError) as refused:
        services.do_record_ce_attendance(enrolment=enrolment, hours=course.hours)
    assert str(refused.value) == CAP
    services.do_record_ce_attendance(enrolment=enrolment, hours=24)
    enrolment.refresh_from_db()
    assert enrolment.activity.hours == Decimal(24)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_the_rows_above_the_cap_as_recorded():
    certificate = CertificateFactory()
    row = {"trainee": certificate.trainee, "institution": certificate.institution, "completed_on": timezone.localdate()}
    above = ContinuingEducation.objects.create(**row, title="a", hours=Decimal(100), recorded_before_cap=True).pk
    within = ContinuingEducation.objects.create(**row, title="b", hours=Decimal(24)).pk
    executor = MigrationExecutor(connection)
    executor.migrate([("certification", "0008_ce_courses")])  # before the cap: no mark, no constraint
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM certification_continuingeducation")
            assert cursor.fetchone()[0] == 2
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    marks = dict(ContinuingEducation.objects.values_list("pk", "recorded_before_cap"))
    assert marks == {above: True, within: False}
    assert ContinuingEducation.objects.get(pk=above).hours == Decimal(100)
