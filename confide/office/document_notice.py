"""Telling the person who pays that a document the office issued is waiting in their portal.

The word goes as a secure message from the staff member who issued it, so that it reaches the
person the way every message does: "You have a new message", by a channel they allowed, never
in quiet hours nor outside their safe days and hours. The message names the document and where
to find it, never an amount. Nobody is told who has no open portal account; their documents go
the way the practice hands them over.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.http import HttpRequest

from confide.billing.models import Estimate, Statement
from confide.billing.selectors import payer_of
from confide.clients.models import Person
from confide.messaging.services import MessageError, message_send_by_staff
from confide.portal.models import PortalAccount


def _words(document: Statement | Estimate) -> str:
    if isinstance(document, Estimate):
        what = f"Good Faith Estimate {document.number}"
    elif document.kind == Statement.Kind.SUPERBILL:
        month = f"{document.period_start:%B %Y}"
        what = f"superbill for {month} ({document.number}), to claim from your insurer,"
    else:
        what = f"{document.get_kind_display().lower()} {document.number}"
    return (
        f"A new document is ready for you: your {what} is on the Payments page of your portal,"
        " to read and download."
    )


def document_ready_tell(
    *, document: Statement | Estimate, request: HttpRequest, now: dt.datetime
) -> Person | None:
    """Tell the client's payer that the document is in their portal; return them, or None.

    The message comes from the signed-in staff member who issued the document.
    """
    user = request.user
    assert isinstance(user, User)
    payer = payer_of(document.client)
    if payer is None or not PortalAccount.objects.filter(person=payer, active=True).exists():
        return None
    try:
        message_send_by_staff(
            person=payer,
            user=user,
            body=_words(document),
            upload=None,
            request=request,
            now=now,
            read_by_office=False,
        )
    except MessageError:
        return None
    return payer
