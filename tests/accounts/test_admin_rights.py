"""What institution staff may not do in admin even with their own rows: set passwords, export
without the right to list, reach national reference data; and what trainees cannot reach at all."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"


# ``trainee`` is one of the institution's own: inst-a registered them.


def test_an_institution_admin_cannot_set_the_password_of_their_own_trainee(client: Client, institution_admin, trainee):
    client.force_login(institution_admin)
    url = reverse("admin:auth_user_password_change", args=[trainee.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"})
    assert response.status_code == 403
    trainee.refresh_from_db()
    assert not trainee.check_password(PASSWORD)


def test_the_program_office_can_set_a_password(client: Client, program_office, trainee):
    client.force_login(program_office)
    url = reverse("admin:auth_user_password_change", args=[trainee.pk])
    assert client.get(url).status_code == 200


def test_a_grader_cannot_export_or_list_trainees(client: Client, institution_grader, trainee):
    client.force_login(institution_grader)
    assert client.get(reverse("admin:accounts_traineeprofile_changelist")).status_code == 403
    response = client.post(
        reverse("admin:accounts_traineeprofile_export"),
        {"format": "0", "resource": "0", "traineeresource_email": "on"},
    )
    assert response.status_code == 403
    assert trainee.email not in response.content.decode(errors="ignore")


def test_an_institution_admin_cannot_see_the_employer_list(client: Client, institution_admin):
    client.force_login(institution_admin)
    assert client.get(reverse("admin:accounts_employer_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_employer_add")).status_code == 403


def test_an_institution_admin_sees_their_institution_read_only_and_no_other(
    client: Client, institution, institution_admin, other_institution
):
    other = other_institution
    client.force_login(institution_admin)
    listing = client.get(reverse("admin:accounts_institution_changelist"))
    assert listing.status_code == 200
    assert institution.name_en in listing.content.decode() or institution.name_zh in listing.content.decode()
    assert reverse("admin:accounts_institution_change", args=[other.pk]) not in listing.content.decode()
    assert client.get(reverse("admin:accounts_institution_change", args=[other.pk])).status_code == 404
    own = client.get(reverse("admin:accounts_institution_change", args=[institution.pk]))
    assert own.status_code == 200
    assert 'name="authorized_until"' not in own.content.decode()  # view only
    response = client.post(reverse("admin:accounts_institution_change", args=[institution.pk]), {"name_en": "Mine"})
    assert response.status_code == 403


def test_trainees_and_plain_users_are_sent_to_the_admin_log_in(client: Client, trainee):
    client.force_login(trainee)
    for name in ("admin:index", "admin:accounts_traineeprofile_changelist", "admin:accounts_user_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], name


def test_a_trainee_made_by_an_import_chooses_a_password_through_the_reset_link(
    client: Client, institution, django_capture_on_commit_callbacks
):
    profile = TraineeProfileFactory(registered_by=institution, user__email="imported@example.test")
    profile.user.set_unusable_password()
    profile.user.save(update_fields=["password"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": "IMPORTED@example.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    response = client.post(response.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    profile.user.refresh_from_db()
    assert profile.user.check_password(PASSWORD) and profile.user.email_verified_at is not None


def test_an_unverified_sign_up_gets_no_reset_mail(client: Client, django_capture_on_commit_callbacks):
    UserFactory(email="pending@example.test", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": "pending@example.test"})
    assert mail.outbox == []


def test_an_institution_admin_cannot_change_a_trainees_log_in_address(client: Client, institution_admin, trainee):
    client.force_login(institution_admin)
    url = reverse("admin:accounts_user_change", args=[trainee.pk])
    response = client.post(
        url, {"email": "mine@example.test", "display_name": "Renamed", "preferred_language": "en", "is_active": "on"}
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.display_name == "Renamed"
    assert trainee.email != "mine@example.test"


def test_a_duplicate_employee_number_in_the_admin_form_is_an_error_and_saves_nothing(
    client: Client, institution, program_office, trainee
):
    # The program office: institution staff see a person's employer and number read-only (accounts.services.
    # trainee_columns_kept, tests/imports/test_foreign_employees.py).
    own_trainee = trainee.trainee_profile
    client.force_login(program_office)
    other = TraineeProfileFactory(registered_by=institution)
    url = reverse("admin:accounts_traineeprofile_change", args=[other.pk])
    response = client.post(url, {
        "user": other.user.pk, "employer": own_trainee.employer.pk, "employee_number": own_trainee.employee_number,
        "branch": "", "manager_class": "", "phone": "", "registered_by": institution.pk,
    })  # fmt: skip
    assert response.status_code == 200
    assert "employee number" in response.content.decode().lower() or "員工編號" in response.content.decode()
    assert response.context["adminform"].form.errors
    other.refresh_from_db()
    assert other.employer != own_trainee.employer


def test_the_program_office_sees_who_registered_a_trainee_and_institution_staff_do_not(
    client: Client, institution_admin, program_office, trainee
):
    url = reverse("admin:accounts_traineeprofile_change", args=[trainee.trainee_profile.pk])
    client.force_login(institution_admin)
    html = client.get(url).content.decode()
    assert 'name="registered_by"' not in html
    client.force_login(program_office)
    html = client.get(url).content.decode()
    assert 'name="registered_by"' in html


def test_the_trainee_list_does_not_name_the_institution_that_registered_someone_enrolled_here(
    client: Client, institution, institution_admin, other_institution
):
    TraineeProfileFactory(registered_by=other_institution)
    TraineeProfileFactory(registered_by=institution)
    client.force_login(institution_admin)
    html = client.get("/en/admin/accounts/traineeprofile/").content.decode()
    assert other_institution.name_en not in html and other_institution.name_zh not in html
    assert "column-registered_by" not in html
