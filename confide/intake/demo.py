"""Load the fictional demo texts of the intake documents shipped in confide/intake/demo/."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from confide.intake.models import DocumentVersion, IntakeDocument
from confide.intake.services import version_save
from confide.practice.demo import parse_document

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def intake_demo_load() -> int:
    """Write the first version of each document that has none yet; return how many were made."""
    made = 0
    with transaction.atomic():
        for kind in IntakeDocument.Kind.values:
            path = DEMO_DIR / f"{kind}.md"
            if not path.exists() or DocumentVersion.objects.filter(document__kind=kind).exists():
                continue
            doc = parse_document(path.read_text(), name=path.name)
            version_save(kind=kind, title=doc.headers["title"], body=doc.fields["body"], actor=None)
            if kind in IntakeDocument.RELEASES:
                # Releases are sent one at a time with their particulars, never in the packet.
                IntakeDocument.objects.filter(kind=kind).update(in_default_packet=False)
            made += 1
    return made
