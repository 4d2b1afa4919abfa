"""Full-text search over the access log (AU-1, AU-4; issue 19 part 3), PostgreSQL only.

A stored generated column `search_document` holds each entry's tsvector (the expression of
audits/log_search.py's document_sql(), which must stay identical to DOCUMENT here), with a
GIN index on it. Stored rather than an expression index: phrase matches and lossy bitmap
pages are rechecked against the row, and re-parsing every candidate's text made a phrase
search over a few thousand matches take seconds. A generated column is computed by the
table rewrite and by each INSERT, never by an UPDATE, so the append-only trigger (0002)
stays as it is. Adding it rewrites the table under an exclusive lock (minutes for millions
of entries: run it in a maintenance window); the index is then built CONCURRENTLY.
The Django model does not list the column; SQLite has none and scans instead. The index on
(username, occurred_at) serves the search's user filter on both.
"""

from django.db import migrations, models

COLUMN = "search_document"
INDEX = "access_search_doc"
DOCUMENT = (
    "to_tsvector('english'::regconfig, username || ' ' || agency_name || ' ' || action || ' ' || object_type || ' ' "
    "|| object_id || ' ' || purpose || ' ' || case_number || ' ' || outcome || ' ' || detail || ' ' || "
    "coalesce(host(client_address), '') || ' ' || (data_elements)::text)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE audits_accessevent ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({DOCUMENT}) STORED")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON audits_accessevent USING gin ({COLUMN})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        schema_editor.execute(f"ALTER TABLE audits_accessevent DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("audits", "0007_accesslogdigest")]
    operations = [
        migrations.AddIndex(model_name="accessevent",
                            index=models.Index(fields=["username", "occurred_at"], name="access_username_time")),
        migrations.RunPython(create, drop),
    ]
