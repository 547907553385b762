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
import exams.demo
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

NOT_HOLDER = "Continuing education is for holders of an active certificate; you hold none at the moment."


def make_course(institution, *, publish=True, starts_in=7, days=1, hours="6", capacity=10, **fields) -> CECourse:
    starts_on = timezone.localdate() + datetime.timedelta(days=starts_in)
    course = CECourse.objects.create(
        institution=institution,
        title_zh=fields.pop("title_zh", "銀行客戶經理業務風險防範"),
        title_en=fields.pop("title_en", "Risk prevention in a customer manager's work"),
        hours=Decimal(hours),
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days - 1),
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
    assert str(refused.value) == NOT_HOLDER
    course.refresh_from_db()
    assert course.seats_taken == 0 and not CEEnrolment.objects.exists()


def test_it_refuses_a_full_course(institution):
    course = make_course(institution, capacity=1)
    services.do_enrol_ce(holder=holder_of(), course=course)
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder_of(), course=course)
    assert refused.value.code == "course_full" and str(refused.value) == f"{course} is full."
    assert CEEnrolment.objects.count() == 1


def test_it_refuses_an_unpublished_course(institution):
    course = make_course(institution, publish=False)
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder_of(), course=course)
    assert refused.value.code == "course_unpublished" and str(refused.value) == f"{course} is not open for enrolment."


def test_it_refuses_a_course_that_has_started(institution):
    course = make_course(institution, starts_in=0)
    with freeze_time(timezone.now() + datetime.timedelta(days=1)), pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder_of(), course=course)
    assert refused.value.code == "course_closed" and str(refused.value) == f"{course} has started; enrolment is closed."


def test_it_refuses_enrolling_twice(institution):
    holder, course = holder_of(), make_course(institution)
    services.do_enrol_ce(holder=holder, course=course)
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder, course=course)
    assert refused.value.code == "already_enrolled" and str(refused.value) == f"You are already enrolled in {course}."
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
    assert str(early.value) == f"{course} has not started; record attendance once it is held."
    with freeze_time(timezone.now() + datetime.timedelta(days=3)):
        with pytest.raises(CertificationError) as too_many:
            services.do_record_ce_attendance(enrolment=enrolment, hours=7)
        assert too_many.value.code == "bad_hours" and str(too_many.value) == "At most 6 hours: the course is no longer."
        services.do_withdraw_ce(enrolment=enrolment)
        with pytest.raises(CertificationError) as withdrawn:
            services.do_record_ce_attendance(enrolment=enrolment, hours=6)
        assert withdrawn.value.code == "bad_state"
        assert str(withdrawn.value) == f"{enrolment.holder} withdrew from this course."
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
    asked = client.post(url, selected)  # to the action's page (courses.admin.actions)
    assert asked.status_code == 303 and b'name="apply"' in client.get(asked["Location"]).content
    assert not ContinuingEducation.objects.exists()  # nothing until confirmed
    client.post(asked["Location"], {"apply": "1", "hours": ""})
    for enrolment in enrolments:
        enrolment.refresh_from_db()
        assert enrolment.state == "attended" and enrolment.hours_attended == Decimal(6)
        assert enrolment.activity.status == "confirmed" and enrolment.activity.decided_by == institution_admin


