"""Full-text search over the access log (AU-1, AU-4; issue 19 part 3): a GIN expression
index on PostgreSQL over the document audits/log_search.py searches (document_sql(), which
must stay identical to the expression here). Built CONCURRENTLY, so record_access keeps
appending while a large log is indexed. A no-op on SQLite, which scans instead."""

from django.db import migrations

INDEX = "access_search_doc"
DOCUMENT = (
    "to_tsvector('english'::regconfig, username || ' ' || agency_name || ' ' || action || ' ' || object_type || ' ' "
    "|| object_id || ' ' || purpose || ' ' || case_number || ' ' || outcome || ' ' || detail || ' ' || "
    "coalesce(host(client_address), '') || ' ' || (data_elements)::text)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON audits_accessevent USING gin ({DOCUMENT})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("audits", "0005_accesslogdigest")]
    operations = [migrations.RunPython(create, drop)]
