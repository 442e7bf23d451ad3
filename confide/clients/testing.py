"""Helpers for tests that sign notes (plain functions, no tests here)."""

from __future__ import annotations

import datetime as dt

from confide.clients.models import ClinicalNote

# What signing a progress note asks for, as a 20-minute phone call that was not a session.
SIGNABLE_FIELDS = {
    "appointment": "",
    "service": ClinicalNote.Service.PHONE_CALL.value,
    "service_date": "2026-11-02",
    "minutes": "20",
    "risk": ClinicalNote.Risk.NONE_NOTED.value,
}


def sign_ready(note: ClinicalNote) -> ClinicalNote:
    """Give a note the details signing asks for, as the clinician would fill them in."""
    if note.kind == ClinicalNote.Kind.PROGRESS:
        ClinicalNote.objects.filter(pk=note.pk).update(
            service=ClinicalNote.Service.PHONE_CALL,
            service_date=dt.date(2026, 11, 2),
            minutes=20,
            risk=ClinicalNote.Risk.NONE_NOTED,
        )
        note.refresh_from_db()
    return note
