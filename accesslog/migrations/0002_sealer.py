"""Issue 23: entries are inserted unsealed and the sealer gives them their place in the
hash chain afterwards (accesslog/chain.py `seal`), so a writer holds no lock across its
own transaction.

On PostgreSQL the access log's row trigger refused every UPDATE (audits migration 0002).
It now lets exactly one UPDATE through per entry: the sealer's, on an entry that has no
sequence yet, setting the sequence, previous hash and entry hash and nothing else. A
sealed entry can never be changed again; DELETE and TRUNCATE are refused as before. The
checkpoints table keeps the old function (refuse everything). `search_document` is a
stored generated column (audits migration 0008): NULL in NEW of a BEFORE trigger, and
derived from the compared columns anyway, so it is left out of the comparison.

Verification runs record whether they walked the whole chain or started at the last
checkpoint (incremental).
"""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION audits_accessevent_refuse_change_but_seal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.sequence IS NULL AND NEW.sequence IS NOT NULL
     AND NEW.entry_hash <> '' AND NEW.previous_hash <> ''
     AND (to_jsonb(NEW) - 'sequence' - 'previous_hash' - 'entry_hash' - 'search_document')
         = (to_jsonb(OLD) - 'sequence' - 'previous_hash' - 'entry_hash' - 'search_document') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audits_accessevent is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

DROP TRIGGER IF EXISTS audits_accessevent_no_update_delete ON audits_accessevent;
CREATE TRIGGER audits_accessevent_no_update_delete
  BEFORE UPDATE OR DELETE ON audits_accessevent
  FOR EACH ROW EXECUTE FUNCTION audits_accessevent_refuse_change_but_seal();
"""

DROP = """
DROP TRIGGER IF EXISTS audits_accessevent_no_update_delete ON audits_accessevent;
CREATE TRIGGER audits_accessevent_no_update_delete
  BEFORE UPDATE OR DELETE ON audits_accessevent
  FOR EACH ROW EXECUTE FUNCTION audits_accessevent_refuse_change();
DROP FUNCTION IF EXISTS audits_accessevent_refuse_change_but_seal();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0001_move_access_log"), ("audits", "0010_workflow_history_shape")]
    operations = [
        migrations.AddField(
            model_name="accesslogverification", name="full",
            field=models.BooleanField(default=True, help_text="Walked the whole chain, not only since the checkpoint."),
        ),
        migrations.AddField(
            model_name="accesslogverification", name="from_sequence",
            field=models.BigIntegerField(blank=True, null=True,
                                         help_text="Incremental: the checkpoint it started at."),
        ),
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(condition=models.Q(("sequence__isnull", True)), fields=["id"], name="access_unsealed"),
        ),
        migrations.RunPython(create, drop),
    ]
