"""One access helper per kind of client record: the record in the user's scope, or a 404."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from confide.accounts.access import clinical_access
from confide.accounts.sessions import AnyUser
from confide.clients.models import Client, ClinicalNote, Document


def client_for(user: AnyUser, uid: uuid.UUID) -> Client:
    """Return the client, or raise Http404 when it is outside the user's scope."""
    # Another clinician's client is "not found", not "forbidden": its existence is private too.
    clients = Client.objects.visible_to(user).select_related("clinician")
    return get_object_or_404(clients, uid=uid)


def note_for(user: AnyUser, uid: uuid.UUID) -> ClinicalNote:
    """Return the note, or raise Http404 when the user may not read it.

    A role without clinical access (the practice manager) is refused outright: it is told it
    may not, since no note is theirs to find.
    """
    if not clinical_access(user):
        raise PermissionDenied("Clinical notes are for clinicians only.")
    notes = ClinicalNote.objects.visible_to(user).select_related("client", "client__clinician")
    return get_object_or_404(notes, uid=uid)


def document_for(user: AnyUser, uid: uuid.UUID) -> Document:
    """Return the document, or raise Http404 when it is outside the user's scope.

    Like notes, documents are clinical: a role without clinical access is refused outright.
    """
    if not clinical_access(user):
        raise PermissionDenied("Documents are for clinicians only.")
    documents = Document.objects.visible_to(user).select_related("client")
    return get_object_or_404(documents, uid=uid)
