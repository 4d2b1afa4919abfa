"""Partial-plate search (Q-3) on PostgreSQL: `plate LIKE '7AB%12'` is served by a pg_trgm
GIN index. SQLite (the embedded default) has no such index and scans."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS read_plate_trgm ON alpr_read USING gin (plate gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS read_plate_trgm;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("alpr", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
