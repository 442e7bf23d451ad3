"""Compare this (scratch) database with a backup's manifest; run by restore_drill, not by hand."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from confide.operations.checks import restored_copy_check


class Command(BaseCommand):
    help = "Used by restore_drill: print, as JSON, how a restored database matches its manifest."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("manifest")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = json.loads(Path(options["manifest"]).read_text())
        self.stdout.write(json.dumps(restored_copy_check(manifest)))
