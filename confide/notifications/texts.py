"""Text messages behind one interface: the outbox (the default) or Twilio's Messages API.

Pick one with the ``TEXT_MESSAGES_URL`` setting:

- ``outbox:`` keeps each text in the office's outbox instead of sending it;
- ``twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B12125550100`` sends through Twilio
  (``twilio+http://`` speaks plain HTTP, for a stand-in server in tests).
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from confide.notifications.models import OutboxMessage
from confide.practice.models import phone_href


class DeliveryError(Exception):
    """A message that did not go out; ``permanent`` ones are not tried again."""

    permanent = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TemporaryDeliveryError(DeliveryError):
    pass


class PermanentDeliveryError(DeliveryError):
    permanent = True


class TextProvider(Protocol):
    # True when "sending" is a write to Confide's own database: the send and the record of it
    # then commit together, and a crash can neither lose nor repeat the message.
    in_database: bool

    def send(self, *, to: str, body: str, reference: str) -> str:
        """Send one text; return the provider's id for it. Raise DeliveryError when it fails."""
        ...


def e164(number: str) -> str:
    """Return a phone number as +<digits>, reading ten digits as a US number."""
    return phone_href(number).removeprefix("tel:")


class OutboxTextProvider:
    """Keep each text in the outbox, for the demo and for installs without a provider."""

    in_database = True

    def send(self, *, to: str, body: str, reference: str) -> str:
        kept = OutboxMessage.objects.create(
            kind=OutboxMessage.Kind.TEXT, from_email="", to=e164(to), subject="", text=body
        )
        return f"outbox-{kept.pk}"


@dataclass(frozen=True)
class TwilioTextProvider:
    """Send through Twilio's Messages API: a form POST with HTTP basic authentication."""

    base_url: str
    account_sid: str
    auth_token: str
    sender: str
    timeout: float = 20.0
    in_database = False

    def send(self, *, to: str, body: str, reference: str) -> str:
        sid = urllib.parse.quote(self.account_sid, safe="")
        url = f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        form = {"To": e164(to), "Body": body}
        # A Messaging Service id starts with MG; anything else is a sending number.
        form["MessagingServiceSid" if self.sender.startswith("MG") else "From"] = self.sender
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked when parsed
            url,
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise _twilio_error(error) from None
        except (OSError, ValueError) as error:
            # Refused, reset, timed out, or an answer that is not JSON: worth another try.
            raise TemporaryDeliveryError(
                f"Text provider unreachable: {type(error).__name__}"
            ) from None
        return str(answer.get("sid", ""))


def _twilio_error(error: urllib.error.HTTPError) -> DeliveryError:
    try:
        detail = json.loads(error.read() or b"{}")
    except ValueError:
        detail = {}
    code = detail.get("code", "")
    words = str(detail.get("message", error.reason))[:120]
    text = f"HTTP {error.code}" + (f", code {code}" if code else "") + f": {words}"
    # Too many requests and the provider's own failures pass; a refusal of this message doesn't.
    if error.code == 429 or error.code >= 500:
        retry_after = error.headers.get("Retry-After", "")
        seconds = float(retry_after) if re.fullmatch(r"\d+(\.\d+)?", retry_after) else None
        return TemporaryDeliveryError(text, retry_after=seconds)
    return PermanentDeliveryError(text)


class TextSettingsError(ValueError):
    pass


def text_provider_from_url(url: str) -> TextProvider:
    """Return the provider a TEXT_MESSAGES_URL describes; raise TextSettingsError if malformed."""
    if url == "outbox:":
        return OutboxTextProvider()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"twilio", "twilio+http"} or not parts.hostname:
        raise TextSettingsError(
            "TEXT_MESSAGES_URL must be outbox: or "
            "twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B12125550100"
        )
    sender = urllib.parse.parse_qs(parts.query).get("from", [""])[0]
    if not (parts.username and parts.password and sender):
        raise TextSettingsError(
            "TEXT_MESSAGES_URL for Twilio needs the account id, the auth token and ?from= "
            "(a number such as %2B12125550100 or a Messaging Service id MG...)"
        )
    scheme = "http" if parts.scheme == "twilio+http" else "https"
    port = f":{parts.port}" if parts.port else ""
    return TwilioTextProvider(
        base_url=f"{scheme}://{parts.hostname}{port}",
        account_sid=urllib.parse.unquote(parts.username),
        auth_token=urllib.parse.unquote(parts.password),
        sender=sender,
    )


def text_provider() -> TextProvider:
    """Return the provider the settings choose."""
    return text_provider_from_url(getattr(settings, "TEXT_MESSAGES_URL", "outbox:"))
