"""Re-seal second-factor secrets with the newest data key, so an older key can be retired."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from confide.accounts.services import mfa_secrets_reseal


class Command(BaseCommand):
    help = (
        "Re-seal authenticator secrets and recovery-code seeds with the newest data key. Everyone "
        "whose recovery codes it re-seals is signed out: the seed is part of the session check."
    )

    def handle(self, *args: object, **options: object) -> None:
        done, stuck = mfa_secrets_reseal()
        self.stdout.write(self.style.SUCCESS(f"{done} authenticators re-sealed"))
        if stuck:
            raise CommandError(
                f"{stuck} authenticators did not open with the configured keys and were left as "
                "they were. Check CONFIDE_DATA_KEYS; or remove those second factors in the admin "
                "and let their owners set them up again."
            )
