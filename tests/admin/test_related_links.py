"""A read-only related row on an admin page (a session's teacher's account, an attendance's "recorded by", a
certificate's trainee) is a link only where the viewer may open that row; elsewhere it is its name as plain text.
Django linked it whenever the address existed: a teacher who followed their own session's "teacher's account"
met "Permission denied", and an institution's staff following a row of another institution's person met a 404.
The site gives this to every admin registered on it (config.admin.PermittedLinksAdmin)."""

import html
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from accounts.models import StaffMembership
from config.admin import PermittedLinksAdmin
from courses import services as training
from courses.models import Attendance, Enrolment
from tests.conftest import in_english, logged_in, make_staff
from tests.factories import CertificateFactory, CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGE_LINK = re.compile(r'<a href="(/en/admin/[a-z_]+/[a-z_]+/\d+/change/)">([^<]*)</a>')


def change_links(page: str) -> dict[str, str]:
    """The links of a change page's fields to other rows' pages: {row's name: address}."""
    return {html.unescape(name): url for url, name in CHANGE_LINK.findall(page)}


def readonly_text(page: str) -> list[str]:
    """What each read-only field of the page shows, as text."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r'class="readonly">(.*?)</div>', page, re.S)
    ]


@pytest.fixture
def chen(institution) -> StaffMembership:
    """陳志明, a teacher at inst-a, in English."""
    user = make_staff(
        institution,
        StaffMembership.Role.TEACHER,
        email="chen@inst-a.example.test",
        display_name="陳志明",
        is_staff=True,
    )
    return in_english(user).staff_membership


@pytest.fixture
def session(institution, chen, program_office):
    """Chen's session today, two trainees attended: one recorded by Chen, one by the program office."""
    cohort = CohortFactory(institution=institution, code="A-LINKS")
    session = TrainingSessionFactory(
        cohort=cohort, teacher_person=chen, teacher="", hours=Decimal(4), held_on=timezone.localdate()
    )
    for trainee, by in (
        (UserFactory(display_name="王小明"), chen.user),
        (UserFactory(display_name="李小華"), program_office),
    ):
        enrolment = training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
        training.do_record_attendance(session=session, enrolment=enrolment, hours=4, by=by)
    return session


def test_every_registered_admin_links_related_rows_only_where_the_viewer_may_open_them():
    assert all(isinstance(model_admin, PermittedLinksAdmin) for model_admin in admin.site._registry.values())


def test_a_teacher_reads_their_account_and_the_recorders_as_text_on_their_session(chen, session):
    client = logged_in(chen.user)
    page = client.get(f"/en/admin/courses/trainingsession/{session.pk}/change/").content.decode()
    assert "陳志明" in " ".join(readonly_text(page))  # the teacher's account, shown
    links = change_links(page)
    assert not any("/accounts/" in url for url in links.values())  # neither their account nor a recorder: text
    for url in links.values():  # what is still a link (the cohort they teach) opens
        assert client.get(url).status_code == 200, url


def test_an_institution_admin_follows_a_colleague_recorder_but_reads_the_program_office_as_text(
    institution_admin, chen, session, program_office
):
    client = logged_in(in_english(institution_admin))
    page = client.get(f"/en/admin/courses/trainingsession/{session.pk}/change/").content.decode()
    recorders = {a.recorded_by for a in Attendance.objects.filter(session=session)}
    assert recorders == {chen.user, program_office}
    links = change_links(page)
    assert links[str(chen.user)] == f"/en/admin/accounts/user/{chen.user.pk}/change/"
    assert str(program_office) not in links and str(program_office) in html.unescape(page)  # named, not linked
    for url in links.values():
        assert client.get(url).status_code == 200, url


def test_every_link_of_a_certificate_opens_for_the_institution_and_the_office(
    institution, institution_admin, program_office
):
    certificate = CertificateFactory(institution=institution)
    enrolment = Enrolment.objects.filter(pk=certificate.enrolment_id).first()
    for person in (institution_admin, program_office):
        client: Client = logged_in(in_english(person))
        page = client.get(f"/en/admin/certification/certificate/{certificate.pk}/change/").content.decode()
        links = change_links(page)
        assert links, "the certificate's trainee, institution … are links where the person may open them"
        for url in links.values():
            assert client.get(url).status_code == 200, (person, url)
    if enrolment is not None:
        assert str(enrolment) in html.unescape(page)
