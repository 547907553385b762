"""Empty or oversized posts, posting to a cohort one has left, answering an answer: refused with a code and
a translated message, nothing written."""

import pytest
from django.utils import translation

from exchange import services
from exchange.models import MAX_BODY_CHARS, Post, Thread
from exchange.services import ExchangeError
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "code", "en"),
    [
        ("", "empty", "Write something before you post."),
        (" \n\t ", "empty", "Write something before you post."),
        ("長" * (MAX_BODY_CHARS + 1), "too_long", "at most 5000 characters"),
    ],
)
def test_empty_and_oversized_posts_are_refused(scene, body, code, en):
    before = Post.objects.count()
    with pytest.raises(ExchangeError) as refusal:
        services.do_post(by=scene.asker, cohort=scene.cohort, course=scene.course, body=body)
    assert refusal.value.code == code
    url = f"/{{}}/exchange/{scene.cohort.code}/{scene.course.code}/"
    page = logged_in(scene.asker).post(url.format("en"), {"body": body})
    assert page.status_code == 400 and en in page.content.decode()
    page = logged_in(scene.asker).post(url.format("zh-hant"), {"body": body})
    # the message in the reader's language (its zh-Hant text comes with the merged catalogue)
    assert page.status_code == 400 and 'id="exchange-error"' in page.content.decode()
    assert Post.objects.count() == before


def test_a_post_of_exactly_the_limit_is_kept(scene):
    post = services.do_post(by=scene.asker, cohort=scene.cohort, course=scene.course, body="字" * MAX_BODY_CHARS)
    assert len(post.body) == MAX_BODY_CHARS


def test_posting_to_a_cohort_one_has_left_is_refused(scene):
    threads = Thread.objects.count()
    with pytest.raises(ExchangeError) as refusal:
        services.do_post(by=scene.former, cohort=scene.cohort, course=scene.course, body="還能發問嗎？")
    assert refusal.value.code == "left_cohort"
    with translation.override("zh-hant"):
        assert str(refusal.value.message)
    assert Thread.objects.count() == threads
    assert Post.objects.filter(author=scene.former).count() == 1


def test_answers_only_to_questions_and_courses_of_the_curriculum(scene):
    with pytest.raises(ExchangeError) as refusal:
        services.do_post(by=scene.peer, cohort=scene.cohort, course=scene.course, body="re", parent=scene.answer)
    assert refusal.value.code == "not_a_question"
    from courses.models import Course

    foreign = Course.objects.exclude(curriculum_entries__curriculum=scene.cohort.curriculum).first()
    if foreign is not None:
        with pytest.raises(ExchangeError) as refusal:
            services.do_post(by=scene.peer, cohort=scene.cohort, course=foreign, body="hi")
        assert refusal.value.code == "course_not_in_curriculum"
        assert logged_in(scene.peer).get(f"/en/exchange/{scene.cohort.code}/{foreign.code}/").status_code == 404


def test_the_database_keeps_the_rules_too(scene):
    from django.db import IntegrityError, transaction

    for fields in (
        {"body": ""},
        {"body": "字" * (MAX_BODY_CHARS + 1)},
        {"body": "x", "is_pinned": True, "parent": scene.question},
        {"body": "x", "is_accepted": True},
        {"body": "x", "hidden_at": scene.question.created_at},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Post.objects.create(thread=scene.question.thread, author=scene.peer, body_html="", **fields)
    services.do_accept(by=scene.teacher, answer=scene.answer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            thread=scene.question.thread, author=scene.peer, body="y", body_html="y", parent=scene.question,
            is_accepted=True,
        )  # fmt: skip
