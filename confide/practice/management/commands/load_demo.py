from __future__ import annotations

import argparse
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from confide.practice.demo import DEMO_USERNAME, demo_load


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
        result = demo_load()
        if result.password:
            credentials.parent.mkdir(parents=True, exist_ok=True)
            credentials.write_text(f"{DEMO_USERNAME}\n{result.password}\n")
            credentials.chmod(0o600)
        self.stdout.write(f"Demo practice: {result.created} records added.")
        if credentials.exists():
            username, password = credentials.read_text().split()[:2]
            self.stdout.write(
                self.style.SUCCESS(
                    f"Office sign-in: http://127.0.0.1:{os.environ.get('PORT', '8000')}/office/  "
                    f"user: {username}  "
                    f"password: {password}"
                )
            )
