import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from certification.models import ContinuingEducation
from tests.certification.conftest import completed_enrolment, pass_all
from tests.courses.test_action_form_pages import through_the_form_page
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/certification/certificate/"
REVOKE = "/en/admin/certification/certificate/action/revoke/"


def test_the_program_office_revokes_with_a_reason_and_it_is_audited(client, program_office):
    office = program_office
    certificate = CertificateFactory()
    client.force_login(office)
    asked = client.post(CHANGELIST, {"action": "revoke", "_selected_action": [certificate.pk]})
    assert asked.status_code == 303 and "Reason" in client.get(asked["Location"]).content.decode()
    certificate.refresh_from_db()
    assert certificate.status == "active"
    done = client.post(asked["Location"], {"apply": "1", "reason": "舞弊"})
    assert (done.status_code, done["Location"]) == (303, CHANGELIST)
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.status_reason == "舞弊"
    change = certificate.history.get(action="revoke")
    assert change.changed_by == office and change.reason == "舞弊"


def test_the_program_office_suspends_and_reinstates(client, program_office):
    certificate = CertificateFactory()
    client.force_login(program_office)
    through_the_form_page(client, CHANGELIST, "suspend", [certificate], reason="調查")
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    client.post(CHANGELIST, {"action": "reinstate", "_selected_action": [certificate.pk]})
    certificate.refresh_from_db()
    assert certificate.status == "active"
    assert list(certificate.history.values_list("action", flat=True)) == ["suspend", "reinstate"]


def test_an_institution_admin_sees_only_their_trainees_certificates_and_cannot_revoke(
    client, django_assert_max_num_queries, institution, institution_admin, other_institution
):
    mine = [CertificateFactory(institution=institution) for _ in range(3)]
    theirs = CertificateFactory(institution=other_institution)
    client.force_login(institution_admin)
    with django_assert_max_num_queries(25):
        body = client.get(CHANGELIST).content.decode()
    assert all(c.number in body for c in mine) and theirs.number not in body
    assert client.get(f"{CHANGELIST}{theirs.pk}/change/").status_code == 404
    client.post(CHANGELIST, {"action": "revoke", "_selected_action": [mine[0].pk], "apply": "1", "reason": "x"})
    assert client.post(f"{REVOKE}?ids={mine[0].pk}", {"apply": "1", "reason": "x"}).status_code == 403
    mine[0].refresh_from_db()
    assert mine[0].status == "active"


def test_the_list_keeps_its_query_count(client, program_office, django_assert_max_num_queries):
    for _ in range(3):
        CertificateFactory()
    client.force_login(program_office)
    with django_assert_max_num_queries(25) as few:
        client.get(CHANGELIST)
    for _ in range(20):
        CertificateFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_an_institution_admin_downloads_a_cohorts_pdfs_as_one_zip_and_an_outsider_gets_404(
    client, passed, institution, institution_admin, other_institution_admin
):
    from certification import services

    first = completed_enrolment(institution=institution)
    cohort = first.cohort
    numbers = []
    for enrolment in [first]:
        pass_all(passed, enrolment)
        numbers.append(services.do_check_certification(trainee_id=enrolment.trainee_id)[0].number)
    url = reverse("admin:certification_certificate_cohort_zip", args=[cohort.pk])
    client.force_login(institution_admin)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [f"{n}.pdf" for n in numbers]
    client.force_login(other_institution_admin)
    assert client.get(url).status_code == 404


def test_an_institution_records_continuing_education_for_its_own_institution(
    client, institution, institution_admin, trainee
):
    client.force_login(institution_admin)
    response = client.post(
        "/en/admin/certification/continuingeducation/add/",
        {"trainee": trainee.pk, "title": "法規研討", "completed_on": "2026-01-05", "hours": "6"},
    )
    assert response.status_code == 302, [line for line in response.content.decode().splitlines() if "errorlist" in line]
    activity = ContinuingEducation.objects.get()
    assert activity.institution == institution and activity.status == "confirmed"


def test_an_activity_dated_in_the_future_is_refused_on_the_form_and_nothing_is_saved(
    client, institution_admin, trainee
):
    client.force_login(institution_admin)
    response = client.post(
        "/en/admin/certification/continuingeducation/add/",
        {"trainee": trainee.pk, "title": "法規研討", "completed_on": "2999-01-05", "hours": "6"},
    )
    assert response.status_code == 200
    assert "The activity cannot be completed in the future." in response.content.decode()
    assert not ContinuingEducation.objects.exists()