def test_an_institution_publishes_its_courses_and_never_sees_or_records_anothers(
    institution, institution_admin, other_institution, other_institution_admin
):
    ours = make_course(institution, publish=False, title_zh="我們的課程", title_en="Our course")
    theirs = make_course(other_institution, starts_in=0, title_zh="他們的課程", title_en="Their course")
    their_enrolment = services.do_enrol_ce(holder=holder_of(), course=theirs)
    client = logged_in(institution_admin)
    changelist = reverse("admin:certification_cecourse_changelist")
    client.post(changelist, {"action": "publish", ACTION_CHECKBOX_NAME: [ours.pk, theirs.pk]})
    ours.refresh_from_db()
    assert ours.is_published
    listed = client.get(changelist).content.decode()
    assert "Our course" in listed and "Their course" not in listed  # the list reads English titles on English pages
    assert client.get(reverse("admin:certification_cecourse_change", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:certification_ceenrolment_change", args=[their_enrolment.pk])).status_code == 404
    client.post(
        reverse("admin:certification_ceenrolment_changelist"),
        {"action": "record_attendance", ACTION_CHECKBOX_NAME: [their_enrolment.pk], "apply": "1", "hours": "6"},
    )
    page = reverse("admin:certification_ceenrolment_action_record_attendance") + f"?ids={their_enrolment.pk}"
    assert client.post(page, {"apply": "1", "hours": "6"}).status_code == 303  # to their list: none is theirs
    their_enrolment.refresh_from_db()
    assert their_enrolment.state == "enrolled" and not ContinuingEducation.objects.exists()
    # The service refuses another institution's course to whoever calls it for an institution.
    with pytest.raises(CertificationError) as refused:
        services.do_record_ce_attendance(enrolment=their_enrolment, hours=6, acting_institution=institution)
    assert refused.value.code == "foreign_course" and str(refused.value) == f"{theirs} belongs to another institution."
    # B's own admin records it.
    services.do_record_ce_attendance(enrolment=their_enrolment, hours=6, acting_institution=other_institution)


def test_an_unauthorized_institution_cannot_publish():
    lapsed = InstitutionFactory(authorized_until=timezone.localdate() - datetime.timedelta(days=1))
    course = make_course(lapsed, publish=False)
    with pytest.raises(CertificationError) as refused:
        services.do_publish_ce_course(course=course)
    assert refused.value.code == "not_authorized"
    assert str(refused.value) == f"{lapsed} is not authorized at the moment, so it cannot publish courses."


# --- demo ------------------------------------------------------------------------------------------


def test_the_demo_publishes_four_courses_and_trainee06s_attendance_counts_once():
    accounts.demo.load()
    courses.demo.load(sit_exams=exams.demo.pass_the_exams)  # as load_demo: the exams that earn the certificate
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
    assert refused.value.code == "bad_hours" and str(refused.value) == BAD_NUMBER


# --- the rules of an activity and a course ------------------------------------------------------

BAD_NUMBER = "Enter the hours as a number."
OUT_OF_RANGE = "Hours must be more than 0."
# One activity counts at most 24 hours (tests/certification/test_ce_hours_cap.py).
ABOVE_THE_CAP = (
    "One activity counts at most 24 hours: three training days of 8 hours, the continuing education a whole "
    "validity period asks for. Report a longer programme as separate activities."
)


@pytest.mark.parametrize(
    ("hours", "message"),
    [("0", OUT_OF_RANGE), ("-1", OUT_OF_RANGE), ("24.1", ABOVE_THE_CAP), ("201", ABOVE_THE_CAP), ("", BAD_NUMBER)],
)
def test_hours_must_be_more_than_0_and_at_most_24(hours, message):
    with pytest.raises(CertificationError) as refused:
        services.check_record_continuing_education(title="研習", completed_on=timezone.localdate(), hours=hours)
    assert (refused.value.code, str(refused.value)) == ("bad_hours", message)


@pytest.mark.parametrize("hours", ["0.5", "1", 24, "24.0"])
def test_hours_from_half_an_hour_to_exactly_24_are_accepted(hours):
    services.check_record_continuing_education(title="研習", completed_on=timezone.localdate(), hours=hours)


def test_an_activity_is_completed_today_at_the_latest_and_needs_a_title():
    today = timezone.localdate()
    services.check_record_continuing_education(title="研習", completed_on=today, hours=3)
    with pytest.raises(CertificationError) as future:
        services.check_record_continuing_education(
            title="研習", completed_on=today + datetime.timedelta(days=1), hours=3
        )
    assert (future.value.code, str(future.value)) == ("future_date", "The activity cannot be completed in the future.")
    for title in ("  ", None):
        with pytest.raises(CertificationError) as untitled:
            services.check_record_continuing_education(title=title, completed_on=today, hours=3)
        assert (untitled.value.code, str(untitled.value)) == ("title_missing", "Name the activity.")


def test_an_institution_records_a_confirmed_activity_and_a_holder_reports_a_pending_one(institution, institution_admin):
    holder = holder_of()
    today = timezone.localdate()
    moment = timezone.now().replace(microsecond=0)
    with freeze_time(moment):
        recorded = services.do_record_continuing_education(
            trainee=holder, institution=institution, title=f"  {'研' * 250}  ", completed_on=today, hours="6",
            by=institution_admin,
        )  # fmt: skip
        reported = services.do_record_continuing_education(
            trainee=holder, institution=institution, title=" 研討會 ", completed_on=today, hours="3",
            by=holder, self_reported=True,
        )  # fmt: skip
    recorded.refresh_from_db()
    reported.refresh_from_db()
    assert recorded.title == "研" * 200  # cut to the column's 200 characters
    assert (recorded.status, recorded.self_reported, recorded.decided_by, recorded.decided_at) == (
        "confirmed", False, institution_admin, moment,
    )  # fmt: skip
    assert (reported.title, reported.hours) == ("研討會", Decimal(3))
    assert (reported.status, reported.self_reported, reported.decided_by, reported.decided_at) == (
        "pending", True, None, None,
    )  # fmt: skip
    assert services.ce_hours_in_period(Certificate.objects.get(trainee=holder)) == Decimal(6)


def test_a_reported_activity_is_decided_once_recording_who_and_when(institution, institution_admin):
    holder = holder_of()
    today = timezone.localdate()
    report = {"trainee": holder, "institution": institution, "completed_on": today, "hours": "4", "by": holder}
    rejected, confirmed = [
        services.do_record_continuing_education(**report, title=title, self_reported=True)
        for title in ("研討會", "講座")
    ]
    moment = timezone.now().replace(microsecond=0)
    with freeze_time(moment):
        services.do_decide_continuing_education(activity=rejected, confirm=False, by=institution_admin)
        services.do_decide_continuing_education(activity=confirmed, confirm=True, by=institution_admin)
    for activity, status in ((rejected, "rejected"), (confirmed, "confirmed")):
        activity.refresh_from_db()
        assert (activity.status, activity.decided_by, activity.decided_at) == (status, institution_admin, moment)
        with pytest.raises(CertificationError) as refused:
            services.do_decide_continuing_education(activity=activity, confirm=status == "rejected", by=None)
        assert (refused.value.code, str(refused.value)) == ("already_decided", "This activity was already decided.")
        activity.refresh_from_db()
        assert (activity.status, activity.decided_by) == (status, institution_admin)
    assert services.ce_hours_in_period(Certificate.objects.get(trainee=holder)) == Decimal(4)  # the confirmed one


def test_a_course_has_a_title_hours_in_range_and_may_last_a_single_day():
    day = datetime.date(2026, 9, 1)
    services.check_ce_course(title_zh="業務風險防範", hours="6", starts_on=day, ends_on=day)
    services.check_ce_course(
        title_zh="業務風險防範", hours="24", starts_on=day, ends_on=day + datetime.timedelta(days=2)
    )


@pytest.mark.parametrize(
    ("changed", "code", "message"),
    [
        ({"title_zh": "  "}, "title_missing", "Name the course."),
        ({"title_zh": None}, "title_missing", "Name the course."),
        ({"hours": "0"}, "bad_hours", OUT_OF_RANGE),
        ({"hours": "six"}, "bad_hours", BAD_NUMBER),
        ({"ends_on": datetime.date(2026, 8, 31)}, "bad_dates", "The course cannot end before it starts."),
    ],
)
def test_a_course_without_a_title_with_hours_out_of_range_or_ending_before_it_starts_is_refused(changed, code, message):
    day = datetime.date(2026, 9, 1)
    fields = {"title_zh": "業務風險防範", "hours": "6", "starts_on": day, "ends_on": day, **changed}
    with pytest.raises(CertificationError) as refused:
        services.check_ce_course(**fields)
    assert (refused.value.code, str(refused.value)) == (code, message)


# --- publishing ---------------------------------------------------------------------------------


def test_a_course_is_published_until_its_last_day_and_records_when(institution):
    last_day = make_course(institution, publish=False, starts_in=-2, days=3)  # ends today
    moment = timezone.now().replace(microsecond=0)
    with freeze_time(moment):
        services.do_publish_ce_course(course=last_day)
    last_day.refresh_from_db()
    assert last_day.is_published and last_day.published_at == moment
    over = make_course(institution, publish=False, starts_in=-3, days=3)  # ended yesterday
    with pytest.raises(CertificationError) as refused:
        services.do_publish_ce_course(course=over)
    assert (refused.value.code, str(refused.value)) == ("course_over", f"{over} is over; it cannot be published.")
    over.refresh_from_db()
    assert not over.is_published and over.published_at is None


def test_authorization_is_judged_on_the_day_the_course_is_published_as_of():
    today = timezone.localdate()
    starting = InstitutionFactory(
        authorized_from=today + datetime.timedelta(days=5), authorized_until=today + datetime.timedelta(days=400)
    )
    course = make_course(starting, publish=False, starts_in=10)
    with pytest.raises(CertificationError) as refused:
        services.do_publish_ce_course(course=course, today=today)
    assert refused.value.code == "not_authorized"
    services.do_publish_ce_course(course=course, today=today + datetime.timedelta(days=5))
    course.refresh_from_db()
    assert course.is_published


def test_unpublishing_takes_a_course_off_the_list_and_enrolled_holders_keep_their_seats(institution):
    course = make_course(institution)
    enrolment = services.do_enrol_ce(holder=holder_of(), course=course)
    assert services.do_unpublish_ce_course(course=course).is_published is False
    course.refresh_from_db()
    assert course.is_published is False and course.seats_taken == 1
    assert course not in selectors.published_ce_courses(timezone.localdate())
    enrolment.refresh_from_db()
    assert enrolment.state == "enrolled"
    assert services.do_unpublish_ce_course(course=course).is_published is False  # again: nothing changes
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder_of(), course=course)
    assert refused.value.code == "course_unpublished"
    services.do_publish_ce_course(course=course)
    services.do_enrol_ce(holder=holder_of(), course=course)
    course.refresh_from_db()
    assert course.seats_taken == 2


# --- seats --------------------------------------------------------------------------------------


def test_seats_count_each_enrolment_and_each_withdrawal(institution):
    course = make_course(institution, capacity=3)
    first, second = (services.do_enrol_ce(holder=holder_of(), course=course) for _ in range(2))
    assert second.course == course and second.course.seats_taken == 2  # the course as the enrolment left it
    course.refresh_from_db()
    assert course.seats_taken == 2
    services.do_withdraw_ce(enrolment=first)
    course.refresh_from_db()
    assert course.seats_taken == 1
    services.do_enrol_ce(holder=first.holder, course=course)
    course.refresh_from_db()
    assert course.seats_taken == 2


def test_a_holder_enrols_in_a_second_course_on_a_row_of_its_own(institution):
    holder = holder_of()
    first, second, third = (make_course(institution, title_zh=f"課程{n}") for n in range(3))
    services.do_enrol_ce(holder=holder, course=first)
    withdrawn = services.do_enrol_ce(holder=holder, course=second)
    services.do_withdraw_ce(enrolment=withdrawn)
    services.do_enrol_ce(holder=holder, course=third)
    states = dict(CEEnrolment.objects.filter(holder=holder).values_list("course__title_zh", "state"))
    assert states == {"課程0": "enrolled", "課程1": "withdrawn", "課程2": "enrolled"}
    assert [c.seats_taken for c in CECourse.objects.order_by("title_zh")] == [1, 0, 1]


def test_a_holder_who_lost_a_race_to_enrol_is_told_they_are_already_enrolled(institution, monkeypatch):
    """Their other request inserted the row between this one's look-up and its insert."""
    holder, course = holder_of(), make_course(institution)
    create = CEEnrolment.objects.create

    def create_after_the_other_request(**fields):
        CEEnrolment.objects.bulk_create([CEEnrolment(**fields)])
        return create(**fields)

    monkeypatch.setattr(CEEnrolment.objects, "create", create_after_the_other_request)
    with pytest.raises(CertificationError) as refused:
        services.do_enrol_ce(holder=holder, course=course)
    assert (refused.value.code, str(refused.value)) == ("already_enrolled", f"You are already enrolled in {course}.")
    course.refresh_from_db()
    assert course.seats_taken == 0


@pytest.mark.parametrize("withdrawn", [False, True])
def test_only_an_enrolment_holding_its_seat_unattended_is_withdrawn(institution, withdrawn):
    course = make_course(institution, starts_in=0)
    enrolment = services.do_enrol_ce(holder=holder_of(), course=course)
    services.do_enrol_ce(holder=holder_of(), course=course)
    if withdrawn:
        services.do_withdraw_ce(enrolment=enrolment)
    else:
        services.do_record_ce_attendance(enrolment=enrolment, hours=6)
    with pytest.raises(CertificationError) as refused:
        services.do_withdraw_ce(enrolment=enrolment)
    state = "withdrawn" if withdrawn else "attended"
    assert (refused.value.code, str(refused.value)) == (
        "bad_state",
        f"This enrolment is {state}; it cannot be withdrawn.",
    )
    course.refresh_from_db()
    assert course.seats_taken == (1 if withdrawn else 2)


# --- attendance: the day, who and when ----------------------------------------------------------


def test_attendance_is_recorded_as_of_the_day_given_and_again_with_who_when_and_the_last_day(
    institution, institution_admin
):
    course = make_course(institution, starts_in=3, days=3)
    enrolment = services.do_enrol_ce(holder=holder_of(), course=course)
    first = timezone.now().replace(microsecond=0)
    with freeze_time(first):  # three days before the course, recorded as of its first day
        services.do_record_ce_attendance(enrolment=enrolment, hours=4, today=course.starts_on)
    enrolment.refresh_from_db()
    activity = enrolment.activity
    assert (activity.title, activity.completed_on, activity.hours) == (course.title_zh, course.starts_on, Decimal(4))
    assert (activity.status, activity.decided_by, activity.decided_at) == ("confirmed", None, first)
    assert (enrolment.state, enrolment.recorded_by, enrolment.confirmed_at) == ("attended", None, first)
    later = first + datetime.timedelta(days=8)
    with freeze_time(later):  # after the course: completed on its last day
        services.do_record_ce_attendance(enrolment=enrolment, hours=6, by=institution_admin)
    enrolment.refresh_from_db()
    activity.refresh_from_db()
    assert (activity.completed_on, activity.hours, activity.status) == (course.ends_on, Decimal(6), "confirmed")
    assert (activity.decided_by, activity.decided_at) == (institution_admin, later)
    assert (enrolment.hours_attended, enrolment.recorded_by, enrolment.confirmed_at) == (
        Decimal(6), institution_admin, later,
    )  # fmt: skip


# --- the confirmation mail ----------------------------------------------------------------------


@pytest.mark.parametrize("site_url", ["https://portal.example/", "https://bank.example/BCMX"])
def test_the_confirmation_greets_the_holder_and_links_their_certificates_in_their_language(
    institution, mailoutbox, settings, site_url
):
    settings.SITE_URL = site_url
    holder = in_english(holder_of())
    enrolment = services.do_enrol_ce(holder=holder, course=make_course(institution))  # not committed: not mailed
    assert mailoutbox == []
    assert services.do_send_ce_confirmation(enrolment_id=enrolment.pk) is True
    [mail] = mailoutbox
    assert mail.to == [holder.email]
    assert mail.subject.startswith("You are enrolled in Risk prevention in a customer manager's work")
    assert mail.body.startswith(f"Dear {holder.display_name},")
    assert f"{site_url.rstrip('/')}/en/certificates/" in mail.body.split()


def test_each_enrolment_is_mailed_once_and_a_withdrawn_one_never(institution, mailoutbox):
    course = make_course(institution)
    first, second, gone = (services.do_enrol_ce(holder=holder_of(), course=course) for _ in range(3))
    services.do_withdraw_ce(enrolment=gone)  # before the queued mail went out
    assert services.do_send_ce_confirmation(enrolment_id=gone.pk) is False
    assert mailoutbox == []
    assert services.do_send_ce_confirmation(enrolment_id=first.pk) is True
    assert services.do_send_ce_confirmation(enrolment_id=second.pk) is True
    assert services.do_send_ce_confirmation(enrolment_id=first.pk) is False
    assert [mail.to for mail in mailoutbox] == [[first.holder.email], [second.holder.email]]


# --- row locks ----------------------------------------------------------------------------------


def test_seat_changes_lock_the_course_row_then_the_enrolment_row_and_never_the_holder_or_institution(
    institution, row_locks
):
    """The order every seat change keeps, so that two never wait on each other; the course's institution
    and the enrolment's holder are read with them but never locked (a lock there would stall the holder's
    every other write, and the institution's staff, for the length of an enrolment)."""
    course = make_course(institution, publish=False)
    services.do_publish_ce_course(course=course)
    assert row_locks == [["certification_cecourse"]]
    row_locks.clear()
    enrolment = services.do_enrol_ce(holder=holder_of(), course=course)
    # then the holder's earlier enrolment in the course, if any (a read of that one table: no OF needed)
    assert row_locks == [["certification_cecourse"], []]
    row_locks.clear()
    services.do_withdraw_ce(enrolment=enrolment)
    assert row_locks == [["certification_cecourse"], ["certification_ceenrolment"]]
    row_locks.clear()
    services.do_unpublish_ce_course(course=course)
    assert row_locks == [["certification_cecourse"]]


def test_recording_attendance_locks_the_course_then_the_enrolment(institution, row_locks):
    with freeze_time(timezone.now() - datetime.timedelta(days=7)):
        course = make_course(institution)
        enrolment = services.do_enrol_ce(holder=holder_of(), course=course)
    row_locks.clear()
    services.do_record_ce_attendance(enrolment=enrolment, hours=6)
    assert row_locks == [["certification_cecourse"], ["certification_ceenrolment"]]
