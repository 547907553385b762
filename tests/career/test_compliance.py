"""When a certificate stops backing a grade, the grade is flagged exactly once — by the receiver, or by the
sweep when the worker was killed before it ran — announced once, cleared by reinstatement or a new
certificate; the bank's HR staff get one digest a day."""

import datetime

import pytest
from django.utils import timezone

from career import signals
from career.models import ComplianceEvent, DigestSent, ManagerGrade
from career.services import CareerError, register
from certification import services as certification
from certification.models import Certificate
from tests.career.conftest import certify
from tests.conftest import in_english, make_hr_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """The ``compliance_changed`` events receivers hear (the HR API's webhook will be one of them)."""
    events = []

    def receiver(sender, event, **kwargs):
        events.append((event.pk, event.compliant))

    signals.compliance_changed.connect(receiver, dispatch_uid="test_heard")
    yield events
    signals.compliance_changed.disconnect(dispatch_uid="test_heard")


def refreshed(grade) -> ManagerGrade:
    return ManagerGrade.objects.get(pk=grade.pk)


def test_a_suspension_flags_the_grade_exactly_once(graded, program_office, heard, django_capture_on_commit_callbacks):
    grade, certificate = graded
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_suspend_certificate(certificate=certificate, by=program_office, reason="調查中")
    flagged = refreshed(grade)
    assert not flagged.compliant and flagged.non_compliant_since is not None
    assert ComplianceEvent.objects.filter(grade=grade, compliant=False).count() == 1
    # The receiver heard twice (a repeated signal), then the sweep: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert register.do_recheck_compliance(trainee_id=certificate.trainee_id) is None
        assert register.do_recheck_compliance(trainee_id=certificate.trainee_id) is None
        assert register.do_sweep_compliance()["settled"] == 0
    assert ComplianceEvent.objects.filter(grade=grade).count() == 1
    assert refreshed(grade).non_compliant_since == flagged.non_compliant_since
    assert [compliant for _pk, compliant in heard] == [False]


def test_the_sweep_flags_a_grade_whose_worker_was_killed_before_the_receiver(
    graded, heard, django_capture_on_commit_callbacks
):
    grade, certificate = graded
    # The certificate expired, and the process died before certificate_status_changed reached the register.
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.EXPIRED)
    assert refreshed(grade).compliant
    with django_capture_on_commit_callbacks(execute=True):
        assert register.do_sweep_compliance() == {"settled": 1, "announced": 0}
    assert not refreshed(grade).compliant
    with django_capture_on_commit_callbacks(execute=True):
        assert register.do_sweep_compliance() == {"settled": 0, "announced": 0}
    assert ComplianceEvent.objects.filter(grade=grade).count() == 1
    assert heard == [(ComplianceEvent.objects.get().pk, False)]


def test_the_expiry_job_flags_the_grade(graded, django_capture_on_commit_callbacks):
    grade, certificate = graded
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=timezone.localdate() - datetime.timedelta(days=1200),
        period_starts_on=timezone.localdate() - datetime.timedelta(days=1200),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert certification.do_expire_lapsed() == 1
    assert not refreshed(grade).compliant


def test_reinstatement_clears_the_flag(graded, program_office, heard, django_capture_on_commit_callbacks):
    grade, certificate = graded
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_suspend_certificate(certificate=certificate, by=program_office, reason="調查中")
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_reinstate_certificate(certificate=certificate, by=program_office)
    cleared = refreshed(grade)
    assert cleared.compliant and cleared.non_compliant_since is None
    assert list(ComplianceEvent.objects.order_by("episode").values_list("episode", "compliant")) == [
        (1, False),
        (2, True),
    ]
    assert [compliant for _pk, compliant in heard] == [False, True]


