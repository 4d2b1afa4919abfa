"""Entries written before the hash chain existed get their place in it, in the order they
were written (id order). The append-only trigger is lifted for this step alone."""

from django.db import migrations


def backfill(apps, schema_editor):
    from accesslog import chain

    AccessEvent = apps.get_model("audits", "AccessEvent")
    connection = schema_editor.connection
    pending = AccessEvent.objects.filter(sequence__isnull=True)
    if not pending.exists():
        return
    is_pg = connection.vendor == "postgresql"
    if is_pg:
        schema_editor.execute("ALTER TABLE audits_accessevent DISABLE TRIGGER audits_accessevent_no_update_delete")
    seq, prev = 0, chain.GENESIS
    for event in AccessEvent.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        event.sequence, event.previous_hash = seq, prev
        event.entry_hash = chain.entry_hash(event)
        # QuerySet.update on the historical model: the append-only manager is not used here.
        AccessEvent._base_manager.filter(pk=event.pk).update(
            sequence=seq, previous_hash=prev, entry_hash=event.entry_hash,
            client_address=chain.normalise_address(event.client_address),
        )
        prev = event.entry_hash
    if is_pg:
        schema_editor.execute("ALTER TABLE audits_accessevent ENABLE TRIGGER audits_accessevent_no_update_delete")


class Migration(migrations.Migration):
    dependencies = [("audits", "0003_hash_chain_audits_reports")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
