"""On PostgreSQL the database itself refuses UPDATE, DELETE and TRUNCATE of the access
log (AU-1), whatever code or console issues them.

TRUNCATE honours one escape, the session setting `alpr.access_log_maintenance = on`:
Django's test runner empties tables with TRUNCATE between transactional tests
(tests/conftest.py sets it for that alone). Row UPDATE and DELETE have no escape. A
database owner can always drop the trigger; the hash chain over the log (audits issue)
makes that detectable.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audits_accessevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audits_accessevent is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION audits_accessevent_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('alpr.access_log_maintenance', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audits_accessevent is append-only: TRUNCATE refused'
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audits_accessevent_no_update_delete
  BEFORE UPDATE OR DELETE ON audits_accessevent
  FOR EACH ROW EXECUTE FUNCTION audits_accessevent_refuse_change();

CREATE TRIGGER audits_accessevent_no_truncate
  BEFORE TRUNCATE ON audits_accessevent
  FOR EACH STATEMENT EXECUTE FUNCTION audits_accessevent_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audits_accessevent_no_update_delete ON audits_accessevent;
DROP TRIGGER IF EXISTS audits_accessevent_no_truncate ON audits_accessevent;
DROP FUNCTION IF EXISTS audits_accessevent_refuse_change();
DROP FUNCTION IF EXISTS audits_accessevent_refuse_truncate();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
