"""The audit trail: log-ins and failed ones, refused access, grades, certificate status,
enrolment states, API clients, HR API writes and admin exports, each with the time in UTC, who,
their institution or employer, and the request id; the program office searches it in admin and
nobody can change it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts import audit
from accounts.models import AuditEvent
from certification.services import do_suspend_certificate
from courses.services import do_approve_enrolment, do_enrol
from hr_api.models import SCOPES
from hr_api.services import do_create_client, do_revoke_client, do_rotate_secret
from tests.api.conftest import http
from tests.factories import CertificateFactory, CohortFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"


def only(action: str) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, events
    return events[0]


def test_a_log_in_is_recorded_with_utc_time_actor_institution_address_and_request_id(institution, institution_admin):
    user = institution_admin
    user.set_password(PASSWORD)
    user.save()
    response = Client(REMOTE_ADDR="192.0.2.7").post(
        "/en/accounts/login/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    event = only("login")
    assert event.actor_id == user.pk and event.actor_label == user.email
    assert event.institution_id == institution.pk
    assert event.ip_address == "192.0.2.7"
    assert event.request_id == response["X-Request-ID"] and len(event.request_id) >= 16
    assert event.created_at.utcoffset() == datetime.timedelta(0)


def test_a_failed_log_in_is_recorded_with_the_address_tried_and_the_proxys_request_id():
    UserFactory(email="someone@example.test", password=PASSWORD)
    response = Client(HTTP_X_REQUEST_ID="edge-req-12345678").post(
        "/en/accounts/login/", {"username": "someone@example.test", "password": "wrong"}
    )
    assert response.status_code == 200 and response["X-Request-ID"] == "edge-req-12345678"
    event = only("login_failed")
    assert event.actor_label == "someone@example.test" and event.actor_id is None
    assert event.request_id == "edge-req-12345678"


def test_a_request_id_that_is_not_one_is_replaced():
    response = Client(HTTP_X_REQUEST_ID="<script>x</script>").get("/en/accounts/login/")
    assert response["X-Request-ID"] != "<script>x</script>" and response["X-Request-ID"].isalnum()


def test_an_api_call_without_the_scope_is_recorded_as_refused_for_the_employer(employer):
    client, _ = do_create_client(employer=employer, name="HR", scopes=["read"], client_id="hr-read-only")
    response = http(client).post("/api/v1/employees/", {"employee_number": "E1"}, format="json")
    assert response.status_code == 403
    refused = only("access_refused")
    assert refused.employer_id == employer.pk and refused.actor_label == "api:hr-read-only"
    assert refused.summary == "POST /api/v1/employees/"


def test_another_institutions_row_in_admin_is_a_404_and_recorded(institution, institution_admin, other_institution):
    inst_a, inst_b, admin_a = institution, other_institution, institution_admin
    foreign = CohortFactory(institution=inst_b)
    client = Client()
    client.force_login(admin_a)
    assert client.get(reverse("admin:courses_cohort_change", args=[foreign.pk])).status_code == 404
    refused = only("access_refused")
    assert refused.actor_id == admin_a.pk and refused.institution_id == inst_a.pk
    assert refused.detail["status"] == 404 and refused.detail["object_id"] == str(foreign.pk)


def test_enrolment_decisions_are_recorded_with_the_deciding_staff_member(institution, institution_admin, trainee):
    cohort = CohortFactory(institution=institution)
    enrolment = do_enrol(trainee=trainee, cohort=cohort)
    staff = institution_admin
    do_approve_enrolment(enrolment=enrolment, by=staff)
    events = list(AuditEvent.objects.filter(action="enrolment_state").order_by("id"))
    assert [e.detail["new_state"] for e in events] == [
        "pending",
        enrolment.__class__.objects.get(pk=enrolment.pk).state,
    ]
    assert all(e.institution_id == cohort.institution_id and e.object_id == str(enrolment.pk) for e in events)


def test_enrolment_decisions_in_admin_name_the_person_who_clicked(institution, institution_admin, trainee):
    cohort = CohortFactory(institution=institution)
    enrolment = do_enrol(trainee=trainee, cohort=cohort)
    staff = institution_admin
    from core.permissions import grant_group_permissions
    from courses.permissions import GROUP_PERMISSIONS

    grant_group_permissions("courses", GROUP_PERMISSIONS)
    client = Client()
    client.force_login(staff)
    response = client.post(
        reverse("admin:courses_enrolment_changelist"),
        {"action": "approve", "_selected_action": [enrolment.pk]},
    )
    assert response.status_code == 302
    approved = AuditEvent.objects.filter(action="enrolment_state").exclude(detail__new_state="pending").get()
    assert approved.actor_id == staff.pk and approved.request_id


def test_certificate_status_changes_are_recorded_with_reason(program_office):
    certificate = CertificateFactory()
    office = program_office
    do_suspend_certificate(certificate=certificate, by=office, reason="調查中")
    event = only("certificate_status")
    assert event.actor_id == office.pk and event.institution_id == certificate.institution_id
    assert event.detail == {"old_status": "active", "new_status": "suspended", "action": "suspend", "reason": "調查中"}
    assert event.object_type == "certification.Certificate" and event.object_id == str(certificate.pk)
    assert event.summary == f"{certificate.number}: active -> suspended (suspend)"


def test_api_client_creation_rotation_and_revocation_are_recorded_without_the_secret(employer):
    client, secret = do_create_client(employer=employer, name="HR", scopes=SCOPES)
    new_secret = do_rotate_secret(client=client)
    do_revoke_client(client=client)
    events = list(AuditEvent.objects.filter(action="api_client_changed").order_by("id"))
    assert [e.detail["change"] for e in events] == ["created", "secret_rotated", "revoked"]
    assert all(e.employer_id == employer.pk for e in events)
    dump = repr([(e.summary, e.detail) for e in events])
    assert secret not in dump and new_secret not in dump


def test_hr_api_writes_are_recorded_with_the_client_and_employer(hr_client):
    response = http(hr_client).post(
        "/api/v1/employees/",
        {"employee_number": "E1", "email": "new@bank.example", "display_name": "新人"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="0f3c1c9e-5a6b-4d8e-9f00-123456789abc",
    )
    assert response.status_code == 201, response.content
    event = only("api_write")
    assert event.actor_label == "api:hr-alpha" and event.employer_id == hr_client.employer_id
    assert event.detail["status"] == 201 and event.summary == "POST /api/v1/employees/ 201"
    # The person the HR system created: its enrolment-free registration is not an enrolment event.
    assert not AuditEvent.objects.filter(action="enrolment_state").exists()


def test_an_admin_export_is_recorded(program_office, employer):
    office = program_office
    TraineeProfileFactory.create_batch(2, employer=employer)
    client = Client()
    client.force_login(office)
    response = client.post(
        reverse("admin:accounts_traineeprofile_export"),
        {"format": "0", "resource": "0", **{f"traineeresource_{f}": "on" for f in ("email", "display_name")}},
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment")
    event = only("admin_export")
    assert event.actor_id == office.pk and event.detail["model"] == "accounts.TraineeProfile"


def test_a_question_export_is_recorded(program_office):
    from exams.models import Question

    client = Client()
    client.force_login(program_office)
    from courses.models import Course
    from tests.exams.conftest import make_question

    question = make_question(Course.objects.first())
    response = client.post(
        reverse("admin:exams_question_changelist"), {"action": "export_csv", "_selected_action": [question.pk]}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    event = only("admin_export")
    assert event.detail == {"model": Question._meta.label, "format": "csv", "rows": 1}


# --- the admin of the trail --------------------------------------------------------------------


@pytest.fixture
def trail(institution):
    inst = institution
    for n in range(3):
        audit.record(audit.Action.LOGIN_FAILED, actor_label=f"guess{n}@example.test", institution=inst)
    audit.record(audit.Action.LOGIN, actor_label="found@example.test", summary="needle")
    return inst


def test_the_program_office_searches_and_filters_the_trail(trail, program_office):
    client = Client()
    client.force_login(program_office)
    url = reverse("admin:accounts_auditevent_changelist")
    page = client.get(url, {"q": "guess1@"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    filtered = client.get(url, {"action__exact": "login_failed", "institution__id__exact": trail.pk})
    assert filtered.context["cl"].result_count == 3


def test_nobody_adds_changes_or_deletes_an_event_not_even_a_superuser(trail):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    event = AuditEvent.objects.first()
    change = reverse("admin:accounts_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200  # read
    client.post(change, {"summary": "rewritten", "action": "login"})
    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_institution_staff_cannot_see_the_trail(trail, institution_admin):
    client = Client()
    client.force_login(institution_admin)
    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 403
    assert "auditevent" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_the_trail_list_page_runs_a_fixed_number_of_queries(
    size, django_assert_max_num_queries, employer, institution, program_office
):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="api_write", actor_label=f"api:c{n}", employer=employer, institution=institution)
        for n in range(size)
    )
    client = Client()
    client.force_login(program_office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:accounts_auditevent_changelist"))
    assert response.status_code == 200


def test_someone_elses_certificate_pdf_is_a_404_and_recorded():
    certificate = CertificateFactory()
    outsider = UserFactory(email="outsider@example.test")
    client = Client()
    client.force_login(outsider)
    response = client.get(reverse("certification:download", args=[certificate.pk]))
    assert response.status_code == 404
    refused = only("access_refused")
    assert refused.actor_id == outsider.pk and refused.object_id == str(certificate.pk)


def test_the_trail_shows_times_in_the_sites_zone_with_the_utc_offset(program_office):
    AuditEvent.objects.create(
        action="login",
        actor_label="early@example.test",
        created_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )
    client = Client()
    client.force_login(program_office)
    html = client.get(reverse("admin:accounts_auditevent_changelist")).content.decode()
    assert "2026-01-02 11:04 (UTC+08:00)" in html  # Taipei's time, and how far it is from UTC (issue 17)


def test_a_request_without_its_csrf_token_is_refused_and_recorded():
    UserFactory(email="csrf@example.test", password=PASSWORD)
    response = Client(enforce_csrf_checks=True).post(
        "/en/accounts/login/", {"username": "csrf@example.test", "password": PASSWORD}
    )
    assert response.status_code == 403
    refused = only("access_refused")
    assert refused.summary == "POST /en/accounts/login/" and refused.request_id == response["X-Request-ID"]
    assert not AuditEvent.objects.filter(action="login").exists()


def test_a_beat_job_is_recorded_as_the_system():
    from certification.services import do_expire_certificate

    today = datetime.date.today()
    certificate = CertificateFactory(
        issued_on=today.replace(year=today.year - 3) - datetime.timedelta(days=2),
        valid_until=today - datetime.timedelta(days=1),
    )
    assert do_expire_certificate(certificate=certificate, today=today)
    event = only("certificate_status")
    assert event.actor_label == "system" and event.actor_id is None and event.request_id == ""
    assert event.detail["new_status"] == "expired"
