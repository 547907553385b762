"""Moderation: the institution's admins hide a post with a reason (kept and audited: the row stays, with
who, when and why); a hidden post is not shown to the cohort; anyone taking part reports a post, and the
report is seen in admin by that institution's staff only."""

import pytest

from exchange import services
from exchange.models import ModerationEvent, Post, PostReport
from exchange.services import ExchangeError
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_an_admin_hides_a_post_with_a_reason_kept_and_audited(scene, institution_admin):
    client = logged_in(institution_admin)
    url = f"/en/exchange/posts/{scene.answer.pk}/hide/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400 and "Give a reason." in refused.content.decode()
    assert client.post(url, {"reason": "Wrong figure, misleading"}).status_code == 302
    post = Post.objects.get(pk=scene.answer.pk)
    assert post.hidden_at is not None and post.hidden_by == institution_admin
    assert post.hidden_reason == "Wrong figure, misleading"
    assert post.body.startswith("每一存款人")  # the row and its text stay
    event = ModerationEvent.objects.get(post=post)
    assert (event.action, event.by, event.reason) == ("hidden", institution_admin, "Wrong figure, misleading")
    thread = f"/en/exchange/{scene.cohort.code}/{scene.course.code}/"
    for reader in (scene.asker, scene.peer, scene.teacher):
        assert "三百萬元" not in logged_in(reader).get(thread).content.decode()
    moderator_view = client.get(thread).content.decode()
    assert "三百萬元" in moderator_view and "Wrong figure, misleading" in moderator_view
    # hidden: no longer reachable for the cohort (404), not acceptable
    assert logged_in(scene.asker).get(f"/en/exchange/posts/{scene.answer.pk}/report/").status_code == 404
    with pytest.raises(ExchangeError) as refusal:
        services.do_accept(by=scene.teacher, answer=post)
    assert refusal.value.code in {"hidden", "not_found"}
    admin_page = client.get(f"/en/admin/exchange/post/{post.pk}/change/").content.decode()
    assert "Wrong figure, misleading" in admin_page


def test_teachers_and_trainees_cannot_hide(scene):
    for person in (scene.teacher, scene.asker):
        assert logged_in(person).get(f"/en/exchange/posts/{scene.answer.pk}/hide/").status_code == 404
        with pytest.raises(ExchangeError) as refusal:
            services.do_hide(by=person, post=scene.answer, reason="no")
        assert refusal.value.code == "not_a_moderator"
    assert not Post.objects.filter(hidden_at__isnull=False).exists()


def test_a_participant_reports_a_post_once_and_the_institution_sees_it(
    scene, institution_admin, other_institution_admin
):
    client = logged_in(scene.peer)
    url = f"/en/exchange/posts/{scene.answer.pk}/report/"
    assert client.post(url, {"reason": "Looks wrong"}).status_code == 302
    again = client.post(url, {"reason": "Still wrong"})
    assert again.status_code == 400 and "already reported" in again.content.decode()
    assert PostReport.objects.count() == 1
    mine = logged_in(institution_admin).get("/en/admin/exchange/postreport/")
    assert mine.status_code == 200 and "Looks wrong" in mine.content.decode()
    theirs = logged_in(other_institution_admin).get("/en/admin/exchange/postreport/")
    assert "Looks wrong" not in theirs.content.decode()
    report = PostReport.objects.get()
    assert (
        logged_in(other_institution_admin).get(f"/en/admin/exchange/postreport/{report.pk}/change/").status_code == 404
    )
    assert (
        logged_in(other_institution_admin).get(f"/en/admin/exchange/post/{scene.answer.pk}/change/").status_code == 404
    )


def test_the_teacher_accepts_one_answer_and_pins_the_question(scene):
    second = services.do_post(
        by=scene.peer,
        cohort=scene.cohort,
        course=scene.course,
        body="I think it is NT$3 million.",
        parent=scene.question,
    )
    client = logged_in(scene.teacher)
    assert client.post(f"/en/exchange/posts/{scene.answer.pk}/accept/").status_code == 302
    assert client.post(f"/en/exchange/posts/{second.pk}/accept/").status_code == 302
    assert list(Post.objects.filter(is_accepted=True)) == [second]
    assert client.post(f"/en/exchange/posts/{scene.question.pk}/pin/", {"pinned": "1"}).status_code == 302
    assert Post.objects.get(pk=scene.question.pk).is_pinned
    # a trainee does neither
    trainee = logged_in(scene.asker)
    assert trainee.post(f"/en/exchange/posts/{scene.answer.pk}/accept/").status_code == 400
    assert trainee.post(f"/en/exchange/posts/{scene.question.pk}/pin/", {"pinned": "0"}).status_code == 400
    assert Post.objects.get(pk=scene.question.pk).is_pinned
    assert list(Post.objects.filter(is_accepted=True)) == [second]


def test_nobody_reports_their_own_post(scene):
    """The page offers no report button on one's own posts; typing its address is refused too."""
    url = f"/en/exchange/posts/{scene.question.pk}/report/"
    client = logged_in(scene.asker)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "mine"}).status_code == 404
    with pytest.raises(ExchangeError) as refusal:
        services.do_report(by=scene.asker, post=scene.question, reason="mine")
    assert refusal.value.code == "own_post"
    assert not PostReport.objects.exists()
