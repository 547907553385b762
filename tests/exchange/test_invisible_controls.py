"""A post's body refuses the bidirectional controls and other invisible characters the rest of the portal
refuses (core.text_rules; security finding F7): a right-to-left override would show readers other text
than was written. The page says which character, in the reader's language, and nothing is posted. Line
breaks, tabs and the zero-width joiners that emoji and some scripts are written with are kept."""

import pytest

from exchange import services
from exchange.models import Post
from exchange.services import ExchangeError
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

# The embeddings and overrides, the isolates, the marks, and two other invisible ones.
REFUSED = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
           "\u200f", "\u200b", "\x07"]  # fmt: skip


def thread_url(scene, language: str) -> str:
    return f"/{language}/exchange/{scene.cohort.code}/{scene.course.code}/"


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_question_with_an_invisible_control_is_refused(scene, char):
    before = Post.objects.count()
    with pytest.raises(ExchangeError) as refusal:
        services.do_post(by=scene.asker, cohort=scene.cohort, course=scene.course, body=f"請問 {char}txt.exe 是什麼？")
    assert refusal.value.code == "control_character"
    assert Post.objects.count() == before


def test_the_page_names_the_character_in_the_readers_language(scene):
    body = "Where is the file \u202egpj.exe?"
    english = logged_in(scene.peer).post(thread_url(scene, "en"), {"body": body})
    assert english.status_code == 400
    assert "Remove the invisible control character U+202E." in english.content.decode()
    chinese = logged_in(scene.asker).post(thread_url(scene, "zh-hant"), {"body": body})
    assert chinese.status_code == 400 and "請移除看不見的控制字元 U+202E。" in chinese.content.decode()
    assert not Post.objects.filter(body__contains="gpj").exists()


def test_an_answer_with_one_is_refused_too(scene):
    url = f"/en/exchange/posts/{scene.question.pk}/answer/"
    page = logged_in(scene.teacher).post(url, {"body": "見 \u2067附件\u2069"})
    assert page.status_code == 400 and "U+2067" in page.content.decode()
    assert Post.objects.filter(parent=scene.question).count() == 1  # the scene's answer only


def test_line_breaks_tabs_and_joiners_are_kept(scene):
    body = "第一行\r\n- 清單\n\n\tcode()\n👨\u200d👩\u200d👧 می\u200cخواهم"
    post = services.do_post(by=scene.asker, cohort=scene.cohort, course=scene.course, body=body)
    assert post.body == body.replace("\r\n", "\n")


@pytest.mark.parametrize("act", ["hide", "report"])
def test_a_reason_shown_to_the_author_refuses_them_too(scene, institution_admin, act):
    """A moderator's reason for hiding and a reader's report are read by others: the same rule as a post."""
    with pytest.raises(ExchangeError) as refusal:
        if act == "hide":
            services.do_hide(by=institution_admin, post=scene.question, reason="違反\u202e規定")
        else:
            services.do_report(by=scene.peer, post=scene.question, reason="廣告\u2067")
    assert (refusal.value.code, refusal.value.field) == ("control_character", "reason")
    scene.question.refresh_from_db()
    assert scene.question.hidden_at is None and not scene.question.reports.exists()
