"""Signing in with a passkey: a software authenticator answers the portal's challenge here."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import struct
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth.models import AnonymousUser
from django.test import Client as Browser
from django.urls import reverse
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import Aaguid, AttestedCredentialData

from confide.portal.access import PERSON
from confide.portal.models import PortalAccount, PortalPasskey
from confide.portal.services import portal_access_close, portal_invite
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in

pytestmark = pytest.mark.usefixtures("demo")

ORIGIN = "http://testserver"
SIGN_IN = reverse("portal:sign_in_passkey")
OPTIONS = reverse("portal:sign_in_passkey_options")


@dataclass
class Authenticator:
    """A passkey held in memory: an ES256 key pair and its credential id."""

    key: ec.EllipticCurvePrivateKey
    credential_id: bytes

    @classmethod
    def make(cls) -> Authenticator:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(32))

    def stored_for(self, account: PortalAccount) -> PortalPasskey:
        """Store this passkey's public key for the account, as adding it would."""
        public_key = ES256.from_cryptography_key(self.key.public_key())  # type: ignore[no-untyped-call]
        data = AttestedCredentialData.create(Aaguid.NONE, self.credential_id, public_key)
        return PortalPasskey.objects.create(
            account=account,
            credential_id=websafe_encode(self.credential_id),
            credential_data=websafe_encode(bytes(data)),
        )

    def answer(self, challenge: str, *, origin: str = ORIGIN, rp_id: str = "testserver") -> str:
        """Return the JSON a browser sends after the device signed ``challenge``."""
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": challenge, "origin": origin}
        ).encode()
        # User present and verified (flags 0x05), a counter of 1.
        auth_data = hashlib.sha256(rp_id.encode()).digest() + b"\x05" + struct.pack(">I", 1)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "authenticatorData": websafe_encode(auth_data),
                    "signature": websafe_encode(signature),
                    "userHandle": None,
                },
                "clientExtensionResults": {},
            }
        )


def _account(name: str = "Avery Example", email: str = "avery@example.org") -> PortalAccount:
    person = person_of(client_make((name, email)))
    portal_invite(person=person, actor=AnonymousUser(), request=None)
    return PortalAccount.objects.get(person=person)


def _challenge(browser: Browser) -> str:
    options = browser.post(OPTIONS).json()
    challenge: str = options["publicKey"]["challenge"]
    return challenge


def _messages(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_a_passkey_signs_its_own_person_in() -> None:
    account = _account()
    device = Authenticator.make()
    device.stored_for(account)
    browser = Browser()

    response = browser.post(SIGN_IN, {"credential": device.answer(_challenge(browser))})

    assert response["Location"] == "/portal/"
    assert browser.session[PERSON] == account.person_id
    assert PortalPasskey.objects.get().last_used_at is not None


def test_the_challenge_works_once() -> None:
    device = Authenticator.make()
    device.stored_for(_account())
    browser = Browser()
    answer = device.answer(_challenge(browser))
    browser.post(SIGN_IN, {"credential": answer})
    browser.post(reverse("portal:sign_out"))

    response = browser.post(SIGN_IN, {"credential": answer}, follow=True)

    assert "That took too long or was interrupted" in _messages(response)
    assert PERSON not in browser.session


def test_an_answer_made_for_another_site_is_refused() -> None:
    device = Authenticator.make()
    device.stored_for(_account())
    browser = Browser()

    response = browser.post(
        SIGN_IN,
        {"credential": device.answer(_challenge(browser), origin="https://elsewhere.example.org")},
        follow=True,
    )

    assert "That passkey didn't work here" in _messages(response)
    assert PERSON not in browser.session


def test_an_answer_signed_by_another_key_is_refused() -> None:
    device = Authenticator.make()
    device.stored_for(_account())
    impostor = Authenticator(ec.generate_private_key(ec.SECP256R1()), device.credential_id)
    browser = Browser()

    browser.post(SIGN_IN, {"credential": impostor.answer(_challenge(browser))})

    assert PERSON not in browser.session


def test_a_passkey_of_a_closed_account_signs_in_nowhere() -> None:
    account = _account()
    device = Authenticator.make()
    device.stored_for(account)
    PortalAccount.objects.filter(pk=account.pk).update(active=False)
    browser = Browser()

    browser.post(SIGN_IN, {"credential": device.answer(_challenge(browser))})

    assert PERSON not in browser.session


def test_closing_access_removes_the_persons_passkeys() -> None:
    account = _account()
    Authenticator.make().stored_for(account)

    portal_access_close(person=account.person, actor=AnonymousUser(), request=None)

    assert not PortalPasskey.objects.exists()


def test_an_unreadable_answer_is_refused_calmly() -> None:
    browser = Browser()
    _challenge(browser)

    response = browser.post(SIGN_IN, {"credential": "{not json"}, follow=True)

    assert "The passkey's answer could not be read" in _messages(response)


def test_the_passkey_page_names_the_site_and_person_neutrally() -> None:
    account = _account()
    page = _messages(portal_signed_in(account.person).get(reverse("portal:passkeys")))

    found = re.search(r'<script id="passkey-options"[^>]*>(.*?)</script>', page, re.S)
    assert found
    options = json.loads(found.group(1))
    assert options["publicKey"]["rp"] == {"name": "Appointments", "id": "testserver"}
    assert options["publicKey"]["user"]["name"] == "Avery"
    assert options["publicKey"]["user"]["displayName"] == "Avery"
    # The user handle is not the account's id.
    assert websafe_decode(options["publicKey"]["user"]["id"]) != str(account.pk).encode()


def test_a_person_removes_only_their_own_passkey() -> None:
    mine = _account()
    theirs = _account("Blair Example", "blair@example.org")
    own = Authenticator.make().stored_for(mine)
    other = Authenticator.make().stored_for(theirs)
    browser = portal_signed_in(mine.person)

    browser.post(reverse("portal:passkey_remove"), {"passkey": str(other.uid)})
    assert PortalPasskey.objects.filter(pk=other.pk).exists()
    browser.post(reverse("portal:passkey_remove"), {"passkey": str(own.uid)})
    assert not PortalPasskey.objects.filter(pk=own.pk).exists()
