"""Background jobs that send portal invitations and sign-in codes; the worker runs them.

They take row ids only (a task row keeps its arguments in clear). Each claims its row for its
own task id before sending and marks it sent after, so a duplicate task sends nothing and the
same task run again after a worker stopped sends once more (as appointment messages do,
decision 17). A code's sealed copy is emptied once it is sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.mail import mailers
from django.db import transaction
from django.tasks import TaskContext, task
from django.urls import reverse
from django.utils import timezone

from confide.billing.selectors import billing_used
from confide.clients.models import Person
from confide.emails import render_email, render_text, site_url
from confide.notifications.emails import message_id
from confide.notifications.outbox import OutboxBackend
from confide.notifications.texts import text_provider
from confide.portal.models import Channel, Invitation, PortalAccount, SignInCode
from confide.portal.services import (
    CODE_MINUTES,
    invitation_channel,
    portal_send_time,
    sign_in_secret,
)

TEMPLATES = "portal/messages"
logger = logging.getLogger(__name__)
# An invitation woken a little early by the queue goes anyway rather than sleep a few seconds.
SLACK = dt.timedelta(minutes=1)


def first_name(name: str) -> str:
    return name.split()[0] if name.strip() else ""


def _claim(model: type[Invitation] | type[SignInCode], pk: int, task_id: str) -> bool:
    """Return True when this task may send the row: it claimed it now or claimed it before."""
    claimed = model.objects.filter(pk=pk, sent_at__isnull=True, claimed_by_task="").update(
        claimed_by_task=task_id
    )
    if claimed:
        return True
    return model.objects.filter(pk=pk, sent_at__isnull=True, claimed_by_task=task_id).exists()


def _deliver(
    *,
    account: PortalAccount,
    channel: str,
    name: str,
    context: dict[str, Any],
    key: str,
    mark: Callable[[], object],
) -> bool:
    """Send one email or text to the person's chosen contact, then ``mark`` it sent.

    Returns False, and sends nothing, when the person no longer allows ``channel`` (no address
    any more, or texts no longer allowed): their wishes as they are now hold, not as they were
    when the message was queued. When "sending" is a write to the outbox, the message and the
    mark commit together.
    """
    reach = account.person.reach(with_safe_times=False)
    if channel not in reach.channels():
        logger.info("Portal %s not sent: %s is no longer allowed (key %s)", name, channel, key)
        return False
    if channel == Channel.EMAIL:
        message = render_email(
            name, context, to=reach.email, message_id=message_id(key), folder=f"{TEMPLATES}/email"
        )
        mailer = mailers.default
        in_database = isinstance(mailer, OutboxBackend)
        with transaction.atomic() if in_database else contextlib.nullcontext():
            mailer.send_messages([message])
            mark()
    else:
        body = " ".join(render_text(f"{TEMPLATES}/text/{name}.txt", context).split())
        provider = text_provider()
        with transaction.atomic() if provider.in_database else contextlib.nullcontext():
            provider.send(to=reach.phone, body=body, reference=key)
            mark()
    return True


def send_channel(person: Person, *, name: str, row: str) -> Channel | None:
    """Return how a message the office started may reach the person now, or None if no way.

    The channel chosen when it was queued may be gone since (texts no longer allowed, an email
    address removed); the person's wishes now decide, as for message notices. ``name`` and
    ``row`` only label the log line, which names no one.
    """
    channel = invitation_channel(person)
    if channel is None:
        logger.info("Portal %s %s not sent: no allowed way to reach the person is left", name, row)
    return channel


@task(takes_context=True)
def send_invitation(context: TaskContext[[int], str], invitation_id: int) -> str:
    """Send one invitation to sign in; return what happened, in words that name no one."""
    task_id = str(context.task_result.id)
    invitation = (
        Invitation.objects.select_related("account__person").filter(pk=invitation_id).first()
    )
    if invitation is None:
        return "invitation gone"
    if not invitation.account.active:
        # Closed by the office after it was queued: an invitation to a closed door misleads.
        return "access closed"
    if not _claim(Invitation, invitation.pk, task_id):
        return "already sent"
    person = invitation.account.person
    channel = send_channel(person, name="invitation", row=str(invitation.pk))
    if channel is None:
        return "no way to reach them"
    if channel != invitation.channel:
        Invitation.objects.filter(pk=invitation.pk).update(channel=channel)
    due = portal_send_time(person=person, channel=channel, now=timezone.now())
    if due > timezone.now() + SLACK:
        # Not a safe time for the person (their wishes may have changed since it was queued):
        # a new task for the next one; this one leaves the invitation unclaimed for it.
        send_invitation.using(run_after=due).enqueue(invitation.pk)
        return "waits"
    sent = _deliver(
        account=invitation.account,
        channel=channel,
        name="invitation",
        context={
            "name": first_name(person.name),
            "sign_in_url": site_url(reverse("portal:sign_in")),
            "payments": billing_used(),
        },
        key=f"portal-invitation-{task_id}",
        mark=lambda: Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now()),
    )
    return "sent" if sent else "no way to reach them"


@task(takes_context=True)
def send_sign_in_code(context: TaskContext[[int], str], code_id: int) -> str:
    """Send one sign-in code and its link, then forget them (only their hashes stay)."""
    task_id = str(context.task_result.id)
    code = SignInCode.objects.select_related("account__person").filter(pk=code_id).first()
    if code is None:
        return "code gone"
    secret = sign_in_secret(code)
    if secret is None:
        return "already used or sent"
    if not _claim(SignInCode, code.pk, task_id):
        return "already sent"
    digits, token = secret
    person = code.account.person
    # A code goes where it was asked for, or not at all.
    sent = _deliver(
        account=code.account,
        channel=code.channel,
        name="code",
        context={
            "code": f"{digits[:3]} {digits[3:]}",
            "link": site_url(reverse("portal:sign_in_link", args=[token])),
            "minutes": CODE_MINUTES,
            "name": first_name(person.name) if code.shared_address else "",
        },
        key=f"portal-code-{task_id}",
        mark=lambda: SignInCode.objects.filter(pk=code.pk).update(
            sent_at=timezone.now(), secret_sealed=""
        ),
    )
    if not sent:
        SignInCode.objects.filter(pk=code.pk).update(secret_sealed="")
        return "no way to reach them"
    return "sent"
