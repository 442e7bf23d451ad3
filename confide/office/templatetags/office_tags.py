"""Template filters of the office."""

from __future__ import annotations

from django import template

from confide.practice.models import phone_href

register = template.Library()


@register.filter(name="tel")
def tel_filter(number: str) -> str:
    """Return a tel: link for a number a person gave, for calling from a phone or a softphone."""
    return phone_href(number) if number else ""
