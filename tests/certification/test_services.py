import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import translation
from freezegun import freeze_time

from certification import services, signals
from certification.models import Certificate, CertificateStatusChange
from certification.numbers import is_valid_number
from certification.services import CertificationError
from tests.certification.conftest import completed_enrolment, pass_all
from tests.factories import CertificateFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_it_issues_the_certificate_once_every_course_is_passed_and_the_hours_are_done(
    passed, django_capture_on_commit_callbacks
):
    enrolment = completed_enrolment()
    pass_all(passed, enrolment)
    received = []
    signals.certificate_issued.connect(
        lambda sender, certificate, **kw: received.append(certificate.pk), weak=False, dispatch_uid="t1"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            issued = services.do_check_certification(trainee_id=enrolment.trainee_id)
    finally:
        signals.certificate_issued.disconnect(dispatch_uid="t1")
    assert len(issued) == 1
    certificate = issued[0]
    assert is_valid_number(certificate.number) and certificate.number.startswith("BCM-STD-R-")
    assert certificate.institution == enrolment.cohort.institution
    assert certificate.valid_until == certificate.issued_on.replace(year=certificate.issued_on.year + 3)
    assert certificate.status == Certificate.Status.ACTIVE
    assert list(certificate.history.values_list("action", flat=True)) == ["issue"]
    assert received == [certificate.pk]


def test_it_does_not_issue_while_a_course_is_not_passed(passed):
    enrolment = completed_enrolment()
    pass_all(passed, enrolment)
    passed[enrolment.trainee_id].pop()
    assert services.do_check_certification(trainee_id=enrolment.trainee_id) == []
    assert not Certificate.objects.exists()


def test_it_does_not_issue_before_the_hours_owed_are_attended(passed):
    enrolment = completed_enrolment(state="in_training")
    pass_all(passed, enrolment)
    assert services.do_check_certification(trainee_id=enrolment.trainee_id) == []


def test_courses_passed_at_a_lower_tier_count(passed):
    enrolment = completed_enrolment(tier="standard", track="corporate")
    # The three assistant courses were passed earlier; the standard ones now: same course ids.
    pass_all(passed, enrolment)
    certificate = services.do_issue_certificate(trainee_id=enrolment.trainee_id, curriculum_id=enrolment.curriculum_id)
    assert certificate is not None and certificate.track.code == "corporate"


def test_checking_twice_issues_one_certificate(passed):
    enrolment = completed_enrolment()
    pass_all(passed, enrolment)
    first = services.do_check_certification(trainee_id=enrolment.trainee_id)
    second = services.do_check_certification(trainee_id=enrolment.trainee_id)
    assert first[0].pk == second[0].pk
    assert Certificate.objects.count() == 1


def test_numbers_count_up_per_tier_track_and_year(passed):
    numbers = []
    for _ in range(2):
        enrolment = completed_enrolment()
        pass_all(passed, enrolment)
        numbers.append(services.do_check_certification(trainee_id=enrolment.trainee_id)[0].number)
    assert numbers[0][15:21] == "000001" and numbers[1][15:21] == "000002"


def test_the_database_refuses_a_second_current_certificate():
    certificate = CertificateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(trainee=certificate.trainee, curriculum=certificate.curriculum)


def test_suspend_reinstate_and_revoke_are_audited_and_announced(django_capture_on_commit_callbacks, program_office):
    certificate = CertificateFactory()
    office = program_office
    seen = []
    signals.certificate_status_changed.connect(
        lambda sender, certificate, old_status, new_status, action, reason, **kw: seen.append(
            (sender, certificate.pk, old_status, new_status, action, reason)
        ),
        weak=False,
        dispatch_uid="t2",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.do_suspend_certificate(certificate=certificate, by=office, reason="調查中")
        certificate.refresh_from_db()
        assert certificate.status == "suspended" and certificate.status_reason == "調查中"
        with django_capture_on_commit_callbacks(execute=True):
            services.do_reinstate_certificate(certificate=certificate, by=office, reason="調查結束")
        certificate.refresh_from_db()
        # Active again: the holder's page and the verification page show no reason any more.
        assert certificate.status == "active" and certificate.status_reason == ""
        with django_capture_on_commit_callbacks(execute=True):
            services.do_revoke_certificate(certificate=certificate, by=office, reason="舞弊")
    finally:
        signals.certificate_status_changed.disconnect(dispatch_uid="t2")
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.status_reason == "舞弊"
    history = list(
        CertificateStatusChange.objects.filter(certificate=certificate)
        .order_by("pk")
        .values_list("old_status", "new_status", "action", "changed_by", "reason")
    )
    assert history == [
        ("active", "suspended", "suspend", office.pk, "調查中"),
        ("suspended", "active", "reinstate", office.pk, "調查結束"),
        ("active", "revoked", "revoke", office.pk, "舞弊"),
    ]
    assert seen == [
        (Certificate, certificate.pk, "active", "suspended", "suspend", "調查中"),
        (Certificate, certificate.pk, "suspended", "active", "reinstate", "調查結束"),
        (Certificate, certificate.pk, "active", "revoked", "revoke", "舞弊"),
    ]


def test_it_refuses_revocation_without_a_reason():
    certificate = CertificateFactory()
    with pytest.raises(CertificationError):
        services.do_revoke_certificate(certificate=certificate, by=None, reason="  ")
    certificate.refresh_from_db()
    assert certificate.status == "active" and not certificate.history.exists()


def test_a_revoked_certificate_cannot_be_reinstated():
    certificate = CertificateFactory()
    services.do_revoke_certificate(certificate=certificate, by=None, reason="x")
    with pytest.raises(CertificationError):
        services.do_reinstate_certificate(certificate=certificate, by=None)


def _ce(trainee, hours, on):
    return services.do_record_continuing_education(
        trainee=trainee, institution=InstitutionFactory(), title="法規更新", completed_on=on, hours=hours
    )


def test_renewal_extends_validity_when_the_hours_are_met():
    with freeze_time("2026-03-01"):
        certificate = CertificateFactory(issued_on=datetime.date(2026, 3, 1))
        _ce(certificate.trainee, 10, datetime.date(2026, 2, 1))  # before the period: does not count
        _ce(certificate.trainee, 20, datetime.date(2026, 3, 1))
    with freeze_time("2028-12-01"):
        with pytest.raises(CertificationError):
            services.do_renew_certificate(certificate=certificate)
        _ce(certificate.trainee, Decimal(4), datetime.date(2028, 11, 30))
        services.do_renew_certificate(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.valid_until == datetime.date(2032, 3, 1)
    assert certificate.period_starts_on == datetime.date(2029, 3, 1)
    assert certificate.history.last().action == "renew"


def test_self_reported_hours_count_only_once_confirmed():
    with freeze_time("2026-03-01"):
        certificate = CertificateFactory()
        activity = services.do_record_continuing_education(
            trainee=certificate.trainee,
            institution=InstitutionFactory(),
            title="研討會",
            completed_on=datetime.date(2026, 3, 1),
            hours=24,  # the most one activity counts, and what renewal needs
            self_reported=True,
        )
        valid_until = certificate.valid_until
        with pytest.raises(CertificationError):
            services.do_renew_certificate(certificate=certificate)
        certificate.refresh_from_db()
        assert certificate.valid_until == valid_until and not certificate.history.filter(action="renew").exists()
        services.do_decide_continuing_education(activity=activity, confirm=True, by=None)
        services.do_renew_certificate(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.period_starts_on == valid_until
    assert certificate.valid_until == valid_until + relativedelta(years=services.validity_years())
    assert certificate.history.filter(action="renew").count() == 1


def test_the_daily_task_expires_lapsed_certificates_once():
    from certification.tasks import expire_lapsed_certificates

    with freeze_time("2026-01-10"):
        lapsed = CertificateFactory(issued_on=datetime.date(2023, 1, 1), valid_until=datetime.date(2026, 1, 9))
        suspended = CertificateFactory(
            issued_on=datetime.date(2023, 1, 1), valid_until=datetime.date(2026, 1, 1), status="suspended"
        )
        valid = CertificateFactory(issued_on=datetime.date(2023, 1, 10), valid_until=datetime.date(2026, 1, 10))
        assert expire_lapsed_certificates.delay().get() == 2
        assert expire_lapsed_certificates.delay().get() == 0
    for c in (lapsed, suspended, valid):
        c.refresh_from_db()
    assert (lapsed.status, suspended.status, valid.status) == ("expired", "expired", "active")
    assert lapsed.history.filter(action="expire").count() == 1


def test_the_daily_task_renews_instead_of_expiring_when_hours_are_met():
    with freeze_time("2026-01-10"):
        certificate = CertificateFactory(issued_on=datetime.date(2023, 1, 9), valid_until=datetime.date(2026, 1, 9))
        _ce(certificate.trainee, 24, datetime.date(2025, 6, 1))
        assert services.do_expire_lapsed() == 1
    certificate.refresh_from_db()
    assert certificate.status == "active" and certificate.valid_until == datetime.date(2029, 1, 9)


def test_a_certificate_lapsed_beyond_a_whole_period_is_renewed_for_the_hours_it_has_then_expired_the_same_day():
    """The run after an outage of years (or a certificate the run never saw): the hours of the first period
    renew it once, the empty second period lets it lapse. Renewing once and leaving it active until
    valid until a day long gone was the bug."""
    with freeze_time("2030-02-01"):
        certificate = CertificateFactory(issued_on=datetime.date(2023, 1, 9), valid_until=datetime.date(2026, 1, 9))
        _ce(certificate.trainee, 24, datetime.date(2025, 6, 1))  # the first period only
        assert services.do_expire_lapsed() == 1
        assert services.do_expire_lapsed() == 0
    certificate.refresh_from_db()
    assert (certificate.status, certificate.period_starts_on, certificate.valid_until) == (
        "expired",
        datetime.date(2026, 1, 9),
        datetime.date(2029, 1, 9),
    )
    assert list(certificate.history.order_by("pk").values_list("old_status", "new_status", "action")) == [
        ("active", "active", "renew"),
        ("active", "expired", "expire"),
    ]


def test_hours_in_every_lapsed_period_renew_it_until_it_is_current():
    with freeze_time("2030-02-01"):
        certificate = CertificateFactory(issued_on=datetime.date(2023, 1, 9), valid_until=datetime.date(2026, 1, 9))
        _ce(certificate.trainee, 24, datetime.date(2025, 6, 1))
        _ce(certificate.trainee, 24, datetime.date(2028, 6, 1))
        assert services.do_expire_certificate(certificate=certificate) is True
        assert services.do_expire_certificate(certificate=certificate) is False  # current again: nothing to do
    certificate.refresh_from_db()
    assert (certificate.status, certificate.period_starts_on, certificate.valid_until) == (
        "active",
        datetime.date(2029, 1, 9),
        datetime.date(2032, 1, 9),
    )
    assert list(certificate.history.order_by("pk").values_list("action", flat=True)) == ["renew", "renew"]


def test_a_renewal_that_runs_to_the_day_of_the_run_leaves_it_valid_through_that_day():
    with freeze_time("2029-01-09"):
        certificate = CertificateFactory(issued_on=datetime.date(2023, 1, 9), valid_until=datetime.date(2026, 1, 9))
        _ce(certificate.trainee, 24, datetime.date(2025, 6, 1))  # the first period only
        assert services.do_expire_lapsed() == 1
    certificate.refresh_from_db()
    assert (certificate.status, certificate.valid_until) == ("active", datetime.date(2029, 1, 9))
    assert list(certificate.history.values_list("action", flat=True)) == ["renew"]


def test_a_reinstatement_without_a_reason_records_none():
    with freeze_time("2026-03-01"):
        certificate = CertificateFactory()
        services.do_suspend_certificate(certificate=certificate, by=None, reason="調查中")
        services.do_reinstate_certificate(certificate=certificate, by=None)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason) == ("active", "")
    assert certificate.history.order_by("pk").last().reason == ""


def _issue(passed, *, tier="standard", track="retail"):
    enrolment = completed_enrolment(tier=tier, track=track)
    pass_all(passed, enrolment)
    return enrolment, services.do_issue_certificate(
        trainee_id=enrolment.trainee_id, curriculum_id=enrolment.curriculum_id
    )


def test_each_prefix_and_year_has_its_own_sequence(passed):
    """BCM-<tier>-<track>-<year>-<sequence>: the sequence counts per tier and track, and starts again each year."""
    with freeze_time("2026-12-31 10:00"):
        assert _issue(passed)[1].number.startswith("BCM-STD-R-2026-000001-")
        assert _issue(passed, track="corporate")[1].number.startswith("BCM-STD-C-2026-000001-")
        assert _issue(passed, tier="assistant", track=None)[1].number.startswith("BCM-AST-G-2026-000001-")
        assert _issue(passed)[1].number.startswith("BCM-STD-R-2026-000002-")
    with freeze_time("2027-01-02 10:00"):
        assert _issue(passed)[1].number.startswith("BCM-STD-R-2027-000001-")
        assert _issue(passed, track="corporate")[1].number.startswith("BCM-STD-C-2027-000001-")
    with freeze_time("2026-12-31 11:00"):  # a late issue of the old year continues that year's count
        assert _issue(passed)[1].number.startswith("BCM-STD-R-2026-000003-")


def test_the_certificate_records_the_enrolment_that_earned_it_and_its_issue_in_the_history(passed):
    enrolment, certificate = _issue(passed)
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.enrolment_id == enrolment.pk
    assert list(certificate.history.values_list("old_status", "new_status", "action")) == [("", "active", "issue")]


def test_a_check_clears_the_trainees_own_pending_checks_and_no_one_elses(passed):
    from certification.models import PendingCheck
    from tests.certification.conftest import publish_result

    enrolment = completed_enrolment()
    other = completed_enrolment()
    for person in (enrolment, other):
        course = person.curriculum.courses.order_by("code").first()
        result = publish_result(person.trainee, course, person.cohort)
        PendingCheck.objects.get_or_create(result_id=result.pk, defaults={"trainee": person.trainee})
    assert PendingCheck.objects.filter(trainee=enrolment.trainee).exists()
    services.do_check_certification(trainee_id=enrolment.trainee_id)
    assert not PendingCheck.objects.filter(trainee=enrolment.trainee).exists()
    assert PendingCheck.objects.filter(trainee=other.trainee).count() == 1


def _earned(passed):
    """A trainee who has earned the certificate and holds none yet, and the arguments of its issuance."""
    enrolment = completed_enrolment()
    pass_all(passed, enrolment)
    return {"trainee_id": enrolment.trainee_id, "curriculum_id": enrolment.curriculum_id}


def test_an_index_another_certificate_took_meanwhile_is_drawn_again(passed, monkeypatch):
    """Two issuances may draw the same status list index; the one refused by the unique constraint
    draws again instead of giving up on the certificate."""
    taken = _issue(passed)[1].status_list_index
    real_free_index = services.status_list.free_index
    draws = []

    def free_index():
        draws.append("draw")
        return taken if len(draws) == 1 else real_free_index()

    monkeypatch.setattr(services.status_list, "free_index", free_index)
    certificate = services.do_issue_certificate(**_earned(passed))
    assert certificate is not None
    assert certificate.status_list_index not in (taken, None)
    assert Certificate.objects.filter(status_list_index=taken).count() == 1
    assert len(draws) == 2


def test_issuance_gives_up_after_five_draws_of_taken_indexes(passed, monkeypatch):
    taken = _issue(passed)[1].status_list_index
    draws = []
    monkeypatch.setattr(services.status_list, "free_index", lambda: draws.append(taken) or taken)
    issue = _earned(passed)
    with pytest.raises(RuntimeError, match=r"^no free status list index after five draws$"):
        services.do_issue_certificate(**issue)
    assert len(draws) == 5
    assert not Certificate.objects.filter(trainee_id=issue["trainee_id"]).exists()


def test_a_certificate_issued_between_the_look_and_the_insert_is_the_one_returned(passed, monkeypatch):
    """Another process issued the certificate after this one looked (found none) and before it
    inserted: the insert is refused and the other's certificate is the answer, not None or an error."""
    issue = _earned(passed)
    theirs = services.do_issue_certificate(**issue)
    real_current = services.selectors.current_certificate
    looks = []

    def current_certificate(**kwargs):
        looks.append(kwargs)
        return None if len(looks) == 1 else real_current(**kwargs)

    monkeypatch.setattr(services.selectors, "current_certificate", current_certificate)
    ours = services.do_issue_certificate(**issue)
    assert ours is not None and ours.pk == theirs.pk
    assert Certificate.objects.filter(trainee_id=issue["trainee_id"]).count() == 1


def _refusal(call, **kwargs):
    """The refusal of ``call``: its code and the message the holder or the office reads, in English."""
    with translation.override("en"):
        with pytest.raises(CertificationError) as refused:
            call(**kwargs)
        return refused.value.code, str(refused.value)


@pytest.mark.parametrize(
    "status, change, refusal",
    [
        ("suspended", "suspend", ("not_active", "Only an active certificate can be suspended.")),
        ("expired", "suspend", ("not_active", "Only an active certificate can be suspended.")),
        ("active", "reinstate", ("not_suspended", "Only a suspended certificate can be reinstated.")),
        ("revoked", "reinstate", ("not_suspended", "Only a suspended certificate can be reinstated.")),
        ("revoked", "revoke", ("already_revoked", "This certificate is already revoked.")),
        ("suspended", "renew", ("not_renewable", "Only an active or expired certificate can be renewed.")),
        ("revoked", "renew", ("not_renewable", "Only an active or expired certificate can be renewed.")),
    ],
)
def test_a_change_the_certificates_status_does_not_allow_is_refused_and_changes_nothing(
    status, change, refusal, program_office
):
    certificate = CertificateFactory(status=status, status_reason="調查中" if status != "active" else "")
    call = getattr(services, f"do_{change}_certificate")
    kwargs = {"certificate": certificate, "by": program_office}
    if change in ("suspend", "revoke"):
        kwargs["reason"] = "再次處理"
    assert _refusal(call, **kwargs) == refusal
    certificate.refresh_from_db()
    assert certificate.status == status and not certificate.history.exists()


@pytest.mark.parametrize("change", ["suspend", "revoke"])
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_suspension_and_revocation_are_refused_without_a_reason(change, reason, program_office):
    certificate = CertificateFactory()
    call = getattr(services, f"do_{change}_certificate")
    assert _refusal(call, certificate=certificate, by=program_office, reason=reason) == (
        "reason_missing",
        "Give the reason; the holder and the history will show it.",
    )
    certificate.refresh_from_db()
    assert certificate.status == "active" and not certificate.history.exists()


def test_a_reason_longer_than_the_column_is_kept_to_its_first_500_characters(program_office):
    certificate = CertificateFactory()
    reason = "調" * 500 + "查" * 100
    services.do_suspend_certificate(certificate=certificate, by=program_office, reason=f"  {reason}  ")
    certificate.refresh_from_db()
    assert certificate.status_reason == "調" * 500
    assert certificate.history.get().reason == "調" * 500


def test_a_suspended_certificate_is_reinstated_through_its_last_valid_day_and_expires_after_it(
    django_capture_on_commit_callbacks, program_office
):
    """Reinstating a certificate whose validity ran out while it was suspended expires it instead, with the
    office's reason and name in its history."""
    office = program_office
    seen = []
    signals.certificate_status_changed.connect(
        lambda sender, certificate, old_status, new_status, action, reason, **kw: seen.append(
            (certificate.pk, old_status, new_status, action, reason)
        ),
        weak=False,
        dispatch_uid="t3",
    )
    try:
        with freeze_time("2026-06-30 12:00"):
            last_day = CertificateFactory(
                issued_on=datetime.date(2023, 6, 30), valid_until=datetime.date(2026, 6, 30), status="suspended"
            )
            lapsed = CertificateFactory(
                issued_on=datetime.date(2023, 6, 29), valid_until=datetime.date(2026, 6, 29), status="suspended"
            )
            with django_capture_on_commit_callbacks(execute=True):
                reinstated = services.do_reinstate_certificate(certificate=last_day, by=office, reason="調查結束")
                expired = services.do_reinstate_certificate(certificate=lapsed, by=office, reason="調查結束")
    finally:
        signals.certificate_status_changed.disconnect(dispatch_uid="t3")
    assert reinstated.status == "active" and expired.status == "expired"
    last_day.refresh_from_db()
    lapsed.refresh_from_db()
    assert (last_day.status, last_day.status_reason) == ("active", "")
    assert (lapsed.status, lapsed.status_reason) == ("expired", "調查結束")
    assert lapsed.valid_until == datetime.date(2026, 6, 29)
    fields = ("old_status", "new_status", "action", "changed_by", "reason")
    assert list(last_day.history.values_list(*fields)) == [("suspended", "active", "reinstate", office.pk, "調查結束")]
    assert list(lapsed.history.values_list(*fields)) == [("suspended", "expired", "expire", office.pk, "調查結束")]
    assert seen == [
        (last_day.pk, "suspended", "active", "reinstate", "調查結束"),
        (lapsed.pk, "suspended", "expired", "expire", "調查結束"),
    ]


def test_the_validity_period_and_the_hours_for_renewal_are_the_settings(passed, settings, program_office):
    settings.CERTIFICATE_VALIDITY_YEARS = 5
    settings.CONTINUING_EDUCATION_HOURS = 10
    with freeze_time("2026-03-01 10:00"):
        _enrolment, certificate = _issue(passed)
        assert (certificate.period_starts_on, certificate.valid_until) == (
            datetime.date(2026, 3, 1),
            datetime.date(2031, 3, 1),
        )
        _ce(certificate.trainee, Decimal(9), datetime.date(2026, 3, 1))
        assert _refusal(services.do_renew_certificate, certificate=certificate) == (
            "hours_missing",
            "Renewal needs 10 hours of continuing education in the period; 9 are confirmed.",
        )
        _ce(certificate.trainee, Decimal("0.5"), datetime.date(2026, 3, 1))
        assert _refusal(services.do_renew_certificate, certificate=certificate) == (
            "hours_missing",
            "Renewal needs 10 hours of continuing education in the period; 9.5 are confirmed.",
        )
        _ce(certificate.trainee, Decimal("0.5"), datetime.date(2026, 3, 1))  # exactly the hours needed
        services.do_renew_certificate(certificate=certificate, by=program_office)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason) == ("active", "")
    assert (certificate.period_starts_on, certificate.valid_until) == (
        datetime.date(2031, 3, 1),
        datetime.date(2036, 3, 1),
    )
    assert list(certificate.history.values_list("old_status", "new_status", "action", "changed_by", "reason")) == [
        ("", "active", "issue", None, ""),
        ("active", "active", "renew", program_office.pk, ""),
    ]


def test_without_the_settings_a_certificate_is_valid_three_years_and_renews_with_24_hours(passed, settings):
    del settings.CERTIFICATE_VALIDITY_YEARS
    del settings.CONTINUING_EDUCATION_HOURS
    with freeze_time("2026-03-01 10:00"):
        _enrolment, certificate = _issue(passed)
        assert certificate.valid_until == datetime.date(2029, 3, 1)
        _ce(certificate.trainee, 20, datetime.date(2026, 3, 1))
        _ce(certificate.trainee, Decimal("3.5"), datetime.date(2026, 3, 1))
        assert _refusal(services.do_renew_certificate, certificate=certificate) == (
            "hours_missing",
            "Renewal needs 24 hours of continuing education in the period; 23.5 are confirmed.",
        )
        _ce(certificate.trainee, Decimal("0.5"), datetime.date(2026, 3, 1))
        services.do_renew_certificate(certificate=certificate)
    certificate.refresh_from_db()
    assert (certificate.period_starts_on, certificate.valid_until) == (
        datetime.date(2029, 3, 1),
        datetime.date(2032, 3, 1),
    )


def test_an_expired_certificate_is_not_renewed_over_the_holders_newer_one():
    with freeze_time("2026-03-01"):
        old = CertificateFactory(
            issued_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2023, 1, 1), status="expired"
        )
        _ce(old.trainee, 24, datetime.date(2022, 6, 1))
        CertificateFactory(trainee=old.trainee, curriculum=old.curriculum)
        assert _refusal(services.do_renew_certificate, certificate=old) == (
            "newer_certificate",
            "The holder has a newer certificate of this tier and track.",
        )
    old.refresh_from_db()
    assert (old.status, old.valid_until) == ("expired", datetime.date(2023, 1, 1))
    assert not old.history.exists()


def test_a_certificate_is_valid_through_its_last_day_and_expires_the_day_after():
    with freeze_time("2026-01-09 12:00"):
        certificate = CertificateFactory(issued_on=datetime.date(2023, 1, 9), valid_until=datetime.date(2026, 1, 9))
        assert services.do_expire_certificate(certificate=certificate) is False
        certificate.refresh_from_db()
        assert certificate.status == "active" and not certificate.history.exists()
    with freeze_time("2026-01-10 12:00"):
        assert services.do_expire_certificate(certificate=certificate) is True
        assert services.do_expire_certificate(certificate=certificate) is False  # already expired: nothing to do
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason) == ("expired", "")
    assert list(certificate.history.values_list("old_status", "new_status", "action", "changed_by", "reason")) == [
        ("active", "expired", "expire", None, "")
    ]


