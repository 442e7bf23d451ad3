"""The therapist reads the demo outbox in the office; nobody edits it, strangers never see it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from confide.notifications.models import OutboxMessage


@pytest.fixture
def kept(db: None) -> OutboxMessage:
    return OutboxMessage.objects.create(
        from_email="Appointments <appointments@localhost>",
        to="zq@example.org",
        subject="Your appointment on Tue, Mar 16, 10:00 AM",
        text="Your appointment is booked for Tue, Mar 16, 10:00 AM EDT.\n\nA & B <c>",
        html="<p>Your appointment is booked.</p>",
        attachments=[
            {"filename": "appointment.ics", "mimetype": "text/calendar", "content": "BEGIN:X"}
        ],
    )


def test_the_owner_reads_the_list_and_a_message(
    client: Client, owner: User, kept: OutboxMessage
) -> None:
    client.force_login(owner)

    listing = client.get(reverse("admin:notifications_outboxmessage_changelist"))
    detail = client.get(reverse("admin:notifications_outboxmessage_change", args=[kept.pk]))

    assert listing.status_code == 200
    assert kept.subject in listing.content.decode()
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "A &amp; B &lt;c&gt;" in page
    assert "&lt;p&gt;Your appointment is booked.&lt;/p&gt;" in page
    assert "appointment.ics (text/calendar)" in page
    assert 'name="_save"' not in page


@pytest.mark.parametrize(
    ("name", "of_message"),
    [
        ("admin:notifications_outboxmessage_add", False),
        ("admin:notifications_outboxmessage_delete", True),
    ],
)
def test_nobody_adds_or_deletes_outbox_messages(
    client: Client, owner: User, kept: OutboxMessage, name: str, of_message: bool
) -> None:
    client.force_login(owner)

    response = client.get(reverse(name, args=[kept.pk] if of_message else []))

    assert response.status_code == 403


def test_nobody_changes_an_outbox_message(client: Client, owner: User, kept: OutboxMessage) -> None:
    client.force_login(owner)
    url = reverse("admin:notifications_outboxmessage_change", args=[kept.pk])

    response = client.post(url, {"subject": "Changed"})

    assert response.status_code == 403
    kept.refresh_from_db()
    assert kept.subject == "Your appointment on Tue, Mar 16, 10:00 AM"


def test_a_stranger_is_sent_to_sign_in(client: Client, stranger: User, kept: OutboxMessage) -> None:
    client.force_login(stranger)

    response = client.get(reverse("admin:notifications_outboxmessage_change", args=[kept.pk]))

    assert response.status_code == 302
    assert "/office/admin/login/" in response["Location"]


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, kept: OutboxMessage) -> None:
    response = client.get(reverse("admin:notifications_outboxmessage_changelist"))

    assert response.status_code == 302
    assert "/office/admin/login/" in response["Location"]
