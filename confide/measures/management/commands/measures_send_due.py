"""Send the measures whose schedules are due; the worker runs the same on its own."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from confide.measures.services import schedules_run


class Command(BaseCommand):
    help = "Send every scheduled measure that is due now."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = schedules_run(now=timezone.now())
        self.stdout.write(f"{sent} schedule{'s' if sent != 1 else ''} sent.")
