"""Markdown to HTML, sanitised: the only way user-written text becomes markup.

Pages render stored texts through ``render_stored_markdown``, which keeps the last
``MEMO_SIZE`` results per process: a challenge's description is read far more often than it is
written, and rendering is a pure function of the source and the settings below. The preview
endpoint renders each draft once, through ``render_markdown``, so drafts never crowd the memo."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# At most MEMO_SIZE texts of at most MEMO_MAX_CHARS each with their HTML: about 20 MB of ASCII
# text at worst, about 2 MB for texts of a kilobyte. Longer texts are rendered every time.
MEMO_SIZE = 1024
MEMO_MAX_CHARS = 8_000


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the source is shown as text; nh3 is the second fence.
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable("table")
        .enable("strikethrough")
    )


def render_markdown(source: str | None) -> Markup:
    """Render ``source`` to sanitised HTML safe to place in a page."""
    if not source:
        return Markup("")
    html = _parser().render(source)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 above


_memo_render = lru_cache(maxsize=MEMO_SIZE)(render_markdown)


def render_stored_markdown(source: str | None) -> Markup:
    """``render_markdown`` for a text read from the database, from the memo when it is there."""
    if source and len(source) <= MEMO_MAX_CHARS:
        return _memo_render(source)
    return render_markdown(source)
