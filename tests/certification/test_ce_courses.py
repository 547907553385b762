"""Continuing-education courses (issue 19, item 7): institutions publish them, holders of an active
certificate enrol from the portal, and the attendance the institution records is confirmed
continuing education that the renewal counts, with no report of the holder's own."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from freezegun import freeze_time

import accounts.demo
import certification.demo
import courses.demo
from certification import selectors, services
from certification.models import CECourse, CEEnrolment, Certificate, ContinuingEducation
from certification.services import CertificationError
from tests.conftest import in_english, logged_in
from tests.factories import CertificateFactory, InstitutionFactory, UserFactory


@pytest.fixture(autouse=True)
def english():
    """The refusals below are read in English (zh-Hant is the default language)."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def make_course(institution, *, publish=True, starts_in=7, hours="6", capacity=10, **fields) -> CECourse:
    starts_on = timezone.localdate() + datetime.timedelta(days=starts_in)
    course = CECourse.objects.create(
        institution=institution,
        title_zh=fields.pop("title_zh", "銀行客戶經理業務風險防範"),
        title_en=fields.pop("title_en", "Risk prevention in a customer manager's work"),
        hours=Decimal(hours),
        starts_on=starts_on,
        ends_on=starts_on,
        capacity=capacity,
        **fields,
    )
    if publish:
        services.do_publish_ce_course(course=course, today=min(timezone.localdate(), starts_on))
    return course


def holder_of(user=None, **certificate_fields):
    """A person holding an active certificate (a new one, or ``user``)."""
    return CertificateFactory(**({"trainee": user} if user else {}), **certificate_fields).trainee


def authorized_for_years():
    """An institution authorized from 2020 to 2035: tests that travel in time publish with it."""
    return InstitutionFactory(authorized_from=datetime.date(2020, 1, 1), authorized_until=datetime.date(2035, 1, 1))


# --- enrolling --------------------------------------------------------------------------------


def test_a_holder_enrols_takes_a_seat_and_is_mailed_in_their_language(
    institution, mailoutbox, django_capture_on_commit_callbacks
):
    holder = in_english(holder_of())
    course = make_course(institution)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.do_enrol_ce(holder=holder, course=course)
    course.refresh_from_db()
    assert enrolment.state == "enrolled" and course.seats_taken == 1
    [mail] = mailoutbox
    assert mail.to == [holder.email]
    assert "Risk prevention in a customer manager's work" in mail.subject
    assert "you need not report them" in mail.body
    # The task claims the mail: a second run sends nothing.
    assert services.do_send_ce_confirmation(enrolment_id=enrolment.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("status", ["suspended", "expired", "revoked", None])
def test_it_refuses_someone_without_an_active_certificate(institution, status):
    person = UserFactory()
    if status:
        CertificateFactory(trainee=person, status=status, status_reason="x")
    course = make_course(institution)
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=person, course=course)
    assert refused.value.code == "not_holder"
    assert "holders of an active certificate" in str(refused.value)
    course.refresh_from_db()
    assert course.seats_taken == 0 and not CEEnrolment.objects.exists()


def test_it_refuses_a_full_course(institution):
    course = make_course(institution, capacity=1)
    services.do_enrol_ce(holder=holder_of(), course=course)
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder_of(), course=course)
    assert refused.value.code == "course_full" and "is full" in str(refused.value)
    assert CEEnrolment.objects.count() == 1


def test_it_refuses_an_unpublished_course(institution):
    course = make_course(institution, publish=False)
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder_of(), course=course)
    assert refused.value.code == "course_unpublished" and "not open for enrolment" in str(refused.value)


def test_it_refuses_a_course_that_has_started(institution):
    course = make_course(institution, starts_in=0)
    with freeze_time(timezone.now() + datetime.timedelta(days=1)), pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder_of(), course=course)
    assert refused.value.code == "course_closed"


def test_it_refuses_enrolling_twice(institution):
    holder, course = holder_of(), make_course(institution)
    services.do_enrol_ce(holder=holder, course=course)
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder, course=course)
    assert refused.value.code == "already_enrolled" and "already enrolled" in str(refused.value)
    course.refresh_from_db()
    assert course.seats_taken == 1 and CEEnrolment.objects.count() == 1


def test_withdrawing_frees_the_seat_and_enrolling_again_uses_the_same_row(institution):
    holder, course = holder_of(), make_course(institution, capacity=1)
    enrolment = services.do_enrol_ce(holder=holder, course=course)
    services.do_withdraw_ce(enrolment=enrolment)
    course.refresh_from_db()
    assert course.seats_taken == 0
    again = services.do_enrol_ce(holder=holder, course=course)
    assert again.pk == enrolment.pk and again.state == "enrolled"
    with pytest.raises(CertificationError):
        services.do_enrol_ce(holder=holder_of(), course=course)  # the one seat is taken again


