"""The Confide worker gives back its lease however early it is stopped."""

from __future__ import annotations

from typing import Any

import pytest

from confide.notifications import worker as worker_module
from confide.notifications.leases import worker_lease_take
from confide.notifications.models import WorkerLease
from confide.notifications.worker import ConfideWorker

pytestmark = pytest.mark.django_db


def _worker() -> ConfideWorker:
    return ConfideWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="early",
        excluded_queue_names=[],
        lease_seconds=60,
    )


def test_a_stop_signal_arriving_just_after_the_lease_is_taken_still_releases_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def take_then_stop(**kwargs: Any) -> None:
        worker_lease_take(**kwargs)
        assert WorkerLease.objects.filter(worker_id="early").exists()
        # What the SIGTERM handler does to an idle worker, at the earliest moment it can.
        raise SystemExit(0)

    monkeypatch.setattr(worker_module, "worker_lease_take", take_then_stop)

    with pytest.raises(SystemExit):
        _worker().run()

    assert not WorkerLease.objects.exists()
