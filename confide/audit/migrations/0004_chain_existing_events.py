"""Chain the events recorded before the log was hash-chained, in the order they were recorded."""

from django.db import migrations

from confide.audit.chain import GENESIS, EventFields, chain_key, link
from confide.keys.ring import data_keys_verify

BATCH = 1000


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    sequence, previous = 0, GENESIS
    if AuditEvent.objects.exists():
        # The keys are verified first, as for every use: no event is hashed with a wrong key.
        sequence, previous = _chain(AuditEvent, data_keys_verify(registry=apps))
    AuditChainHead.objects.update_or_create(pk=1, defaults={"sequence": sequence, "hash": previous})


def _chain(AuditEvent, keyring):
    """Link every event in the order recorded; return the last one's sequence and hash."""
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
    return sequence, previous


def unchain(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_fields"), ("keys", "0001_initial")]
    operations = [migrations.RunPython(chain_existing, unchain, elidable=False)]