# --- attendance → confirmed hours → renewal ------------------------------------------------------


def test_attendance_makes_a_holder_short_of_hours_renewable(institution_admin):
    """20 confirmed hours, 24 needed: refused; 6 hours of a CE course attended: renewed."""
    institution = authorized_for_years()
    with freeze_time("2026-03-01"):
        certificate = CertificateFactory(issued_on=datetime.date(2026, 3, 1))
        holder = certificate.trainee
        services.do_record_continuing_education(
            trainee=holder, institution=institution, title="研討會", completed_on=datetime.date(2026, 3, 1), hours=20
        )
    with freeze_time("2028-11-01"):
        course = make_course(institution, starts_in=10)
        enrolment = services.do_enrol_ce(holder=holder, course=course)
        with pytest.raises(CertificationError) as refused:
            services.do_renew_certificate(certificate=certificate)
        assert refused.value.code == "hours_missing"
    with freeze_time("2028-11-11"):
        services.do_record_ce_attendance(enrolment=enrolment, hours=6, by=institution_admin)
        activity = ContinuingEducation.objects.get(ce_enrolment=enrolment)
        assert (activity.status, activity.self_reported, activity.hours) == ("confirmed", False, Decimal(6))
        assert activity.completed_on == course.ends_on and activity.decided_by == institution_admin
        assert services.ce_hours_in_period(certificate) == Decimal(26)
        services.do_renew_certificate(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.valid_until == datetime.date(2032, 3, 1) and certificate.history.last().action == "renew"


def test_the_daily_expiry_renews_a_holder_whose_ce_course_made_up_the_hours():
    institution = authorized_for_years()
    with freeze_time("2026-01-10"):
        certificate = CertificateFactory(issued_on=datetime.date(2023, 1, 9), valid_until=datetime.date(2026, 1, 9))
        services.do_record_continuing_education(
            trainee=certificate.trainee, institution=institution, title="研討會",
            completed_on=datetime.date(2024, 1, 1), hours=18,
        )  # fmt: skip
    with freeze_time("2025-12-01"):
        course = make_course(institution, starts_in=5)
        enrolment = services.do_enrol_ce(holder=certificate.trainee, course=course)
    with freeze_time("2025-12-06"):
        services.do_record_ce_attendance(enrolment=enrolment, hours=6)
    with freeze_time("2026-01-10"):
        assert services.do_expire_lapsed() == 1
    certificate.refresh_from_db()
    assert certificate.status == "active" and certificate.valid_until == datetime.date(2029, 1, 9)


def test_recording_attendance_again_replaces_the_hours_and_never_counts_twice(institution):
    holder, course = holder_of(), make_course(institution, starts_in=0)
    enrolment = services.do_enrol_ce(holder=holder, course=course)
    certificate = Certificate.objects.get(trainee=holder)
    services.do_record_ce_attendance(enrolment=enrolment, hours=6)
    services.do_record_ce_attendance(enrolment=enrolment, hours=6)
    assert services.ce_hours_in_period(certificate) == Decimal(6)
    services.do_record_ce_attendance(enrolment=enrolment, hours=4)  # corrected: left early
    assert services.ce_hours_in_period(certificate) == Decimal(4)
    assert ContinuingEducation.objects.filter(trainee=holder).count() == 1
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.hours_attended) == ("attended", Decimal(4))


def test_attendance_is_refused_beyond_the_course_before_it_starts_and_after_a_withdrawal(institution):
    course = make_course(institution, starts_in=3)
    enrolment = services.do_enrol_ce(holder=holder_of(), course=course)
    with pytest.raises(CertificationError) as early:
        services.do_record_ce_attendance(enrolment=enrolment, hours=6)
    assert early.value.code == "future_date"
    with freeze_time(timezone.now() + datetime.timedelta(days=3)):
        with pytest.raises(CertificationError) as too_many:
            services.do_record_ce_attendance(enrolment=enrolment, hours=7)
        assert too_many.value.code == "bad_hours" and "At most 6 hours" in str(too_many.value)
        services.do_withdraw_ce(enrolment=enrolment)
        with pytest.raises(CertificationError) as withdrawn:
            services.do_record_ce_attendance(enrolment=enrolment, hours=6)
        assert withdrawn.value.code == "bad_state"
    assert not ContinuingEducation.objects.exists()


