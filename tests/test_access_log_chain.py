"""The access log's hash chain (AU-1): verify_access_log proves it intact and names the
entry that was altered, removed or reordered, even by SQL that bypasses the application."""

from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from accesslog import chain
from accesslog.models import AccessEvent, AccessLogVerification
from accesslog.services import access_log_verify, record_access

pytestmark = pytest.mark.django_db


@contextmanager
def tampering():
    """Raw SQL as a database owner would run it: on PostgreSQL the append-only trigger is
    bypassed the way an owner can (replica mode skips triggers)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor


def _log(user, n=5):
    return [record_access(action="search.run", user=user, object_type="search", object_id=i,
                          data_elements={"plate": f"7ABC12{i}", "n": 1.5}, purpose="burglary",
                          case_number=f"26-{i}") for i in range(n)]


def test_entries_are_chained_in_order(officer):
    events = _log(officer)
    sequences = [e.sequence for e in events]
    assert sequences == list(range(sequences[0], sequences[0] + 5))
    for previous, event in zip(events, events[1:], strict=False):
        assert event.previous_hash == previous.entry_hash
    fresh = AccessEvent.objects.get(pk=events[2].pk)  # as read back from the database
    assert chain.entry_hash(fresh) == fresh.entry_hash


def test_intact_log_verifies(officer):
    _log(officer)
    run = access_log_verify(triggered_by="test")
    assert run.ok and run.entries_checked == AccessEvent.objects.count() and not run.problem


def test_altered_entry_is_named(officer):
    events = _log(officer)
    with tampering() as cursor:
        cursor.execute("UPDATE audits_accessevent SET case_number = '99-999' WHERE id = %s", [events[2].pk])
    run = access_log_verify(triggered_by="test")
    assert not run.ok and run.bad_entry_id == events[2].pk
    assert f"#{events[2].sequence}" in run.problem and "altered" in run.problem


def test_removed_entry_is_named(officer):
    events = _log(officer)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audits_accessevent WHERE id = %s", [events[1].pk])
    run = access_log_verify(triggered_by="test")
    assert not run.ok and run.bad_sequence == events[2].sequence
    assert f"#{events[1].sequence} removed" in run.problem


def test_reordered_entries_are_named(officer):
    events = _log(officer)
    a, b = events[1], events[3]
    with tampering() as cursor:
        # Swap the two entries' places in the chain (sequence numbers), leaving hashes as they were.
        cursor.execute("UPDATE audits_accessevent SET sequence = -1 WHERE id = %s", [a.pk])
        cursor.execute("UPDATE audits_accessevent SET sequence = %s WHERE id = %s", [a.sequence, b.pk])
        cursor.execute("UPDATE audits_accessevent SET sequence = %s WHERE id = %s", [b.sequence, a.pk])
    run = access_log_verify(triggered_by="test")
    assert not run.ok and run.bad_entry_id == b.pk and run.bad_sequence == a.sequence


def test_rewritten_chain_is_caught_by_the_last_checkpoint(officer):
    """Someone deletes an entry and recomputes every later hash: the chain looks whole, but
    the checkpoint from the last passing run no longer matches."""
    events = _log(officer)
    assert access_log_verify(triggered_by="test").ok
    with tampering() as cursor:
        cursor.execute("DELETE FROM audits_accessevent WHERE id = %s", [events[1].pk])
        prev_seq, prev_hash = None, chain.GENESIS
        for event in AccessEvent.objects.order_by("sequence"):
            seq = 1 if prev_seq is None else prev_seq + 1
            event.sequence, event.previous_hash = seq, prev_hash
            new_hash = chain.entry_hash(event)
            cursor.execute("UPDATE audits_accessevent SET sequence = %s, previous_hash = %s, entry_hash = %s "
                           "WHERE id = %s", [seq, prev_hash, new_hash, event.pk])
            prev_seq, prev_hash = seq, new_hash
    run = access_log_verify(triggered_by="test")
    assert not run.ok and ("rewritten" in run.problem or "cut short" in run.problem)


def test_truncated_tail_is_caught_by_the_last_checkpoint(officer):
    events = _log(officer)
    assert access_log_verify(triggered_by="test").ok
    with tampering() as cursor:
        cursor.execute("DELETE FROM audits_accessevent WHERE sequence >= %s", [events[3].sequence])
    run = access_log_verify(triggered_by="test")
    assert not run.ok and "cut short" in run.problem


def test_command_reports_and_fails_on_tampering(officer, capsys):
    events = _log(officer)
    call_command("verify_access_log")
    assert "Access log intact" in capsys.readouterr().out
    with tampering() as cursor:
        cursor.execute("UPDATE audits_accessevent SET detail = 'x' WHERE id = %s", [events[0].pk])
    # Issue 23: the nightly run starts at the last checkpoint, so an edit before it (that
    # left the checkpoint entry alone) is for the full walk, on request or weekly.
    call_command("verify_access_log")
    assert AccessLogVerification.objects.filter(ok=False).count() == 0
    with pytest.raises(CommandError, match=f"#{events[0].sequence}"):
        call_command("verify_access_log", "--full")
    assert AccessLogVerification.objects.filter(ok=False).count() == 1


def test_nightly_task_runs_the_verification(officer):
    from audits.tasks import verify_access_log

    _log(officer, 2)
    assert verify_access_log.delay().get()["ok"] is True


def test_access_log_page_shows_the_last_result_and_exports_csv(officer, auditor, login, client):
    _log(officer, 2)
    record_access(action="search.run", user=officer, purpose="=HYPERLINK(\"http://x\")")
    login(auditor)
    client.post("/audits/verify/")
    page = client.get("/audits/")
    assert b"intact" in page.content
    response = client.get("/audits/log.csv?username=officer")
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and body.count("search.run") == 3
    assert "'=HYPERLINK" in body  # formula neutralised
    assert AccessEvent.objects.filter(action="access_log.export", username="auditor").exists()
    login(officer)
    assert client.get("/audits/log.csv").status_code == 404
    assert client.post("/audits/verify/").status_code == 404
