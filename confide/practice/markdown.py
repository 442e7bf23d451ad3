"""Render Markdown written in the office into HTML that is safe to put on a public page.

No Django imports: models render when they are saved, and migrations call the same functions.
"""

from __future__ import annotations

import html as html_lib
import math
import re

import markdown as markdown_lib
import nh3

# What prose needs and nothing more: no script, style, iframe, form, image or media tags,
# so neither hostile input nor a pasted embed can run code or load from another origin.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}

_WORD = re.compile(r"\w+")


def render_markdown(text: str) -> str:
    """Return sanitized HTML for the given Markdown."""
    html = markdown_lib.markdown(
        text or "", extensions=["sane_lists", "smarty"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def html_text(html: str) -> str:
    """Return the text of an HTML fragment without tags, on one line."""
    return html_lib.unescape(" ".join(nh3.clean(html, tags=set()).split()))


def plain_text(text: str) -> str:
    """Return the Markdown's text without markup, for descriptions and word counts."""
    return html_text(markdown_lib.markdown(text or ""))


def word_count(text: str) -> int:
    """Return how many words the Markdown's text has."""
    return len(_WORD.findall(plain_text(text)))


def html_word_count(html: str) -> int:
    """Return how many words an HTML fragment's text has (Markdown already rendered)."""
    return len(_WORD.findall(html_text(html)))


def minutes_for(words: int, *, words_per_minute: int = 200) -> int:
    """Return how many minutes that many words take to read, at least one."""
    return max(1, math.ceil(words / words_per_minute))


def reading_minutes(text: str, *, words_per_minute: int = 200) -> int:
    """Return how many minutes the text takes to read, at least one."""
    return minutes_for(word_count(text), words_per_minute=words_per_minute)
