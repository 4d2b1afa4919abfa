"""Issue 18 (defect 8): the verification checkpoints are append-only like the access log.

A checkpoint (sequence, hash) that could be rewritten would let someone who rewrote the
log's tail rewrite the evidence of what it used to say. The same trigger functions as
the access log's (migration 0002) refuse UPDATE, DELETE and TRUNCATE (TRUNCATE with the
test runner's maintenance escape alone). Only the tables' owner could drop the triggers,
and the application does not connect as the owner (audits/dbroles.py).
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER audits_accesslogverification_no_update_delete
  BEFORE UPDATE OR DELETE ON audits_accesslogverification
  FOR EACH ROW EXECUTE FUNCTION audits_accessevent_refuse_change();

CREATE TRIGGER audits_accesslogverification_no_truncate
  BEFORE TRUNCATE ON audits_accesslogverification
  FOR EACH STATEMENT EXECUTE FUNCTION audits_accessevent_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audits_accesslogverification_no_update_delete ON audits_accesslogverification;
DROP TRIGGER IF EXISTS audits_accesslogverification_no_truncate ON audits_accesslogverification;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audits", "0004_backfill_hash_chain")]
    operations = [migrations.RunPython(create, drop)]
