"""User-written Markdown renders to inert HTML."""

from html.parser import HTMLParser

import pytest

from core import markdown
from core.markdown import render_markdown, render_stored_markdown


class _Elements(HTMLParser):
    """Collects the real elements and attributes of rendered HTML (text is not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)


def _elements(source: str) -> _Elements:
    parser = _Elements()
    parser.feed(str(render_markdown(source)))
    return parser


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "hello <img src=x onerror=alert(1)>",
        '<a href="#" onclick="alert(1)">x</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "![img](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        "<svg onload=alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_injections_come_out_inert(source: str) -> None:
    found = _elements(source)
    assert not {"script", "iframe", "svg", "div", "object", "embed"} & set(found.tags)
    for name, value in found.attrs:
        assert not name.startswith("on"), name
        assert name != "style"
        if name in {"href", "src"}:
            assert value.split(":")[0].lower().strip() in {"http", "https", "mailto", "", "x"} or (
                ":" not in value
            ), value


def test_ordinary_markdown_keeps_its_formatting() -> None:
    html = str(
        render_markdown("# Title\n\n**bold** and [a link](https://example.org)\n\n- one\n- two")
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html
    assert "<li>one</li>" in html


def test_raw_html_is_shown_as_text_not_markup() -> None:
    html = str(render_markdown("<b>hi</b>"))
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_tables_render() -> None:
    html = str(render_markdown("| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<table>" in html and "<td>1</td>" in html


def test_empty_input_renders_empty() -> None:
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""


@pytest.mark.parametrize(
    "source",
    ["# Title\n\n**bold** [a link](https://example.org)", "<script>x</script>", "", None],
)
def test_stored_texts_render_byte_identical_from_the_memo(source: str | None) -> None:
    first, again = render_stored_markdown(source), render_stored_markdown(source)
    assert first == again == render_markdown(source)
    assert type(first) is type(again) is type(render_markdown(source))


def test_long_texts_and_previews_stay_out_of_the_memo() -> None:
    long_text = "word " * markdown.MEMO_MAX_CHARS
    before = markdown._memo_render.cache_info().currsize
    assert render_stored_markdown(long_text) == render_markdown(long_text)
    render_markdown("A draft typed into the preview.")
    assert markdown._memo_render.cache_info().currsize == before
