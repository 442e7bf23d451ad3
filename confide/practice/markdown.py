"""Render Markdown written in the office into HTML that is safe to put on a public page."""

from __future__ import annotations

import html as html_lib
import math
import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

# What prose needs and nothing more: no script, style, iframe, form, image or media tags,
# so neither hostile input nor a pasted embed can run code or load from another origin.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}

_WORD = re.compile(r"\w+")


def render_markdown(text: str) -> SafeString:
    """Return sanitized HTML for the given Markdown."""
    html = markdown_lib.markdown(
        text or "", extensions=["sane_lists", "smarty"], output_format="html"
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just removed everything not allowed above


def plain_text(text: str) -> str:
    """Return the Markdown's text without markup, for descriptions and word counts."""
    html = markdown_lib.markdown(text or "")
    return html_lib.unescape(" ".join(nh3.clean(html, tags=set()).split()))


def reading_minutes(text: str, *, words_per_minute: int = 200) -> int:
    """Return how many minutes the text takes to read, at least one."""
    words = len(_WORD.findall(plain_text(text)))
    return max(1, math.ceil(words / words_per_minute))
