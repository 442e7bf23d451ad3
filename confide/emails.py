"""Every email is a set of templates (subject, text, HTML) rendered by the one helper here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string

TEMPLATE_DIR = "notifications/email"


def site_url(path: str) -> str:
    """Return an absolute address on this site for a path, for links that leave a request behind."""
    base: str = getattr(settings, "SITE_URL", "http://127.0.0.1:8000")
    return base.rstrip("/") + path


def render_text(name: str, context: Mapping[str, Any]) -> str:
    """Render a plain-text template without HTML escaping."""
    # Plain text must not be HTML-escaped: an address with "&" would arrive as "&amp;".
    backend = engines["django"]
    assert isinstance(backend, DjangoTemplates)
    return backend.engine.get_template(name).render(Context(dict(context), autoescape=False))


def _tidy(text: str) -> str:
    # Template tags leave blank lines behind; keep at most one between paragraphs.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render_email(
    name: str,
    context: Mapping[str, Any],
    *,
    to: str,
    message_id: str = "",
    folder: str = TEMPLATE_DIR,
) -> EmailMultiAlternatives:
    """Render templates ``<name>-subject.txt``, ``-body.txt`` and ``-body.html`` into one email.

    ``message_id`` fixes the Message-ID header, so that a copy sent again is recognisably the same.
    ``folder`` is where the templates are: another app's emails keep their own.
    """
    prefix = f"{folder}/{name}"
    # A subject must be one line; templates may wrap it for readability.
    subject = " ".join(render_text(f"{prefix}-subject.txt", context).split())
    text = _tidy(render_text(f"{prefix}-body.txt", context))
    html = render_to_string(f"{prefix}-body.html", dict(context))
    # RFC 3834: tells mail servers not to send vacation replies back to a robot.
    headers = {"Auto-Submitted": "auto-generated"}
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message
