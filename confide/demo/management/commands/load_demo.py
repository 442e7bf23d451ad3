"""Load the fictional demo practice and office, and print the demo therapist's sign-in."""

from __future__ import annotations

import argparse
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from confide.accounts.allauth_internals import generate_totp_secret
from confide.demo.loading import demo_load, office_demo_load
from confide.lib.files import private_dir, private_write
from confide.practice.demo import DEMO_USERNAME


class Command(BaseCommand):
    help = "Add the fictional demo practice; what already exists is left as it is."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--allow-production", action="store_true", help="Load demo data in production too."
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError("Refusing to load demo data in production (see --allow-production).")
        credentials = settings.VAR_DIR / "demo-login.txt"
        # The fixed demo secret is public; a production server gets a secret of its own.
        result = demo_load(totp_secret=generate_totp_secret() if settings.PRODUCTION else None)
        # A few fictional requests, clients and sessions, so the office has something to show;
        # only on `make run`, never in the test fixtures, which start from an empty office.
        result.created += office_demo_load()
        if result.password or result.totp_secret:
            lines = credentials.read_text().split() if credentials.exists() else []
            username = DEMO_USERNAME
            password = result.password or (lines[1] if len(lines) > 1 else "(unchanged)")
            secret = result.totp_secret or (lines[2] if len(lines) > 2 else "")
            private_dir(credentials.parent)
            private_write(credentials, f"{username}\n{password}\n{secret}\n")
        self.stdout.write(f"Demo practice: {result.created} records added.")
        if credentials.exists():
            username, password, secret = [*credentials.read_text().split(), "", "", ""][:3]
            port = os.environ.get("PORT", "8000")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Office sign-in: http://127.0.0.1:{port}/office/  "
                    f"user: {username}  "
                    f"password: {password}"
                )
            )
            self.stdout.write(
                "Second factor: run `.venv/bin/python manage.py demo_code` for the current code"
                + (f", or add this secret to an authenticator app: {secret}" if secret else "")
            )
