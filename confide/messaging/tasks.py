"""The background job that sends a notice that a message is waiting; it takes the row id only."""

from __future__ import annotations

from django.tasks import TaskContext, task
from django.utils import timezone

from confide.messaging.notices import notice_deliver


@task(takes_context=True)
def send_notice(context: TaskContext[[int], str], notice_id: int) -> str:
    """Send one notice if still wanted; return what happened, in words that name no one."""
    return notice_deliver(
        notice_id=notice_id, task_id=str(context.task_result.id), now=timezone.now()
    )
