"""A post's text as HTML: a safe subset of Markdown rendered on the server, then sanitised.

markdown-it-py renders CommonMark with raw HTML switched off (typed tags come out as text) and images
off (no requests to other hosts from a reader's browser, and the CSP allows none); nh3 (ammonia) then
keeps only the tags and attributes below, links only to http(s) and mailto, and marks every link
``nofollow noopener noreferrer ugc``. Either alone would do; both together mean a bug in one is not a hole.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"]
)


def render(text: str) -> str:
    """Safe HTML for ``text`` (headings are shown one level down: a post sits under the page's headings)."""
    html = _markdown.render(text)
    for level in (2, 1):  # h1 → h3, h2 → h4 (h3… stay at most h6)
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
