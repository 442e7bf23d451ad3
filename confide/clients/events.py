"""What happens to clinical records, announced to whoever keeps track of them (scheduling)."""

from __future__ import annotations

from django.dispatch import Signal

note_signed = Signal()
"""Sent when a note is signed, inside the signing's transaction, with ``note`` (the note as
signed). Receivers write in that transaction: an exception undoes the signature."""
