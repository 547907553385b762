"""A read-only related row on an admin page (a session's teacher's account, an attendance's "recorded by", a
certificate's trainee) is a link only where the viewer may open that row; elsewhere it is its name as plain text.
Django linked it whenever the address existed: a teacher who followed their own session's "teacher's account"
met "Permission denied", and an institution's staff following a row of another institution's person met a 404.
The same holds for an inline's link to each of its rows ("View", "Change") and for the rows a delete page (of one
row, or "delete selected") lists as deleted with it or protecting it. Which rows the viewer may open is one query,
however many rows and models a page names. The site gives this to every admin registered on it
(config.admin.PermittedLinksAdmin)."""

import html
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import EmployerMembership, StaffMembership, User
from certification.models import CECourse, CEEnrolment
from config.admin import PermittedLinksAdmin, openable_rows
from courses import services as training
from courses.models import Attendance, Enrolment, TrainingSession
from exchange import services as exchange
from exchange.models import ModerationEvent
from tests.conftest import in_english, logged_in, make_hr_staff, make_staff
from tests.factories import (
    CertificateFactory,
    CohortFactory,
    TraineeProfileFactory,
    TrainingSessionFactory,
    UserFactory,
)

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


# --- an inline's link to each of its rows (show_change_link) ----------------------------------------------------

VIEW_LINK = re.compile(r'<a href="(/en/admin/certification/ceenrolment/(\d+)/change/)" class="inline\w+link">')


def inline_links(client: Client, course: CECourse) -> dict[int, str]:
    page = client.get(f"/en/admin/certification/cecourse/{course.pk}/change/").content.decode()
    return {int(pk): url for url, pk in VIEW_LINK.findall(page)}


def test_an_institution_and_the_office_follow_each_enrolment_of_a_ce_course(
    ce_course, institution_admin, program_office
):
    enrolments = set(CEEnrolment.objects.filter(course=ce_course).values_list("pk", flat=True))
    for person in (institution_admin, program_office):
        client = logged_in(in_english(person))
        links = inline_links(client, ce_course)
        assert set(links) == enrolments, person
        for url in links.values():
            assert client.get(url).status_code == 200, (person, url)


def refused_to(person: User, permission: Callable[..., bool]) -> Callable[..., bool]:
    """An admin's ``permission`` check, refusing ``person``."""
    return lambda request, obj=None: request.user != person and permission(request, obj)


@pytest.mark.parametrize("refusal", ["the row is not theirs", "the model is not theirs"])
def test_an_inline_row_the_viewer_may_not_open_is_not_linked(
    ce_course, institution_admin, program_office, monkeypatch, refusal
):
    """The enrolments' own admin refuses the institution one row, or every row (as it refuses a teacher the rows of
    an admin with no teacher paths): the course's page links only what the enrolments' page opens."""
    enrolment_admin = admin.site._registry[CEEnrolment]
    refused = CEEnrolment.objects.filter(course=ce_course).earliest("pk")
    if refusal == "the row is not theirs":
        scoped = enrolment_admin.get_queryset
        monkeypatch.setattr(
            enrolment_admin,
            "get_queryset",
            lambda request: (
                scoped(request).exclude(pk=refused.pk) if request.user == institution_admin else scoped(request)
            ),
        )
    else:
        for permission in ("has_view_permission", "has_change_permission"):
            monkeypatch.setattr(
                enrolment_admin, permission, refused_to(institution_admin, getattr(enrolment_admin, permission))
            )
    client = logged_in(in_english(institution_admin))
    links = inline_links(client, ce_course)
    assert refused.pk not in links
    assert client.get(f"/en/admin/certification/ceenrolment/{refused.pk}/change/").status_code in (302, 403, 404)
    for url in links.values():
        assert client.get(url).status_code == 200, url
    if refusal == "the row is not theirs":
        assert links, "the other holder's enrolment is still a link"
    office_links = inline_links(logged_in(in_english(program_office)), ce_course)
    assert refused.pk in office_links  # the office may open it: a link


# --- the rows a delete page names (of one row, and "delete selected") -------------------------------------------

DELETED_ROW = re.compile(r"<li>([^<:]+): (?:<a href=\"([^\"]+)\">)?([^<]*)")


def deleted_rows(page: str) -> dict[str, str | None]:
    """Each row a delete page names as deleted or protecting: {"model: row": its address, or None as text}."""
    return {f"{model}: {html.unescape(row)}": url or None for model, url, row in DELETED_ROW.findall(page)}


@pytest.fixture
def hr_account(employer) -> User:
    """An HR staff member of bank-a: deleting the account deletes their membership of the bank's HR staff."""
    return make_hr_staff(employer, email="hr.lin@bank-a.example.test", display_name="林小華")


def hidden_from_the_office(monkeypatch) -> None:
    """Who a bank's HR staff are becomes the bank's business alone, as its career register is: the office keeps
    its permissions on them but sees no row (``office_sees_rows``, as on the register's admins)."""
    monkeypatch.setattr(admin.site._registry[EmployerMembership], "office_sees_rows", False)