# --- pages ----------------------------------------------------------------------------------------


def test_the_list_shows_published_courses_and_offers_enrolment_to_holders_only(institution):
    published = make_course(institution)
    draft = make_course(institution, publish=False, title_en="A draft course")
    url = "/en/continuing-education/"
    anonymous = Client().get(url).content.decode()
    assert escape(published.title_en) in anonymous and draft.title_en not in anonymous
    assert 'id="ce-why-not"' in anonymous and reverse("certification:ce_enrol", args=[published.pk]) not in anonymous
    non_holder = logged_in(in_english(UserFactory())).get(url).content.decode()
    assert "once you hold an active certificate" in non_holder
    assert reverse("certification:ce_enrol", args=[published.pk]) not in non_holder
    holder = logged_in(in_english(holder_of())).get(url).content.decode()
    assert f'action="{reverse("certification:ce_enrol", args=[published.pk])}"' in holder
    assert 'id="ce-why-not"' not in holder


def test_a_holder_enrols_from_the_page_and_finds_it_under_my_certificates(institution):
    holder = in_english(holder_of())
    course = make_course(institution)
    client = logged_in(holder)
    response = client.post(f"/en/continuing-education/{course.pk}/enrol/", follow=True)
    assert response.redirect_chain[-1][0] == "/en/certificates/"
    body = response.content.decode()
    assert "You are enrolled in Risk prevention" in body and f'id="ce-enrolment-{course.enrolments.get().pk}"' in body


def test_a_non_holder_posting_the_enrol_button_is_told_why_and_nothing_is_written(institution):
    course = make_course(institution)
    client = logged_in(in_english(UserFactory()))
    response = client.post(f"/en/continuing-education/{course.pk}/enrol/", follow=True)
    assert "Continuing education is for holders of an active certificate" in response.content.decode()
    assert not CEEnrolment.objects.exists()


def test_the_self_report_form_is_shown_to_holders_only_and_its_post_refused(institution):
    data = {"institution": institution.pk, "title": "Seminar", "completed_on": "2026-01-05", "hours": "3"}
    non_holder = in_english(UserFactory())
    client = logged_in(non_holder)
    page = client.get("/en/certificates/").content.decode()
    assert 'id="self-report"' not in page and 'id="self-report-closed"' in page
    response = client.post("/en/certificates/", data)
    assert response.status_code == 403 and 'id="self-report"' not in response.content.decode()
    # A suspended certificate is no active one either.
    CertificateFactory(trainee=non_holder, status="suspended", status_reason="x")
    assert logged_in(non_holder).post("/en/certificates/", data).status_code == 403
    assert not ContinuingEducation.objects.exists()
    # The service refuses too, whichever page calls it.
    with pytest.raises(CertificationError) as refused:
        services.do_record_continuing_education(
            trainee=non_holder, institution=institution, title="Seminar",
            completed_on=datetime.date(2026, 1, 5), hours=3, self_reported=True,
        )  # fmt: skip
    assert refused.value.code == "not_holder"
    holder_page = logged_in(holder_of()).get("/en/certificates/").content.decode()
    assert 'id="self-report"' in holder_page


