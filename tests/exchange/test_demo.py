"""The demo cohort has a discussion with questions and accepted answers, loaded once."""

import pytest

import accounts.demo
import courses.demo
import exchange.demo
from exchange.models import Post
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_the_demo_cohort_has_questions_and_accepted_answers_loaded_once():
    accounts.demo.load()
    courses.demo.load()
    exchange.demo.load()
    posts = Post.objects.filter(thread__cohort__code=exchange.demo.COHORT)
    assert posts.filter(parent__isnull=True).count() == 4
    accepted = posts.filter(is_accepted=True).select_related("author")
    assert accepted.count() == 3
    assert {p.author.email for p in accepted} == {exchange.demo.TEACHER}
    assert posts.filter(is_pinned=True).count() == 1
    english = posts.get(author__email="trainee04@demo.test")
    assert english.body.startswith("How often")
    count = posts.count()
    exchange.demo.load()
    assert posts.count() == count
    page = logged_in(posts.first().author).get(f"/zh-hant/exchange/{exchange.demo.COHORT}/BCM-101/")
    assert page.status_code == 200 and "了解你的客戶" in page.content.decode()
