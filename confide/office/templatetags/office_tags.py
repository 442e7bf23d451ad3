"""Template filters of the office."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template

from confide.practice.models import phone_href
from confide.scheduling.selectors import zone_label

register = template.Library()


@register.filter(name="tel")
def tel_filter(number: str) -> str:
    """Return a tel: link for a number a person gave, for calling from a phone or a softphone."""
    return phone_href(number) if number else ""


@register.filter(name="money")
def money_filter(cents: int | None) -> str:
    """Return integer cents as dollars: 15000 as "$150.00", -2000 as "-$20.00"."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


@register.filter(name="zone_label")
def zone_label_filter(name: str) -> str:
    """Return a zone's name as people say it: "America/New_York" as "Eastern Time (New York)"."""
    try:
        return zone_label(ZoneInfo(name))
    except (ValueError, ZoneInfoNotFoundError):
        return name