def test_a_revoked_certificate_past_its_validity_stays_revoked():
    with freeze_time("2026-01-10 12:00"):
        certificate = CertificateFactory(
            issued_on=datetime.date(2023, 1, 1),
            valid_until=datetime.date(2026, 1, 1),
            status="revoked",
            status_reason="舞弊",
        )
        assert services.do_expire_certificate(certificate=certificate) is False
        assert services.do_expire_lapsed() == 0
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason) == ("revoked", "舞弊")
    assert not certificate.history.exists()


def test_the_daily_run_expires_as_of_the_day_it_is_given_in_chunks():
    """A run for a given day (a catch-up after an outage, or tomorrow's) expires what has lapsed by then, every
    certificate once however small the chunk."""
    with freeze_time("2026-01-10 12:00"):
        lapsing = [
            CertificateFactory(issued_on=datetime.date(2023, 1, day), valid_until=datetime.date(2026, 1, day))
            for day in (10, 11, 12)
        ]
        still_valid = CertificateFactory(issued_on=datetime.date(2023, 1, 13), valid_until=datetime.date(2026, 1, 13))
        assert services.do_expire_lapsed(today=datetime.date(2026, 1, 13), chunk=1) == 3
        assert services.do_expire_lapsed(today=datetime.date(2026, 1, 13), chunk=1) == 0
    for certificate in lapsing:
        certificate.refresh_from_db()
        assert certificate.status == "expired" and certificate.history.filter(action="expire").count() == 1
    still_valid.refresh_from_db()
    assert still_valid.status == "active"


def test_the_daily_run_reads_no_certificate_that_has_not_lapsed_or_is_no_longer_current(django_assert_num_queries):
    """One query when nothing lapsed, however many certificates are valid, expired or revoked."""
    with freeze_time("2026-01-10 12:00"):
        CertificateFactory()
        CertificateFactory(status="suspended", status_reason="調查中")
        for status in ("expired", "revoked"):
            CertificateFactory(
                issued_on=datetime.date(2022, 1, 1),
                valid_until=datetime.date(2025, 1, 1),
                status=status,
                status_reason="舞弊",
            )
        with django_assert_num_queries(1):
            assert services.do_expire_lapsed() == 0
