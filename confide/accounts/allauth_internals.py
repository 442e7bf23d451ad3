"""The allauth internals Confide uses, in one place so an upgrade that moves them breaks here."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    validate_totp_code,
)

__all__ = [
    "TOTP",
    "RecoveryCodes",
    "format_hotp_value",
    "generate_totp_secret",
    "get_ip",
    "hotp_value",
    "record_authentication",
    "validate_totp_code",
]
