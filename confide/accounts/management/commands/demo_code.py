"""Print the demo therapist's current second-factor code, as an authenticator app would show."""

from __future__ import annotations

import argparse
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from confide.accounts.allauth_internals import format_hotp_value, hotp_value
from confide.practice.demo import DEMO_USERNAME


def current_code(secret: str, *, now: float | None = None) -> tuple[str, int]:
    """Return the TOTP code for ``now`` and how many seconds it stays current."""
    period = int(getattr(settings, "MFA_TOTP_PERIOD", 30))
    moment = time.time() if now is None else now
    counter = int(moment // period)
    return format_hotp_value(hotp_value(secret, counter)), period - int(moment % period)


class Command(BaseCommand):
    help = "Print the current sign-in code of the demo therapist's authenticator app."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--username", default=DEMO_USERNAME)
        parser.add_argument(
            "--allow-production", action="store_true", help="Print a code in production too."
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError("Refusing to print sign-in codes in production.")
        authenticator = Authenticator.objects.filter(
            user__username=options["username"], type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(
                f"{options['username']} has no authenticator app; run `manage.py load_demo` first."
            )
        code, seconds = current_code(decrypt(authenticator.data["secret"]))
        self.stdout.write(code)
        # The code alone on standard output, for scripts; the hint after it, for people.
        self.stdout.flush()
        self.stderr.write(
            f"Valid for about {seconds} more seconds, and only once: for a second sign-in, "
            "wait for the next code."
        )
