"""Two database roles (issue 18, defect 8).

- The **owner** role owns the schema: migrations, `grant_app_role` and backups run as
  it. It can alter tables and drop triggers, so nobody's daily work connects as it.
- The **application** role (web, workers, beat) owns nothing. It may read and write the
  tables, but a table's triggers can be disabled or dropped only by its owner, so the
  append-only triggers of the access log and its checkpoints hold against the
  application itself, and it holds no UPDATE, DELETE or TRUNCATE on them, except UPDATE
  of the access log's three seal columns, which the trigger allows once per entry (issue 23).

`manage.py grant_app_role ROLE`, run as the owner after every `migrate`, grants the
application role what it needs and nothing more (idempotent).
"""

from __future__ import annotations

from django.db import connection
from psycopg import sql

# Tables the application may only read and append to (AU-1; issue 18).
APPEND_ONLY_TABLES = ("audits_accessevent", "audits_accesslogverification")


def grant_statements(role: str) -> list[sql.Composable]:
    r = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(connection.settings_dict["NAME"]), r),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(r),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(r),
        # Tables that later migrations create are granted the same way until the next run.
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}")
        .format(r),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}").format(r),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(r),
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), r))
    # Issue 23: the sealer (a worker, as this role) writes an entry's place in the chain
    # after the entry commits: UPDATE of those three columns only, and the trigger lets it
    # through for an unsealed row alone (accesslog migration 0002).
    statements.append(sql.SQL("GRANT UPDATE (sequence, previous_hash, entry_hash) ON audits_accessevent TO {}")
                      .format(r))
    return statements


def grant_app_role(role: str) -> list[str]:
    """Apply the grants on the default database; returns them as text (for the log)."""
    if connection.vendor != "postgresql":
        raise ValueError("Database roles apply to PostgreSQL; the embedded SQLite default has none.")
    owner_of_log = _owner("audits_accessevent")
    if owner_of_log == role:
        raise ValueError(f"{role} owns the tables: the application role must be another role than the owner.")
    done = []
    with connection.cursor() as cursor:
        for statement in grant_statements(role):
            cursor.execute(statement)
            done.append(statement.as_string(cursor.connection))
    return done


def _owner(table: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = %s", [table])
        row = cursor.fetchone()
    return row[0] if row else None
