"""A fictional conversation for the demo office: one person asks about a time, and is answered."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from confide.clients.models import Client
from confide.messaging.models import Message, Thread
from confide.practice.demo import DEMO_USERNAME


def messaging_demo_load(*, clients: list[Client], now: dt.datetime) -> int:
    """Add one short thread to the first demo client's first person; return the rows made."""
    person = next((c.people.order_by("order", "pk").first() for c in clients), None)
    if person is None or Thread.objects.filter(person=person).exists():
        return 0
    therapist = User.objects.filter(username=DEMO_USERNAME).first()
    asked = now - dt.timedelta(days=1, hours=3)
    answered = asked + dt.timedelta(hours=5)
    thread = Thread.objects.create(
        person=person, last_message_at=answered, person_read_at=answered, office_read_at=answered
    )
    lines = [
        (Message.Sender.PERSON, None, asked, "Could we start ten minutes later next week? My bus "
         "changed its times."),
        (Message.Sender.PRACTICE, therapist, answered, "Of course. I have moved it by ten "
         "minutes; you will see the new time on your page."),
    ]  # fmt: skip
    for sender, author, when, words in lines:
        message = Message(
            thread=thread,
            sender=sender,
            author=author,
            author_name=person.client.clinician.name if author else "",
            sent_at=when,
        )
        message.body = words
        message.save()
    return 1 + len(lines)
