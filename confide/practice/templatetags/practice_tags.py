"""Template tags of the public site: stored HTML, and schema.org blocks that cannot break out."""

from __future__ import annotations

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The characters that could end a script element or open a comment inside it.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter(name="stored_html")
def stored_html_filter(html: str) -> SafeString:
    """Show an `*_html` column of a Markdown field, rendered and sanitized when it was saved."""
    return mark_safe(html)  # noqa: S308 - nh3 removed everything not allowed when the row was saved


@register.simple_tag(takes_context=True)
def json_ld(context: template.Context, data: object) -> SafeString:
    """Return a schema.org block; the JSON is escaped so no value can close the script."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>',
        context.get("csp_nonce", ""),
        mark_safe(payload),  # noqa: S308 - escaped above
    )
