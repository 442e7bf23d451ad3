"""Template tags of the public site: Markdown, and schema.org blocks that cannot break out."""

from __future__ import annotations

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from confide.practice.markdown import render_markdown

register = template.Library()

# The characters that could end a script element or open a comment inside it.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def json_ld(context: template.Context, data: object) -> SafeString:
    """Return a schema.org block; the JSON is escaped so no value can close the script."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>',
        context.get("csp_nonce", ""),
        mark_safe(payload),  # noqa: S308 - escaped above
    )
