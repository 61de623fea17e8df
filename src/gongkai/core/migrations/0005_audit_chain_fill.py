# The audit hash chain, step 2: number and hash the existing entries in the order they were written.
#
# The hash is the one of gongkai.core.audit.canonical(), copied here so that this migration keeps
# computing what it computed when it ran even if the module changes later.

import hashlib
import json
from datetime import UTC

from django.db import migrations

GENESIS = "0" * 64


def _hash(event, seq, prev_hash):
    payload = {
        "seq": seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "agency": event.agency_id,
        "reason": event.reason,
        "data": event.data,
        "prev_hash": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fill(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChain = apps.get_model("core", "AuditChain")
    prev, seq, batch = GENESIS, 0, []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=1000):
        seq += 1
        # What the database gives back for data (keys as strings, tuples as lists) is what is hashed.
        event.data = json.loads(json.dumps(event.data))
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = _hash(event, seq, event.prev_hash)
        batch.append(event)
        if len(batch) >= 500:
            AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash", "data"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash", "data"])
    AuditChain.objects.update_or_create(pk=1, defaults={"last_seq": seq, "last_hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_chain'),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
