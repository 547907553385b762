"""The digest: each visible post mailed once to each other person of its cohort, in their language;
nothing to those who switched it off on the reminder preferences page; run twice, nothing twice."""

import pytest
from django.core import mail

from certification import reminders
from exchange import digest, services
from exchange.models import PostNotification
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The digests are enqueued once the beat job's transaction commits: run them then (eager Celery)."""
    enqueue = digest.do_enqueue_digests

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return enqueue(**kwargs)

    monkeypatch.setattr(digest, "do_enqueue_digests", run)


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_each_post_is_mailed_once_to_each_person(scene):
    mail.outbox.clear()
    enqueued = digest.do_enqueue_digests()  # eager Celery: the digests go at once
    assert enqueued == 3  # asker, peer, teacher (not the former member, not the pending trainee)
    # asker reads the teacher's answer (not their own question); the former member's post is mailed too
    assert PostNotification.objects.filter(user=scene.asker).count() == 2
    assert PostNotification.objects.filter(user=scene.peer).count() == 3
    assert PostNotification.objects.filter(user=scene.teacher).count() == 2
    assert not PostNotification.objects.filter(user__in=[scene.former, scene.pending, scene.next_trainee]).exists()
    assert len(mails_to(scene.asker.email)) == 1 and len(mails_to(scene.peer.email)) == 1
    assert digest.do_enqueue_digests() == 0
    for user_id in (scene.asker.pk, scene.peer.pk, scene.teacher.pk):
        assert digest.send_digest(user_id=user_id) == 0
    assert len(mail.outbox) == 3
    # a new answer: one more mail to each other person, with that post only
    services.do_post(by=scene.peer, cohort=scene.cohort, course=scene.course, body="Thanks!", parent=scene.question)
    assert digest.do_enqueue_digests() == 2
    assert len(mail.outbox) == 5
    assert PostNotification.objects.filter(user=scene.peer).count() == 3


def test_each_in_the_recipient_s_language(scene):
    mail.outbox.clear()
    digest.do_enqueue_digests()
    english = mails_to(scene.peer.email)[0]
    assert "new posts in your cohort" in english.subject
    assert f"/en/exchange/{scene.cohort.code}/{scene.course.code}/" in english.body
    assert "/en/certification/reminders/" in english.body
    chinese = mails_to(scene.asker.email)[0]
    assert f"/zh-hant/exchange/{scene.cohort.code}/{scene.course.code}/" in chinese.body
    assert "新臺幣三百萬元" in chinese.body


def test_switched_off_on_the_reminder_page_no_mail(scene):
    mail.outbox.clear()
    client = logged_in(scene.asker)
    page = client.get("/en/certification/reminders/")
    assert digest.DIGEST_KIND in page.content.decode()
    wanted = [kind for kind, _label in reminders.kind_choices() if kind != digest.DIGEST_KIND]
    assert client.post("/en/certification/reminders/", {"kinds": wanted}).status_code == 302
    assert digest.DIGEST_KIND in reminders.switched_off(scene.asker)
    digest.do_enqueue_digests()
    assert mails_to(scene.asker.email) == []
    assert digest.send_digest(user_id=scene.asker.pk) == 0
    assert not PostNotification.objects.filter(user=scene.asker).exists()
    assert len(mails_to(scene.peer.email)) == 1


def test_a_hidden_post_is_not_mailed(scene, institution_admin):
    services.do_hide(by=institution_admin, post=scene.answer, reason="wrong figure")
    mail.outbox.clear()
    digest.do_enqueue_digests()
    assert not PostNotification.objects.filter(post=scene.answer).exists()
    assert all("三百萬元" not in m.body for m in mail.outbox)


def test_the_beat_job_is_declared():
    from config.beat import beat_schedule

    assert any(entry["task"] == "exchange.tasks.send_digests" for entry in beat_schedule().values())