def test_the_cohort_page_links_its_certificates_zip(client, passed, institution, institution_admin):
    from certification import services

    enrolment = completed_enrolment(institution=institution)
    pass_all(passed, enrolment)
    services.do_check_certification(trainee_id=enrolment.trainee_id)
    client.force_login(institution_admin)
    page = client.get(f"/en/admin/courses/cohort/{enrolment.cohort_id}/change/")
    assert page.status_code == 200
    url = reverse("admin:certification_certificate_cohort_zip", args=[enrolment.cohort_id])
    html = page.content.decode()
    assert f'href="{url}"' in html and "Download 1 certificate (zip)" in html
    response = client.get(url)
    assert response["Content-Type"] == "application/zip"


@translation.override("en")
def test_a_cohort_without_certificates_says_so_instead_of_sending_an_empty_zip(client, institution, institution_admin):
    from tests.factories import CohortFactory

    cohort = CohortFactory(institution=institution, code="A-NONE")
    client.force_login(institution_admin)
    url = reverse("admin:certification_certificate_cohort_zip", args=[cohort.pk])
    page = client.get(f"/en/admin/courses/cohort/{cohort.pk}/change/").content.decode()
    assert f'href="{url}"' not in page
    assert "No certificate has been issued in cohort A-NONE yet." in page
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/courses/cohort/{cohort.pk}/change/")
    followed = client.get(url, follow=True).content.decode()
    assert "No certificate has been issued in cohort A-NONE yet." in followed


def test_another_institutions_cohort_zip_and_page_are_404_even_without_certificates(
    client, other_institution, institution_admin
):
    from tests.factories import CohortFactory

    theirs = CohortFactory(institution=other_institution)
    client.force_login(institution_admin)
    assert client.get(reverse("admin:certification_certificate_cohort_zip", args=[theirs.pk])).status_code == 404
    assert client.get(f"/en/admin/courses/cohort/{theirs.pk}/change/").status_code == 404


def test_the_status_history_on_the_change_page_names_statuses_in_the_page_language(
    client, program_office, zh_hant_status_labels
):
    """Each history row's label was `BCM-… active→suspended` whatever the language; the statuses are a
    certificate's (有效, 已暫停), not an account's (啟用, 停權)."""
    certificate = CertificateFactory()
    client.force_login(program_office)
    through_the_form_page(client, CHANGELIST, "suspend", [certificate], reason="調查")
    page = client.get(f"/zh-hant/admin/certification/certificate/{certificate.pk}/change/").content.decode()
    assert f"{certificate.number} 有效→已暫停" in page
    assert "active→suspended" not in page


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_a_reason_with_an_invisible_control_is_refused_on_the_form_and_nothing_changes(client, program_office, action):
    """The holder's page shows the reason: a right-to-left override would show them other words than were given."""
    certificate = CertificateFactory()
    client.force_login(program_office)
    reason = "調查中\u202e查調"
    page = through_the_form_page(client, CHANGELIST, action, [certificate], reason=reason)
    assert page.status_code == 200
    assert "Remove the invisible control character U+202E." in page.content.decode()
    assert reason in page.content.decode()  # what was typed is kept in the form
    certificate.refresh_from_db()
    assert certificate.status == "active" and not certificate.history.exists()


def test_a_certificates_page_edits_nothing_and_shows_no_save_buttons(client, program_office):
    """Every field is read-only and the history inline too: the office moves a certificate by its actions only, so
    its page is one to view (no Save button that saves nothing), and the actions still work."""
    from tests.courses.test_admin_row_pages import SAVE_BUTTONS

    certificate = CertificateFactory()
    client.force_login(program_office)
    page = client.get(reverse("admin:certification_certificate_change", args=[certificate.pk]))
    assert page.status_code == 200
    assert not SAVE_BUTTONS.search(page.content.decode())
    assert client.post(reverse("admin:certification_certificate_change", args=[certificate.pk]), {}).status_code == 403
    through_the_form_page(client, CHANGELIST, "suspend", [certificate], reason="調查")
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
