"""The job that sends one neutral portal notice; it takes the notice's id only."""

from __future__ import annotations

from django.db.models import Q
from django.tasks import TaskContext, task
from django.urls import reverse
from django.utils import timezone

from confide.emails import site_url
from confide.records.models import PortalNotice
from confide.records.notices import notice_send_at


def _claim(pk: int, task_id: str) -> bool:
    """Return True when this task may send the notice: it claimed it now or before."""
    claimed = PortalNotice.objects.filter(
        Q(claimed_by_task="") | Q(claimed_by_task=task_id),
        pk=pk,
        status=PortalNotice.Status.PENDING,
    ).update(claimed_by_task=task_id)
    return bool(claimed)


@task(takes_context=True)
def send_notice(context: TaskContext[[int], str], notice_id: int) -> str:
    """Send "There is an update in your portal", later when now is not a safe time."""
    from confide.portal.tasks import _deliver, first_name, send_channel

    task_id = str(context.task_result.id)
    notice = (
        PortalNotice.objects.select_related("person__client__clinician", "person__portal_account")
        .filter(pk=notice_id, status=PortalNotice.Status.PENDING)
        .first()
    )
    if notice is None:
        return "already sent or gone"
    account = getattr(notice.person, "portal_account", None)
    if account is None or not account.active:
        PortalNotice.objects.filter(pk=notice.pk).update(
            status=PortalNotice.Status.DROPPED, outcome="portal access closed"
        )
        return "access closed"
    # The person's wishes now decide the channel, and whether the notice goes at all.
    channel = send_channel(notice.person, name="notice", row=str(notice.pk))
    if channel is None:
        PortalNotice.objects.filter(pk=notice.pk).update(
            status=PortalNotice.Status.DROPPED, outcome="no allowed way to reach them"
        )
        return "no way to reach them"
    if channel != notice.channel:
        notice.channel = channel
        PortalNotice.objects.filter(pk=notice.pk).update(channel=channel)
    now = timezone.now()
    when = notice_send_at(notice, now=now)
    if when is None:
        PortalNotice.objects.filter(pk=notice.pk).update(
            status=PortalNotice.Status.DROPPED, outcome="no safe time within a week"
        )
        return "no safe time"
    if when > now:
        # A new task for the safe time; this one leaves the notice unclaimed for it.
        send_notice.using(run_after=when).enqueue(notice.pk)
        return "postponed"
    if not _claim(notice.pk, task_id):
        return "already sent"
    sent = _deliver(
        account=account,
        channel=notice.channel,
        name="notice",
        context={
            "name": first_name(notice.person.name),
            "sign_in_url": site_url(reverse("portal:sign_in")),
        },
        key=f"portal-notice-{task_id}",
        mark=lambda: PortalNotice.objects.filter(pk=notice.pk).update(
            status=PortalNotice.Status.SENT, sent_at=timezone.now()
        ),
    )
    if not sent:
        PortalNotice.objects.filter(pk=notice.pk).update(
            status=PortalNotice.Status.DROPPED, outcome="no allowed way to reach them"
        )
        return "no way to reach them"
    return "sent"
