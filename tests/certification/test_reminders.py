import datetime

import pytest
from django.utils import timezone

from certification import reminders
from certification.models import ReminderSent
from certification.tasks import send_certificate_issued_reminder, send_daily_reminders
from tests.certification.conftest import completed_enrolment
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sitting_in(days, cohort):
    from exams.models import ExamPaper, Sitting

    course = cohort.curriculum.courses.order_by("code").first()
    paper, _ = ExamPaper.objects.get_or_create(course=course)
    opens = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=days), datetime.time(9))
    )
    return Sitting.objects.create(
        paper=paper, cohort=cohort, opens_at=opens, closes_at=opens + datetime.timedelta(hours=2), place="臺北"
    )


@pytest.fixture
def the_world():
    """One person per scheduled reminder kind."""
    today = timezone.localdate()
    sitting_3 = completed_enrolment(state="approved")
    _sitting_in(3, sitting_3.cohort)
    sitting_1 = completed_enrolment(state="approved")
    _sitting_in(1, sitting_1.cohort)
    behind = completed_enrolment(state="in_training")
    cohort = behind.cohort
    cohort.starts_on, cohort.ends_on = today - datetime.timedelta(days=20), today + datetime.timedelta(days=10)
    cohort.save(update_fields=["starts_on", "ends_on"])
    expiring_90 = CertificateFactory(
        issued_on=today - datetime.timedelta(days=1000), valid_until=today + datetime.timedelta(days=60)
    )
    expiring_30 = CertificateFactory(
        issued_on=today - datetime.timedelta(days=1000), valid_until=today + datetime.timedelta(days=20)
    )
    return {
        "sitting_3d": sitting_3.trainee,
        "sitting_1d": sitting_1.trainee,
        "hours_behind": behind.trainee,
        "expiring_90": expiring_90.trainee,
        "expiring_30": expiring_30.trainee,
    }


def test_beat_running_twice_sends_each_reminder_once(the_world, mailoutbox):
    send_daily_reminders.delay().get()
    send_daily_reminders.delay().get()
    sent = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert len(mailoutbox) == len(set(sent))
    for kind, person in the_world.items():
        assert ReminderSent.objects.filter(user=person, kind=kind).count() == 1, kind
        assert sum(1 for m in mailoutbox if m.to == [person.email]) >= 1
    # Both expiring certificates are short of continuing-education hours too: one mail each.
    assert ReminderSent.objects.filter(kind="ce_short").count() == 2
    assert len(mailoutbox) == 5 + 2


def test_mails_come_in_the_persons_language_as_text_and_html(mailoutbox):
    today = timezone.localdate()
    english = CertificateFactory(
        trainee=UserFactory(preferred_language="en"), valid_until=today + datetime.timedelta(days=20)
    )
    chinese = CertificateFactory(
        trainee=UserFactory(preferred_language="zh-hant"), valid_until=today + datetime.timedelta(days=20)
    )
    reminders.send_daily()
    by_person = {m.to[0]: m for m in mailoutbox if "expires" in m.subject or "到期" in m.subject}
    assert by_person[english.trainee.email].subject.startswith("Your certificate")
    assert by_person[chinese.trainee.email].subject != by_person[english.trainee.email].subject.replace(
        english.number, chinese.number
    )
    html, mime = by_person[english.trainee.email].alternatives[0]
    assert mime == "text/html" and english.number in html


def test_a_person_who_switched_a_kind_off_gets_none_of_it(client, mailoutbox):
    today = timezone.localdate()
    certificate = CertificateFactory(valid_until=today + datetime.timedelta(days=20))
    client.force_login(certificate.trainee)
    page = client.get("/en/certification/reminders/")
    assert page.status_code == 200 and "certificate expiring in 30 days" in page.content.decode()
    wanted = ["sitting_3d", "sitting_1d", "hours_behind", "certificate_issued", "expiring_90"]
    assert client.post("/en/certification/reminders/", {"kinds": wanted}).status_code == 302
    reminders.send_daily()
    kinds = set(ReminderSent.objects.filter(user=certificate.trainee).values_list("kind", flat=True))
    assert "expiring_30" not in kinds and "ce_short" not in kinds


def test_the_reminder_page_needs_a_log_in(client):
    assert client.get("/en/certification/reminders/").status_code == 302


