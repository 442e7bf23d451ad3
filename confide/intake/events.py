"""What intake tells listeners: paperwork was sent to people (the notification is theirs)."""

from django.dispatch import Signal

# Sent inside packet_send's transaction with ``people``: those who were sent something new;
# ``announce`` is False when they hear of it otherwise (an invitation that carries the packet).
paperwork_sent = Signal()
