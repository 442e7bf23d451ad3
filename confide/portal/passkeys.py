"""Passkeys: a person signed in with a code may add one, then sign in with it instead.

WebAuthn through fido2's server. The relying party is this site's own host and is named
neutrally ("Appointments"), since a password manager shows that name to anyone who opens it;
the person is named by their first name only. The ceremony's state (its challenge) waits in the
session between the two requests of each ceremony and is used once. A passkey of a closed
account signs in nowhere, and closing access removes them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from fido2.server import Fido2Server
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestedCredentialData,
    AuthenticationResponse,
    PublicKeyCredentialRpEntity,
    PublicKeyCredentialUserEntity,
    RegistrationResponse,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from confide.portal.models import PortalAccount, PortalPasskey

STATE = "confide.portal.passkey_state"
RP_NAME = "Appointments"
MAX_PASSKEYS = 10


class PasskeyError(Exception):
    """A passkey that could not be added or used; the message says so calmly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _origin(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _server(request: HttpRequest) -> Fido2Server:
    own = _origin(request)
    host = urlsplit(own).hostname or "localhost"
    # Only this site's own origin, scheme and port included, may use its passkeys.
    return Fido2Server(
        PublicKeyCredentialRpEntity(id=host, name=RP_NAME),
        verify_origin=lambda origin: origin == own,
    )


def _user_handle(account: PortalAccount) -> bytes:
    # Stable for the account, and no id of anything: a keyed hash of its row.
    secret = hashlib.sha256(f"confide.portal.passkey:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(secret, str(account.pk).encode(), hashlib.sha256).digest()


def _state_keep(request: HttpRequest, purpose: str, state: dict[str, Any]) -> None:
    request.session[STATE] = {
        "purpose": purpose,
        "challenge": state["challenge"],
        "user_verification": str(getattr(state["user_verification"], "value", "")),
    }


def _state_take(request: HttpRequest, purpose: str) -> dict[str, Any]:
    state = request.session.pop(STATE, None)
    if not state or state.get("purpose") != purpose:
        raise PasskeyError("That took too long or was interrupted. Please try again.")
    return {"challenge": state["challenge"], "user_verification": state["user_verification"]}


def _credentials(account: PortalAccount) -> list[AttestedCredentialData]:
    return [
        AttestedCredentialData(websafe_decode(p.credential_data)) for p in account.passkeys.all()
    ]


def _parse(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise PasskeyError("The passkey's answer could not be read. Please try again.")
    return data


def passkey_register_begin(*, request: HttpRequest, account: PortalAccount) -> dict[str, Any]:
    """Return the options for creating a passkey, keeping the challenge in the session."""
    first_name = account.person.name.split()[0] if account.person.name.strip() else "You"
    options, state = _server(request).register_begin(
        PublicKeyCredentialUserEntity(
            id=_user_handle(account), name=first_name, display_name=first_name
        ),
        _credentials(account),
        resident_key_requirement=ResidentKeyRequirement.REQUIRED,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _state_keep(request, "register", state)
    return dict(options)


def passkey_register_complete(
    *, request: HttpRequest, account: PortalAccount, credential: str
) -> PortalPasskey:
    """Check the new passkey against the kept challenge and store its public key."""
    state = _state_take(request, "register")
    if account.passkeys.count() >= MAX_PASSKEYS:
        raise PasskeyError(f"You have {MAX_PASSKEYS} passkeys already. Remove one first.")
    try:
        response = RegistrationResponse.from_dict(_parse(credential))
        data = _server(request).register_complete(state, response)
    except (ValueError, TypeError, KeyError) as error:
        raise PasskeyError("The passkey could not be added. Please try again.") from error
    attested = data.credential_data
    if attested is None:
        raise PasskeyError("The passkey could not be added. Please try again.")
    credential_id = websafe_encode(attested.credential_id)
    if PortalPasskey.objects.filter(credential_id=credential_id).exists():
        raise PasskeyError("That passkey is added already.")
    return PortalPasskey.objects.create(
        account=account,
        credential_id=credential_id,
        credential_data=websafe_encode(bytes(attested)),
    )


def passkey_sign_in_begin(*, request: HttpRequest) -> dict[str, Any]:
    """Return the options for signing in with any passkey of this site."""
    options, state = _server(request).authenticate_begin(
        [], user_verification=UserVerificationRequirement.PREFERRED
    )
    _state_keep(request, "sign_in", state)
    return dict(options)


def passkey_sign_in_complete(*, request: HttpRequest, response: str) -> PortalAccount:
    """Return the account whose passkey signed the kept challenge; raise PasskeyError if none."""
    state = _state_take(request, "sign_in")
    refused = PasskeyError("That passkey didn't work here. Sign in with a code instead.")
    try:
        answer = AuthenticationResponse.from_dict(_parse(response))
    except (ValueError, TypeError, KeyError) as error:
        raise refused from error
    passkey = (
        PortalPasskey.objects.select_related("account__person__client")
        .filter(
            credential_id=websafe_encode(answer.raw_id),
            account__active=True,
            account__person__client__anonymized_at__isnull=True,
        )
        .first()
    )
    if passkey is None:
        raise refused
    stored = AttestedCredentialData(websafe_decode(passkey.credential_data))
    try:
        _server(request).authenticate_complete(state, [stored], answer)
    except ValueError as error:
        raise refused from error
    now = timezone.now()
    with transaction.atomic():
        PortalPasskey.objects.filter(pk=passkey.pk).update(last_used_at=now)
        PortalAccount.objects.filter(pk=passkey.account_id).update(last_signed_in_at=now)
    return passkey.account


def passkey_remove(*, account: PortalAccount, uid: str) -> bool:
    """Remove one of the account's passkeys; return False when it has no such passkey."""
    removed, _ = account.passkeys.filter(uid=uid).delete() if _is_uuid(uid) else (0, {})
    return removed > 0


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