@pytest.mark.parametrize("hidden", [False, True], ids=["office-sees-memberships", "memberships-hidden"])
def test_a_delete_page_links_each_row_deleted_with_it_only_where_the_viewer_may_open_it(
    program_office, hr_account, monkeypatch, hidden
):
    if hidden:
        hidden_from_the_office(monkeypatch)
    client = logged_in(in_english(program_office))
    rows = deleted_rows(client.get(f"/en/admin/accounts/user/{hr_account.pk}/delete/").content.decode())
    membership = EmployerMembership.objects.get(user=hr_account)
    assert rows[f"User: {hr_account}"] == f"/en/admin/accounts/user/{hr_account.pk}/change/"
    url = None if hidden else f"/en/admin/accounts/employermembership/{membership.pk}/change/"
    assert rows[f"Employer HR staff member: {membership}"] == url  # named either way; a link only if it opens
    for url in filter(None, rows.values()):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("hidden", [False, True], ids=["office-sees-memberships", "memberships-hidden"])
@pytest.mark.parametrize("page", ["delete page", "delete selected"])
def test_the_rows_protecting_a_row_are_links_only_where_the_viewer_may_open_them(
    program_office, employer, hr_account, monkeypatch, hidden, page
):
    if hidden:
        hidden_from_the_office(monkeypatch)
    trainee = TraineeProfileFactory(employer=employer, user__display_name="王小明")
    client = logged_in(in_english(program_office))
    if page == "delete page":
        response = client.get(f"/en/admin/accounts/employer/{employer.pk}/delete/")
    else:
        selected = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [employer.pk]}
        response = client.post("/en/admin/accounts/employer/", selected)
    rows = deleted_rows(response.content.decode())
    membership = EmployerMembership.objects.get(user=hr_account)
    assert rows[f"Trainee profile: {trainee}"] == f"/en/admin/accounts/traineeprofile/{trainee.pk}/change/"
    url = None if hidden else f"/en/admin/accounts/employermembership/{membership.pk}/change/"
    assert rows[f"Employer HR staff member: {membership}"] == url
    for url in filter(None, rows.values()):
        assert client.get(url).status_code == 200, url


# --- what asking costs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "institution", "teacher"])
def test_which_rows_of_every_admin_the_viewer_may_open_is_one_query(
    who, program_office, institution_admin, chen, session, django_assert_num_queries
):
    person = {"office": program_office, "institution": institution_admin, "teacher": chen.user}[who]
    request = RequestFactory().get("/")
    request.user = person
    other_session = TrainingSessionFactory(cohort=session.cohort, teacher_person=None, teacher="Outside teacher")
    named = {model: {1, 2} for model in admin.site._registry}
    named[TrainingSession] = {session.pk, other_session.pk}
    openable_rows(admin.site, request, named)  # the person's permissions and role, read once per request
    with django_assert_num_queries(1):
        openable = openable_rows(admin.site, request, named)
    sessions = openable.get(TrainingSession, set())
    assert sessions == ({session.pk} if who == "teacher" else {session.pk, other_session.pk})


@pytest.fixture
def discussed(institution, institution_admin, chen, session):
    """A question in Chen's session's cohort, and an answer accepted by Chen and hidden by the institution, with a
    trail of six moderation events by six people."""
    cohort, course = session.cohort, session.course
    asker, answerer = (Enrolment.objects.filter(cohort=cohort).order_by("pk")[i].trainee for i in (0, 1))
    question = exchange.do_post(by=asker, cohort=cohort, course=course, body="請問 KYC 和風險屬性評估有何不同？")
    answer = exchange.do_post(by=answerer, cohort=cohort, course=course, body="KYC 在開戶時做。", parent=question)
    exchange.do_accept(by=chen.user, answer=answer)
    exchange.do_hide(by=institution_admin, post=answer, reason="離題")
    for n in range(5):
        moderator = make_staff(institution, email=f"moderator{n}@inst-a.example.test", display_name=f"管理員{n}")
        ModerationEvent.objects.create(post=answer, action=ModerationEvent.Action.HIDDEN, by=moderator, reason="離題")
    return question, answer


def test_a_change_page_asks_which_related_rows_open_in_the_same_queries_however_many_it_names(
    discussed, institution_admin, django_assert_max_num_queries
):
    """The question's page names the thread and its author; the answer's the thread, the question, its author, who
    accepted and who hid it, and the six moderators of its trail: as many queries for both (one per model named,
    before: the answer's page took one more)."""
    question, answer = discussed
    client = logged_in(in_english(institution_admin))
    counts = {}
    for post in (question, answer):
        url = f"/en/admin/exchange/post/{post.pk}/change/"
        client.get(url)  # the person's session and permissions, as on any page after the first
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counts[post] = len(queries)
        assert change_links(page), "the rows the institution may open are links"
    assert counts[answer] == counts[question]
    with django_assert_max_num_queries(counts[question]):
        client.get(f"/en/admin/exchange/post/{answer.pk}/change/")
