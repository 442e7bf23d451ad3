"""Load the fictional demo practice shipped in confide/practice/demo/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.text import slugify

from confide.practice.models import (
    Article,
    Clinician,
    FaqItem,
    Modality,
    Page,
    Practice,
    Tag,
)

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_USERNAME = "therapist"
# The demo therapist's authenticator-app secret: public on purpose, so anyone trying Confide can
# add it to an app or use `manage.py demo_code`. `load_demo` in production makes a random one.
DEMO_TOTP_SECRET = "CONFIDEDEMOSECRETFORTHEOFFICEXYZ"  # noqa: S105 - public on purpose


class DemoFormatError(ValueError):
    """A demo file does not follow the header-then-fields format."""


@dataclass
class DemoDocument:
    headers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


def parse_document(text: str, *, name: str = "document") -> DemoDocument:
    """Parse `key: value` header lines followed by `+++ field` Markdown sections."""
    doc = DemoDocument()
    current: str | None = None
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("+++ "):
            if current is not None:
                doc.fields[current] = "\n".join(lines).strip() + "\n"
            current, lines = line[4:].strip(), []
        elif current is not None:
            lines.append(line)
        elif line.strip():
            key, sep, value = line.partition(":")
            if not sep:
                raise DemoFormatError(f"{name}, line {number}: expected 'key: value'")
            doc.headers[key.strip()] = value.strip()
    if current is not None:
        doc.fields[current] = "\n".join(lines).strip() + "\n"
    return doc


def _read(relative: str) -> DemoDocument:
    path = DEMO_DIR / relative
    return parse_document(path.read_text(encoding="utf-8"), name=relative)


def _yes(value: str) -> bool:
    return value.strip().lower() in {"yes", "true", "1"}


def practice_demo_load() -> tuple[int, Clinician]:
    """Create whatever of the demo practice's site is missing; never change what already exists.

    Returns how many rows were made and the demo clinician, whom the other apps' demo data
    (hours, the demo therapist, the office) belongs to; ``confide.demo`` loads those.
    """
    count = 0

    def made(created: bool) -> None:
        nonlocal count
        count += int(created)

    with transaction.atomic():
        doc = _read("practice.md")
        h = doc.headers
        _, created = Practice.objects.get_or_create(
            pk=1,
            defaults={
                "name": h["name"],
                "tagline": h.get("tagline", ""),
                "phone": h["phone"],
                "email": h["email"],
                "address": h.get("address", ""),
                "online_only": not h.get("address"),
                "telehealth": _yes(h.get("telehealth", "yes")),
                "telehealth_note": "Secure video for anyone in New York State.",
                "time_zone": h.get("time_zone", "America/New_York"),
                "cancellation_policy": doc.fields.get("cancellation_policy", ""),
            },
        )
        made(created)

        modalities = []
        for path in sorted((DEMO_DIR / "modalities").glob("*.md")):
            doc = _read(f"modalities/{path.name}")
            modality, created = Modality.objects.get_or_create(
                slug=doc.headers.get("slug", path.stem),
                defaults={
                    "name": doc.headers["name"],
                    "summary": doc.headers["summary"],
                    "order": int(doc.headers.get("order", 0)),
                    "what_it_is": doc.fields["what_it_is"],
                    "session_like": doc.fields["session_like"],
                    "who_it_helps": doc.fields["who_it_helps"],
                },
            )
            modalities.append(modality)
            made(created)

        doc = _read("clinician.md")
        h = doc.headers
        sees = {s.strip() for s in h.get("sees", "individuals").split(",")}
        clinician, created = Clinician.objects.get_or_create(
            slug=h["slug"],
            defaults={
                "name": h["name"],
                "credentials": h["credentials"],
                "pronouns": h.get("pronouns", ""),
                "license_number": h["license_number"],
                "license_state": h.get("license_state", "NY"),
                "bio": doc.fields["bio"],
                "sees_individuals": "individuals" in sees,
                "sees_couples": "couples" in sees,
                "accepting_new_clients": _yes(h.get("accepting", "yes")),
                "notify_email": h.get("notify_email", ""),
            },
        )
        if created:
            clinician.modalities.set(modalities)
        made(created)

        for path in sorted((DEMO_DIR / "pages").glob("*.md")):
            doc = _read(f"pages/{path.name}")
            kind = path.stem
            _, created = Page.objects.get_or_create(
                kind=kind,
                defaults={
                    "title": doc.headers.get("title", Practice.load().tagline or "Welcome"),
                    "summary": doc.headers.get("summary", ""),
                    "body": doc.fields.get("body") or doc.fields.get("intro", ""),
                },
            )
            made(created)

        if not FaqItem.objects.exists():
            for order, path in enumerate(sorted((DEMO_DIR / "faq").glob("*.md")), start=1):
                doc = _read(f"faq/{path.name}")
                FaqItem.objects.create(
                    question=doc.headers["question"], answer=doc.fields["answer"], order=order
                )
                made(True)

        zone = ZoneInfo(Practice.load().time_zone)
        for path in sorted((DEMO_DIR / "articles").glob("*.md")):
            doc = _read(f"articles/{path.name}")
            h = doc.headers
            day = dt.date.fromisoformat(h["published"])
            article, created = Article.objects.get_or_create(
                slug=h.get("slug", path.stem),
                defaults={
                    "title": h["title"],
                    "summary": h["summary"],
                    "body": doc.fields["body"],
                    "status": Article.Status.PUBLISHED,
                    # Nine in the morning, practice time, on the day the file gives.
                    "published_at": dt.datetime.combine(day, dt.time(9), tzinfo=zone),
                    "author": clinician,
                },
            )
            if created:
                names = [t.strip() for t in h.get("tags", "").split(",") if t.strip()]
                tags = [
                    Tag.objects.get_or_create(slug=slugify(n), defaults={"name": n})[0]
                    for n in names
                ]
                article.tags.set(tags)
            made(created)

    return count, clinician
