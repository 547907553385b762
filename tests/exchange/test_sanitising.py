"""Whatever a person types, no script reaches the page: no <script> (or other active) element, no on*
attribute, no javascript:/data: URL — a property test over any text, through the renderer and the page."""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchange import text

ACTIVE = {"script", "style", "iframe", "object", "embed", "img", "svg", "math", "form", "input", "link", "meta", "base"}
NASTY = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](  javascript:alert(1))", "<a href='javascript:alert(1)'>x</a>",
    "![i](javascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<svg onload=alert(1)>",
    "<<script>script>", "`<script>`", "```\n<script>\n```", "[a](vbscript:msgbox)", "<div style=x>",
    "&#106;avascript:alert(1)", "[x](&#106;avascript:alert(1))", "<iframe src=//evil>", "\x00<script>",
    "**bold**", "# title", "> quote", "- item", "[ok](https://example.test/?q=<x>)", "<http://example.test>",
]  # fmt: skip


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    parser = Collect()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ACTIVE, html
        for name, value in attrs:
            assert not name.lower().startswith("on"), html
            assert name in {"href", "rel", "start"}, html
            if name == "href":
                scheme = (value or "").strip().lower().split(":", 1)
                assert len(scheme) == 1 or scheme[0] in {"http", "https", "mailto"}, html


texts = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=40)), max_size=8).map("".join)


@given(texts)
@settings(max_examples=400, deadline=None)
def test_any_text_renders_inert(value):
    assert_inert(text.render(value))


@pytest.mark.django_db
@given(value=texts)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_posted_text_reaches_the_page_inert(scene, value):
    from exchange.models import Post
    from tests.conftest import logged_in

    client = logged_in(scene.asker)
    client.post(f"/en/exchange/{scene.cohort.code}/{scene.course.code}/", {"body": value})
    post = Post.objects.filter(author=scene.asker).order_by("-pk").first()
    assert_inert(post.body_html)
    page = client.get(f"/en/exchange/{scene.cohort.code}/{scene.course.code}/").content.decode()
    bodies = [chunk.split('</div>\n<div class="d-flex')[0] for chunk in page.split('<div class="exchange-body">')[1:]]
    assert bodies
    for shown in bodies:
        assert_inert(shown)


def test_markdown_subset_is_rendered():
    assert text.render("**b** *i* `c`") == "<p><strong>b</strong> <em>i</em> <code>c</code></p>\n"
    assert 'rel="nofollow noopener noreferrer ugc"' in text.render("[x](https://example.test)")
    assert "<h3>" in text.render("# big title")