def test_a_holder_withdraws_from_the_page_and_cannot_reach_someone_elses_enrolment(institution):
    course = make_course(institution)
    mine = services.do_enrol_ce(holder=holder_of(), course=course)
    theirs = services.do_enrol_ce(holder=holder_of(), course=course)
    client = logged_in(mine.holder)
    for method in ("get", "post"):
        assert getattr(client, method)(f"/en/continuing-education/enrolments/{theirs.pk}/withdraw/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "enrolled"
    assert "Yes, withdraw" in client.get(f"/en/continuing-education/enrolments/{mine.pk}/withdraw/").content.decode()
    client.post(f"/en/continuing-education/enrolments/{mine.pk}/withdraw/")
    mine.refresh_from_db()
    assert mine.state == "withdrawn"


@pytest.mark.parametrize("size", [3, 24])
def test_the_list_takes_the_same_queries_for_a_few_courses_or_a_full_page(
    institution, other_institution, size, django_assert_max_num_queries
):
    holder = holder_of()
    for n in range(size):
        course = make_course(institution if n % 2 else other_institution, title_en=f"Course {n}")
        if n % 3 == 0:
            services.do_enrol_ce(holder=holder, course=course)
    client = logged_in(in_english(holder))
    # session, user, count, the page's courses with their institutions, holder?, the holder's enrolments
    with django_assert_max_num_queries(7):
        response = client.get("/en/continuing-education/")
    assert response.content.decode().count('class="card h-100 ce-course"') == size


# --- admin: institutions publish and record, and only their own ----------------------------------


def test_an_institution_records_attendance_after_a_confirmation_page(institution, institution_admin):
    course = make_course(institution, starts_in=0)
    enrolments = [services.do_enrol_ce(holder=holder_of(), course=course) for _ in range(2)]
    client = logged_in(institution_admin)
    url = reverse("admin:certification_ceenrolment_changelist")
    selected = {"action": "record_attendance", ACTION_CHECKBOX_NAME: [e.pk for e in enrolments]}
    asked = client.post(url, selected)
    assert asked.status_code == 200 and b'name="apply"' in asked.content
    assert not ContinuingEducation.objects.exists()  # nothing until confirmed
    client.post(url, {**selected, "apply": "1", "hours": ""})
    for enrolment in enrolments:
        enrolment.refresh_from_db()
        assert enrolment.state == "attended" and enrolment.hours_attended == Decimal(6)
        assert enrolment.activity.status == "confirmed" and enrolment.activity.decided_by == institution_admin


def test_an_institution_publishes_its_courses_and_never_sees_or_records_anothers(
    institution, institution_admin, other_institution, other_institution_admin
):
    ours = make_course(institution, publish=False, title_zh="我們的課程")
    theirs = make_course(other_institution, starts_in=0, title_zh="他們的課程")
    their_enrolment = services.do_enrol_ce(holder=holder_of(), course=theirs)
    client = logged_in(institution_admin)
    changelist = reverse("admin:certification_cecourse_changelist")
    client.post(changelist, {"action": "publish", ACTION_CHECKBOX_NAME: [ours.pk, theirs.pk]})
    ours.refresh_from_db()
    assert ours.is_published
    listed = client.get(changelist).content.decode()
    assert "我們的課程" in listed and "他們的課程" not in listed
    assert client.get(reverse("admin:certification_cecourse_change", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:certification_ceenrolment_change", args=[their_enrolment.pk])).status_code == 404
    client.post(
        reverse("admin:certification_ceenrolment_changelist"),
        {"action": "record_attendance", ACTION_CHECKBOX_NAME: [their_enrolment.pk], "apply": "1", "hours": "6"},
    )
    their_enrolment.refresh_from_db()
    assert their_enrolment.state == "enrolled" and not ContinuingEducation.objects.exists()
    # The service refuses another institution's course to whoever calls it for an institution.
    with pytest.raises(CertificationError) as refused:
        services.do_record_ce_attendance(enrolment=their_enrolment, hours=6, acting_institution=institution)
    assert refused.value.code == "foreign_course"
    # B's own admin records it.
    services.do_record_ce_attendance(enrolment=their_enrolment, hours=6, acting_institution=other_institution)


def test_an_unauthorized_institution_cannot_publish():
    lapsed = InstitutionFactory(authorized_until=timezone.localdate() - datetime.timedelta(days=1))
    course = make_course(lapsed, publish=False)
    with pytest.raises(CertificationError) as refused:
        services.do_publish_ce_course(course=course)
    assert refused.value.code == "not_authorized"


# --- demo ------------------------------------------------------------------------------------------


def test_the_demo_publishes_four_courses_and_trainee06s_attendance_counts_once():
    accounts.demo.load()
    courses.demo.load()
    certification.demo.load()
    certification.demo.load()
    titles = set(CECourse.objects.filter(is_published=True).values_list("title_zh", flat=True))
    assert titles == {
        "銀行客戶經理商務往來及營銷禮儀",
        "銀行大客戶營銷技巧",
        "國際業務及貿易融資的市場營銷",
        "銀行客戶經理業務風險防範",
    }
    assert all(CECourse.objects.values_list("title_en", flat=True))
    enrolment = CEEnrolment.objects.get()
    assert enrolment.holder.email == "trainee06@demo.test" and enrolment.state == "attended"
    certificate = Certificate.objects.get(trainee=enrolment.holder)
    assert services.ce_hours_in_period(certificate) == Decimal(14)  # 8 reported before, 6 attended
    assert selectors.holds_active_certificate(enrolment.holder_id)


@pytest.mark.parametrize("hours", ["NaN", "sNaN", "Infinity", "-Infinity", "3 hours"])
def test_hours_that_are_not_a_finite_number_are_refused_with_bad_hours(hours):
    with pytest.raises(CertificationError) as refused:
        services.check_record_continuing_education(title="研習", completed_on=timezone.localdate(), hours=hours)
    assert refused.value.code == "bad_hours"