def test_a_new_certificate_clears_the_flag(graded, trainee, program_office, django_capture_on_commit_callbacks):
    grade, certificate = graded
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_revoke_certificate(certificate=certificate, by=program_office, reason="舞弊")
    assert not refreshed(grade).compliant
    new = certify(trainee, "senior", "corporate")  # senior backs intermediate only in its own track
    with django_capture_on_commit_callbacks(execute=True):
        certification.CERTIFICATE_ISSUED.announce(new.pk)
    assert not refreshed(grade).compliant
    newer = certify(trainee, "senior", "retail")
    with django_capture_on_commit_callbacks(execute=True):
        certification.CERTIFICATE_ISSUED.announce(newer.pk)
    assert refreshed(grade).compliant


def test_a_lost_announcement_is_made_by_the_sweep_once(graded, heard, django_capture_on_commit_callbacks):
    grade, certificate = graded
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.EXPIRED)
    # Settled, and the process died before the after-commit announcement.
    register.do_settle_compliance(grade_id=grade.pk, now=timezone.now() - datetime.timedelta(minutes=10))
    assert heard == []
    with django_capture_on_commit_callbacks(execute=True):
        assert register.do_sweep_compliance()["announced"] == 1
        assert register.do_sweep_compliance()["announced"] == 0
    assert len(heard) == 1


def test_a_second_event_for_the_same_change_is_refused_by_the_database(graded):
    from django.db import IntegrityError, transaction

    grade, _certificate = graded
    ComplianceEvent.objects.create(
        grade=grade, episode=1, compliant=False, manager_class="personal", level="intermediate"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplianceEvent.objects.create(
            grade=grade, episode=1, compliant=False, manager_class="personal", level="intermediate"
        )


def test_hr_staff_get_one_digest_a_day_in_their_language(
    graded, employer, hr_staff, other_hr_staff, program_office, mailoutbox, django_capture_on_commit_callbacks
):
    grade, certificate = graded
    colleague = in_english(make_hr_staff(employer, email="hr2@bank-a.demo.test"))
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_suspend_certificate(certificate=certificate, by=program_office, reason="調查中")
    day = timezone.localdate()
    mailoutbox.clear()
    assert register.do_send_digests(day=day) == {"sent": 2, "failed": 0}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([hr_staff.email, colleague.email])
    english = next(m for m in mailoutbox if m.to == [colleague.email])
    assert "no longer backed by a certificate" in english.body and grade.employee.employee_number in english.body
    assert english.alternatives and "<li>" in english.alternatives[0][0]
    assert register.do_send_digests(day=day) == {"sent": 0, "failed": 0}
    assert len(mailoutbox) == 2 and DigestSent.objects.count() == 2
    # Another day without changes: nothing to say, nothing sent.
    assert register.do_send_digests(day=day + datetime.timedelta(days=1)) == {"sent": 0, "failed": 0}


def test_a_refused_digest_keeps_no_claim(
    graded, hr_staff, program_office, monkeypatch, django_capture_on_commit_callbacks
):
    from core import mail

    _grade, certificate = graded
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_suspend_certificate(certificate=certificate, by=program_office, reason="調查中")

    def refuse(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(mail, "send_rendered", refuse)
    assert register.do_send_digests(day=timezone.localdate()) == {"sent": 0, "failed": 1}
    assert not DigestSent.objects.exists()


def test_a_stricter_rule_flags_the_grades_it_no_longer_backs(
    graded, program_office, django_capture_on_commit_callbacks
):
    from courses.models import Tier, Track

    grade, _certificate = graded
    with django_capture_on_commit_callbacks(execute=True):
        register.do_set_rule(
            manager_class="personal", level="intermediate", min_tier=Tier.objects.get(code="senior"),
            track=Track.objects.get(code="retail"), by=program_office,
        )  # fmt: skip
    assert not refreshed(grade).compliant  # the sweep enqueued after the change settled it
    with pytest.raises(CareerError) as refused:
        register.do_set_rule(
            manager_class="personal", level="junior", min_tier=Tier.objects.get(code="assistant"),
            track=Track.objects.get(code="retail"), by=program_office,
        )  # fmt: skip
    assert refused.value.code == "no_tracks"
