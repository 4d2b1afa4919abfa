"""Issue 18 (defect 8): the application connects as a role that owns nothing, so it can
neither disable the access log's triggers nor change the log or its checkpoints; the
checkpoints are append-only like the log."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from accesslog.models import AccessLogVerification, AppendOnlyError
from accesslog.services import access_log_verify, record_access

APP_ROLE = "alpr_app_test"


def _require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("database roles and triggers exist on PostgreSQL only (run with DATABASE_URL)")


@pytest.fixture
def app_connection(db):
    """A connection to the test database as the application role, after grant_app_role."""
    _require_postgres()
    with connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    call_command("grant_app_role", APP_ROLE, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings = connection.settings_dict
    conn = psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                           dbname=settings["NAME"], user=APP_ROLE, autocommit=True)
    yield conn
    conn.close()


def _refused(conn, statement):
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement)
    return str(caught.value)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statement", [
    "ALTER TABLE audits_accessevent DISABLE TRIGGER ALL",
    "ALTER TABLE audits_accessevent DISABLE TRIGGER audits_accessevent_no_update_delete",
    "DROP TRIGGER audits_accessevent_no_update_delete ON audits_accessevent",
    "ALTER TABLE audits_accesslogverification DISABLE TRIGGER ALL",
    "UPDATE audits_accessevent SET purpose = 'tampered'",
    "DELETE FROM audits_accessevent",
    "TRUNCATE audits_accessevent",
    "UPDATE audits_accesslogverification SET last_hash = 'forged'",
    "DELETE FROM audits_accesslogverification",
    "DROP TABLE audits_accessevent",
    "CREATE TABLE alpr_app_scratch (id int)",
])
def test_it_gives_the_application_role_no_way_to_alter_the_access_log(analyst, app_connection, statement):
    record_access(action="search.run", user=analyst, purpose="burglary", case_number="26-1")
    access_log_verify(triggered_by="test")
    message = _refused(app_connection, statement)
    assert "permission denied" in message or "must be owner" in message or "append-only" in message
    assert AccessLogVerification.objects.filter(ok=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_the_application_role_do_its_work(personas, app_connection):
    """What the application does every day still works as the role that owns nothing."""
    app_connection.execute("INSERT INTO hotlists_hotlist (name, feed_name, source, kind, is_external, purpose, active,"
                           " created_at) VALUES ('Role test', '', 'custom_bolo', 'alert', false, 'burglary', true,"
                           " now())")
    app_connection.execute("UPDATE hotlists_hotlist SET active = false WHERE name = 'Role test'")
    count = app_connection.execute("SELECT count(*) FROM audits_accessevent").fetchone()[0]
    assert count >= 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_application_role_may_seal_an_entry_once(analyst, app_connection, settings):
    """Issue 23: the sealer runs as the application role: it may write the three seal
    columns of an unsealed entry, and nothing of a sealed one."""
    settings.ALPR_ACCESS_LOG_SEAL = "beat"
    event = record_access(action="search.run", user=analyst, purpose="burglary", case_number="26-1")
    seal = "UPDATE audits_accessevent SET sequence = 1, previous_hash = 'p', entry_hash = 'h' WHERE id = %s"
    app_connection.execute(seal, [event.pk])
    with pytest.raises(psycopg.Error, match="append-only"):
        app_connection.execute(seal.replace("'h'", "'forged'"), [event.pk])
    with pytest.raises(psycopg.Error, match="permission denied"):
        app_connection.execute("UPDATE audits_accessevent SET purpose = 'x' WHERE id = %s", [event.pk])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_grant_the_owner_as_the_application_role(db):
    _require_postgres()
    from django.core.management.base import CommandError

    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audits_accessevent'")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owns the tables"):
        call_command("grant_app_role", owner)


def test_it_keeps_verification_checkpoints_append_only(analyst):
    record_access(action="search.run", user=analyst, purpose="burglary", case_number="26-1")
    run = access_log_verify(triggered_by="test")
    run.last_hash = "0" * 64
    with pytest.raises(AppendOnlyError):
        run.save()
    with pytest.raises(AppendOnlyError):
        AccessLogVerification.objects.filter(pk=run.pk).update(last_hash="0" * 64)
    with pytest.raises(AppendOnlyError):
        run.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audits_accesslogverification SET last_hash = 'forged'")
