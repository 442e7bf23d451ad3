"""Inviting a person to the portal, and signing them in with a one-time code or link.

A code is six digits and a link carries 32 random bytes; both are stored only as keyed hashes,
expire after CODE_MINUTES, work once, and stop working after MAX_ATTEMPTS wrong codes. A code
is checked only against the codes the same browser asked for (their handles live in its
session), so a code sent to one person never signs in another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from confide.accounts.ratelimit import Limit, hit_for
from confide.audit.services import audit_record
from confide.clients.models import Person
from confide.keys.ring import keyring
from confide.lib.crypto import open_sealed, seal
from confide.lib.reminder_times import QuietHours, next_allowed
from confide.portal.models import (
    Channel,
    Invitation,
    PortalAccount,
    PortalPasskey,
    SignInCode,
    sign_in_secret_context,
)
from confide.practice.models import Practice

CODE_MINUTES = 15
MAX_ATTEMPTS = 5
# Codes one person may be sent in a quarter of an hour, and one typed address in an hour.
CODES_PER_PERSON = 3
ADDRESS_LIMIT = Limit(scope="portal-address", count=5, seconds=3600)

Actor = AbstractBaseUser | AnonymousUser


class PortalError(Exception):
    """Something the office asked for that cannot be done; the message says why, calmly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _hmac(purpose: str, value: str) -> str:
    secret = hashlib.sha256(f"confide.portal.{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def code_hash(handle: str, code: str) -> str:
    """Return the stored form of a code: keyed, and salted with its own handle."""
    return _hmac("code", f"{handle}:{code}")


def link_hash(token: str) -> str:
    return _hmac("link", token)


def normalize_code(text: str) -> str | None:
    """Return the six digits of a typed or pasted code, or None when it is not six digits.

    Spaces, dashes and dots a person (or a phone's paste) adds are ignored.
    """
    digits = re.sub(r"[\s\-\u2010-\u2015.]", "", text or "")
    return digits if re.fullmatch(r"\d{6}", digits) else None


def _phone_digits(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    # Ten digits are a US number; 1 and ten digits the same number written in full.
    return "1" + digits if len(digits) == 10 else digits


def normalize_address(text: str) -> tuple[str, str] | None:
    """Return ("email", address) or ("text", digits) for what was typed, or None if neither."""
    value = (text or "").strip()
    if "@" in value:
        return ("email", value.lower()) if re.fullmatch(r"[^@\s]+@[^@\s]+", value) else None
    digits = _phone_digits(value)
    return ("text", digits) if 10 <= len(digits) <= 15 else None


def _secret_context(code: SignInCode) -> str:
    return sign_in_secret_context(code)


def invitation_channel(person: Person) -> Channel | None:
    """Return how an invitation reaches the person: email, else a text if they allowed texts."""
    ways = person.reach(with_safe_times=False).channels()
    if "email" in ways:
        return Channel.EMAIL
    if "text" in ways:
        return Channel.TEXT
    return None


def portal_send_time(*, person: Person, channel: str, now: dt.datetime) -> dt.datetime:
    """Return the first moment from ``now`` a message the office started may reach the person.

    The person's safe days and hours hold for every channel, the practice's quiet hours for
    texts, as for reminders and message notices. With no allowed moment within a week (a rare
    set of wishes), look again a day later.
    """
    practice = Practice.load()
    zone = person.time_zone or person.client.clinician.time_zone or practice.time_zone
    quiet = (
        QuietHours(practice.quiet_hours_start, practice.quiet_hours_end)
        if channel == Channel.TEXT
        else None
    )
    safe = person.reach(with_safe_times=False).safe_hours()
    moment = next_allowed(now, quiet=quiet, safe=safe, tz=zoneinfo.ZoneInfo(zone))
    return moment if moment is not None else now + dt.timedelta(days=1)


def invitation_send_time(invitation: Invitation, *, now: dt.datetime) -> str | None:
    """Return when a waiting invitation goes, in the person's own time, or None if at once."""
    person = invitation.account.person
    due = portal_send_time(person=person, channel=invitation.channel, now=now)
    if due <= now + dt.timedelta(minutes=1):
        return None
    practice = Practice.load()
    zone = person.time_zone or person.client.clinician.time_zone or practice.time_zone
    wall = due.astimezone(zoneinfo.ZoneInfo(zone))
    clock = f"{wall.hour % 12 or 12}:{wall.minute:02d} {'PM' if wall.hour >= 12 else 'AM'}"
    return f"{wall:%A, %B} {wall.day} at {clock} their time"


def portal_invite(*, person: Person, actor: Actor, request: HttpRequest | None) -> Invitation:
    """Open (or reopen) the person's portal account and queue an invitation to sign in.

    Raises PortalError when the person gave no address and no number that allows texts.
    """
    from confide.portal.tasks import send_invitation

    channel = invitation_channel(person)
    if channel is None:
        raise PortalError(
            f"{person.name} has no email address or number that allows texts. "
            "Add one first, then invite them."
        )
    if person.client.anonymized_at is not None:
        raise PortalError("This record is anonymized; nobody can be invited from it.")
    with transaction.atomic():
        account, _ = PortalAccount.objects.get_or_create(person=person)
        if not account.active:
            account.active = True
            account.save(update_fields=["active"])
        user = actor if isinstance(actor, User) else None
        invitation = Invitation.objects.create(account=account, invited_by=user, channel=channel)
        audit_record(
            request=request,
            actor=actor,
            action="portal_invite",
            target_type="person",
            target_uid=person.uid,
            client_uid=person.client.uid,
            summary=f"Invited to the portal by {channel.label.lower()}",
        )
        # It waits for the person's safe times (and, for a text, the end of quiet hours).
        due = portal_send_time(person=person, channel=channel, now=timezone.now())
        send_invitation.using(run_after=due).enqueue(invitation.pk)
    return invitation


def portal_access_close(*, person: Person, actor: Actor, request: HttpRequest | None) -> bool:
    """Close the person's portal account: no code signs in, and their session ends at once.

    Returns False when there was no open account. Inviting them again reopens it.
    """
    with transaction.atomic():
        closed = PortalAccount.objects.filter(person=person, active=True).update(active=False)
        if not closed:
            return False
        SignInCode.objects.filter(account__person=person, used_at__isnull=True).update(
            used_at=timezone.now(), secret_sealed=""
        )
        # A lost phone's passkey must not outlive the access it opened.
        PortalPasskey.objects.filter(account__person=person).delete()
        audit_record(
            request=request,
            actor=actor,
            action="portal_close",
            target_type="person",
            target_uid=person.uid,
            client_uid=person.client.uid,
            summary="Closed portal access",
        )
    return True


def _accounts_for(kind: str, value: str) -> list[tuple[PortalAccount, Channel]]:
    """Return the active accounts reachable at the typed address, with the channel to use."""
    accounts = PortalAccount.objects.filter(
        active=True, person__client__anonymized_at__isnull=True
    ).select_related("person")
    found = []
    if kind == "email":
        for account in accounts.filter(person__email__iexact=value):
            if "email" in account.person.reach(with_safe_times=False).channels():
                found.append((account, Channel.EMAIL))
    else:
        # Numbers are written many ways; a practice has few enough accounts to compare each.
        for account in accounts.exclude(person__phone=""):
            reach = account.person.reach(with_safe_times=False)
            if _phone_digits(reach.phone) == value and "text" in reach.channels():
                found.append((account, Channel.TEXT))
    return found


def sign_in_codes_request(*, address: str, now: dt.datetime) -> list[str]:
    """Send a code to each account reachable at ``address`` and return the codes' handles.

    Returns an empty list, and sends nothing, for an address no account has, one asked for too
    often, or one that is not an address at all: the caller answers the same in every case.
    """
    from confide.portal.tasks import send_sign_in_code

    typed = normalize_address(address)
    if typed is None:
        return []
    kind, value = typed
    if not hit_for(ADDRESS_LIMIT, f"{kind}:{value}", now=now.timestamp()):
        return []
    found = _accounts_for(kind, value)
    handles = []
    for account, channel in found:
        recent = SignInCode.objects.filter(
            account=account, created_at__gt=now - dt.timedelta(minutes=CODE_MINUTES)
        ).count()
        if recent >= CODES_PER_PERSON:
            _decoy_code_make(now=now)
            continue
        row = _code_make(account_id=account.pk, channel=channel, shared=len(found) > 1, now=now)
        with transaction.atomic():
            row.save()
            send_sign_in_code.enqueue(row.pk)
        handles.append(row.handle)
    if not found:
        _decoy_code_make(now=now)
    return handles


def _code_make(*, account_id: int, channel: str, shared: bool, now: dt.datetime) -> SignInCode:
    """Return a new code row, not yet saved: its code and link hashed, and sealed for the task."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    token = secrets.token_urlsafe(32)
    row = SignInCode(
        account_id=account_id,
        handle=secrets.token_urlsafe(32),
        link_hash=link_hash(token),
        channel=channel,
        shared_address=shared,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )
    row.code_hash = code_hash(row.handle, code)
    row.secret_sealed = seal(f"{code}:{token}", context=_secret_context(row), keyring=keyring())
    return row


def _decoy_code_make(*, now: dt.datetime) -> None:
    """Do the work of making a code, and undo it: an unknown address takes as long as a known.

    The row names no account, and it and its task (with the database queue) are deleted in
    the transaction that wrote them, before the commit that would check the row's key: the
    commit costs what a real code's does, no worker ever sees the task, and nothing is kept.
    """
    from confide.portal.tasks import send_sign_in_code

    SignInCode.objects.filter(account_id=0, created_at__gt=now).count()
    row = _code_make(account_id=0, channel=Channel.EMAIL, shared=False, now=now)
    in_database = isinstance(send_sign_in_code.get_backend(), DatabaseBackend)
    with transaction.atomic():
        row.save()
        if in_database:
            queued = send_sign_in_code.enqueue(row.pk)
            DBTaskResult.objects.filter(id=queued.id).delete()
        SignInCode.objects.filter(pk=row.pk).delete()


def sign_in_secret(code: SignInCode) -> tuple[str, str] | None:
    """Return the code and link token of a code not yet sent, or None once they are gone."""
    if not code.secret_sealed:
        return None
    opened = open_sealed(code.secret_sealed, context=_secret_context(code), keyring=keyring())
    digits, token = opened.split(":", 1)
    return digits, token


@dataclass(frozen=True)
class CodeCheck:
    """What checking a code found: the account it signs in, or why not.

    ``wrong_typed`` is how many wrong codes this browser has now typed since it asked; the
    caller keeps it for the next check, and ``tries_left`` follows from it alone.
    """

    account: PortalAccount | None = None
    problem: str | None = None
    wrong_typed: int = 0

    @property
    def tries_left(self) -> int | None:
        """Return the wrong codes still allowed after a wrong one, or None for other answers."""
        return MAX_ATTEMPTS - self.wrong_typed if self.problem == "wrong" else None


def sign_in_code_check(
    *, handles: list[str], wrong_typed: int, typed: str, now: dt.datetime
) -> CodeCheck:
    """Check a typed code against the codes this browser asked for; use it when it is right.

    ``wrong_typed`` counts the wrong codes this browser typed since it asked, whether or not
    the address it gave is known: the answers (tries left, then the lock) follow from it
    alone, so they never tell a known address from an unknown one. A code that was sent also
    counts wrong codes in its own row, against every code still waiting for this browser,
    and is locked after MAX_ATTEMPTS even to the right code. Problems: "malformed", "wrong",
    "used", "expired", "locked".
    """
    code = normalize_code(typed)
    if code is None:
        return CodeCheck(problem="malformed", wrong_typed=wrong_typed)
    if wrong_typed >= MAX_ATTEMPTS:
        return CodeCheck(problem="locked", wrong_typed=wrong_typed)
    with transaction.atomic():
        rows = list(SignInCode.objects.select_for_update().filter(handle__in=handles))
        for row in rows:
            if hmac.compare_digest(row.code_hash, code_hash(row.handle, code)):
                return _use(row, now=now)
        waiting = [row for row in rows if row.problem(now=now, max_attempts=MAX_ATTEMPTS) is None]
        SignInCode.objects.filter(pk__in=[row.pk for row in waiting]).update(
            failed_attempts=F("failed_attempts") + 1
        )
    wrong_typed += 1
    if wrong_typed >= MAX_ATTEMPTS:
        return CodeCheck(problem="locked", wrong_typed=wrong_typed)
    return CodeCheck(problem="wrong", wrong_typed=wrong_typed)


def sign_in_link_check(*, token: str, now: dt.datetime) -> CodeCheck:
    """Use the link's code when it is still good; problems "wrong", "used", "expired", "locked"."""
    with transaction.atomic():
        row = SignInCode.objects.select_for_update().filter(link_hash=link_hash(token)).first()
        if row is None:
            return CodeCheck(problem="wrong")
        return _use(row, now=now)


def _use(row: SignInCode, *, now: dt.datetime) -> CodeCheck:
    problem = row.problem(now=now, max_attempts=MAX_ATTEMPTS)
    if problem is not None:
        return CodeCheck(problem=problem)
    account = PortalAccount.objects.select_related("person__client").get(pk=row.account_id)
    if not account.active or account.person.client.anonymized_at is not None:
        return CodeCheck(problem="wrong")
    # Every other code of this person waiting somewhere stops working too.
    SignInCode.objects.filter(account=account, used_at__isnull=True).update(
        used_at=now, secret_sealed=""
    )
    account.last_signed_in_at = now
    account.save(update_fields=["last_signed_in_at"])
    return CodeCheck(account=account)


def portal_sign_in_record(*, account: PortalAccount, request: HttpRequest) -> None:
    """Note the sign-in on the person's record, as staff reads of it are."""
    audit_record(
        request=request,
        actor=None,
        action="portal_sign_in",
        target_type="person",
        target_uid=account.person.uid,
        client_uid=account.person.client.uid,
        summary="Signed in to the portal",
    )
