"""Restore the newest backup into a scratch database and prove it matches what was backed up."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from confide.operations.services import drill_run


class Command(BaseCommand):
    help = (
        "Decrypt the newest backup with an age identity, restore it into a scratch database, "
        "migrate it, and compare row counts and sealed values; exit non-zero on any mismatch."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--identity",
            required=True,
            help="The age identity file (kept off the server), or - to read it from stdin.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["identity"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text()
        except OSError as error:
            raise CommandError(f"cannot read the identity file: {error.strerror}") from None
        report = drill_run(identity_text=text)
        for note in report.notes:
            self.stdout.write(note)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"Restore drill of {report.archive or 'the newest backup'} failed.")
        self.stdout.write(f"Restore drill of {report.archive}: everything matches.")