def test_event_reminders_go_once_even_when_the_task_runs_twice(mailoutbox):
    certificate = CertificateFactory()
    assert send_certificate_issued_reminder.delay(certificate.pk).get() is True
    assert send_certificate_issued_reminder.delay(certificate.pk).get() is False
    assert len(mailoutbox) == 1


def test_a_failed_send_leaves_no_claim_so_a_retry_sends(mailoutbox, monkeypatch):
    certificate = CertificateFactory()

    def broken(**kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(reminders, "send_rendered", broken)
    with pytest.raises(ConnectionError):
        reminders.send_certificate_issued(certificate_id=certificate.pk)
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert reminders.send_certificate_issued(certificate_id=certificate.pk) is True


def test_hours_behind_goes_through_every_chunk_once(monkeypatch, mailoutbox):
    """The job reads enrolments in chunks (flat memory at national scale): none is missed or repeated."""
    monkeypatch.setattr(reminders, "HOURS_BEHIND_CHUNK", 2)
    today = timezone.localdate()
    people = []
    for _ in range(5):
        behind = completed_enrolment(state="in_training")
        cohort = behind.cohort
        cohort.starts_on, cohort.ends_on = today - datetime.timedelta(days=20), today + datetime.timedelta(days=10)
        cohort.save(update_fields=["starts_on", "ends_on"])
        people.append(behind.trainee)
    assert reminders._hours_behind(today) == 5
    assert reminders._hours_behind(today) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)


def test_hours_behind_respects_a_switched_off_kind_read_with_its_chunk(mailoutbox):
    today = timezone.localdate()
    behind = completed_enrolment(state="in_training")
    cohort = behind.cohort
    cohort.starts_on, cohort.ends_on = today - datetime.timedelta(days=20), today + datetime.timedelta(days=10)
    cohort.save(update_fields=["starts_on", "ends_on"])
    reminders.do_set_preferences(user=behind.trainee, wanted=["expiring_90"])
    assert reminders._hours_behind(today) == 0 and not mailoutbox
    reminders.do_set_preferences(user=behind.trainee, wanted=["hours_behind"])
    assert reminders._hours_behind(today) == 1 and len(mailoutbox) == 1


def test_a_mail_server_outage_during_the_daily_run_is_counted_and_leaves_every_reminder_for_the_retry(monkeypatch):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    for _ in range(3):
        CertificateFactory(valid_until=today + datetime.timedelta(days=20))

    def refused(**kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(reminders, "send_rendered", refused)
    counts = reminders.send_daily(today)
    assert counts["failed"] == 6 and counts["expiring_30"] == 0  # expiring and hours short, for each
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert reminders.send_daily(today)["failed"] == 0
    assert ReminderSent.objects.count() == 6
    assert (
        reminders.retry_countdown(0) == 60
        and reminders.retry_countdown(3) == 480
        and reminders.retry_countdown(9) == 3600
    )


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_preferences_page_offers_every_kind_in_both_languages_and_no_result_mail(client, language):
    from django.utils import translation

    from certification.models import ReminderKind

    client.force_login(UserFactory())
    page = client.get(f"/{language}/certification/reminders/")
    assert page.status_code == 200
    html = page.content.decode()
    offered = {kind for kind in ReminderKind.values if f'value="{kind}"' in html}
    assert offered == set(ReminderKind.values) and len(offered) == 7
    assert 'value="result_published"' not in html  # exams' result mail is the only result mail
    with translation.override(language):
        for kind in ReminderKind:
            assert str(kind.label) in html
    if language == "zh-hant":
        assert "certificate issued" not in html  # translated, not the English msgid


def test_the_migration_deletes_the_claims_of_the_removed_kind_and_forgets_it_in_preferences():
    from importlib import import_module

    from django.apps import apps

    from certification.models import ReminderPreference

    migration = import_module("certification.migrations.0002_drop_result_published_reminder")
    user, other = UserFactory(), UserFactory()
    ReminderSent.objects.create(user=user, kind="result_published", object_key="result:1")
    kept = ReminderSent.objects.create(user=user, kind="certificate_issued", object_key="certificate:1")
    ReminderPreference.objects.create(user=user, switched_off=["result_published", "ce_short"])
    ReminderPreference.objects.create(user=other, switched_off=["expiring_30"])
    migration.forget_the_kind(apps, None)
    assert list(ReminderSent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert ReminderPreference.objects.get(user=user).switched_off == ["ce_short"]
    assert ReminderPreference.objects.get(user=other).switched_off == ["expiring_30"]
