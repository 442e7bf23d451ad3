"""Chain the events recorded before the log was hash-chained, in the order they were recorded."""

from django.conf import settings
from django.db import migrations

from confide.audit.chain import GENESIS, EventFields, chain_key, link
from confide.lib.crypto import Keyring

BATCH = 1000


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    keyring = Keyring.parse(settings.DATA_KEYS)
    key = chain_key(keyring, keyring.current)
    sequence, previous, batch = 0, GENESIS, []
    for event in AuditEvent.objects.order_by("at", "pk").iterator(chunk_size=BATCH):
        sequence += 1
        event.sequence, event.previous_hash, event.key_id = sequence, previous, keyring.current
        fields = EventFields(
            sequence=sequence,
            at=event.at,
            actor_id=event.actor_id,
            actor_name=event.actor_name,
            action=event.action,
            target_type=event.target_type,
            target_uid=event.target_uid,
            client_uid=event.client_uid,
            summary=event.summary,
            address=event.address,
            key_id=event.key_id,
        )
        event.hash = previous = link(key=key, previous=previous, fields=fields)
        batch.append(event)
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "key_id", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "key_id", "hash"])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"sequence": sequence, "hash": previous})


def unchain(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_fields")]
    operations = [migrations.RunPython(chain_existing, unchain, elidable=False)]
