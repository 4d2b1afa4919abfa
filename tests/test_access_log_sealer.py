"""Issue 23 item 1: the access log is written without a lock held across the writer's
transaction and sealed into the hash chain by the sealer, in commit order, never forked,
never with a gap; verification is incremental from the last checkpoint (AU-1)."""

import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction

from accesslog import chain
from accesslog.models import AccessEvent, AccessLogVerification
from accesslog.services import access_log_seal, access_log_verify, record_access


def _require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections and the append-only trigger need PostgreSQL (run with DATABASE_URL)")


@pytest.fixture
def sealer_mode(settings):
    """Production's mode: entries are inserted unsealed; the beat task seals them."""
    settings.ALPR_ACCESS_LOG_SEAL = "beat"


def _entry(marker: str, user=None):
    return record_access(action="search.run", user=user, username="" if user else "writer", object_type="search",
                         object_id=marker, data_elements={"plate": "7ABC123"}, purpose="burglary",
                         case_number="26-1")


def _sealed_markers() -> list[str]:
    return list(AccessEvent.objects.filter(sequence__isnull=False).order_by("sequence")
                .values_list("object_id", flat=True))


# --- Without a broker (SQLite or PostgreSQL): entries are sealed inline ----------------------

@pytest.mark.django_db
def test_inline_mode_seals_each_entry_as_it_is_written(officer):
    event = _entry("a", officer)
    assert event.sequence is not None and event.entry_hash == chain.entry_hash(AccessEvent.objects.get(pk=event.pk))


@pytest.mark.django_db
def test_beat_mode_writes_unsealed_and_the_sealer_chains_in_order(officer, sealer_mode):
    events = [_entry(str(i), officer) for i in range(5)]
    assert all(e.sequence is None for e in events)
    assert AccessEvent.objects.filter(sequence__isnull=True).count() == 5
    assert access_log_seal() == 5
    assert _sealed_markers() == ["0", "1", "2", "3", "4"]
    assert access_log_seal() == 0  # nothing twice
    assert access_log_verify(triggered_by="test").ok


@pytest.mark.django_db
def test_a_crash_mid_seal_leaves_no_partial_batch(officer, sealer_mode, monkeypatch):
    """The sealer dies after hashing part of a batch: nothing of that batch is sealed, and
    the next run seals every entry once, with no gap and no fork."""
    for i in range(6):
        _entry(str(i), officer)
    real, calls = chain.entry_hash, {"n": 0}

    def dies_on_the_fourth(event):
        calls["n"] += 1
        if calls["n"] == 4:
            raise MemoryError("sealer killed")
        return real(event)

    monkeypatch.setattr(chain, "entry_hash", dies_on_the_fourth)
    with pytest.raises(MemoryError):
        chain.seal(batch=6)
    assert AccessEvent.objects.filter(sequence__isnull=False).count() == 0
    monkeypatch.setattr(chain, "entry_hash", real)
    assert chain.seal(batch=4) == 6  # two batches
    assert list(AccessEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert access_log_verify(triggered_by="test").ok


@pytest.mark.django_db
def test_tampering_with_sealed_entries_is_still_detected(officer, sealer_mode):
    events = [_entry(str(i), officer) for i in range(4)]
    access_log_seal()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE audits_accessevent SET purpose = 'x' WHERE id = %s", [events[2].pk])
    run = access_log_verify(triggered_by="test")
    assert not run.ok and run.bad_entry_id == events[2].pk and "altered" in run.problem


# --- Incremental verification --------------------------------------------------------------

@pytest.mark.django_db
def test_incremental_verification_starts_at_the_checkpoint(officer, sealer_mode):
    for i in range(5):
        _entry(str(i), officer)
    first = access_log_verify(triggered_by="test")
    assert first.ok and first.full and first.entries_checked == 5 and first.last_sequence == 5
    for i in range(5, 8):
        _entry(str(i), officer)
    second = access_log_verify(triggered_by="test")
    # The checkpoint entry (re-hashed) and the three new ones; not the four before it.
    assert second.ok and not second.full and second.from_sequence == 5
    assert second.entries_checked == 4 and second.last_sequence == 8
    third = access_log_verify(triggered_by="test")
    assert third.ok and third.entries_checked == 1 and third.last_sequence == 8  # nothing new: same checkpoint
    assert access_log_verify(triggered_by="test", full=True).entries_checked == 8


@pytest.mark.django_db
def test_incremental_verification_detects_tampering_after_the_checkpoint(officer, sealer_mode):
    for i in range(3):
        _entry(str(i), officer)
    assert access_log_verify(triggered_by="test").ok
    later = [_entry(str(i), officer) for i in range(3, 6)]
    access_log_seal()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audits_accessevent WHERE id = %s", [later[1].pk])
    run = access_log_verify(triggered_by="test")
    assert not run.ok and not run.full and run.from_sequence == 3
    assert "#5 removed" in run.problem and run.bad_entry_id == later[2].pk
    assert AccessLogVerification.objects.filter(ok=False).count() == 1


@pytest.mark.django_db
def test_incremental_verification_detects_a_changed_checkpoint_entry(officer, sealer_mode):
    events = [_entry(str(i), officer) for i in range(3)]
    assert access_log_verify(triggered_by="test").ok
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        # Content changed, hash left alone: only re-hashing the checkpoint entry shows it.
        cursor.execute("UPDATE audits_accessevent SET detail = 'x' WHERE id = %s", [events[2].pk])
    run = access_log_verify(triggered_by="test")
    assert not run.ok and run.bad_sequence == 3 and "verified earlier" in run.problem


# --- PostgreSQL: concurrency and the trigger ------------------------------------------------

def _in_thread(target, *args):
    def run():
        try:
            target(*args)
        finally:
            connections.close_all()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_entries_are_sealed_in_commit_order_and_a_slow_writer_stalls_nobody(sealer_mode):
    """Writer A logs inside a transaction that stays open; B logs meanwhile (and is not
    held up by A, as it was under the old lock) and commits first: B is sealed first,
    A only once it commits, after B, though A was inserted first."""
    _require_postgres()
    a_logged, a_may_commit = threading.Event(), threading.Event()

    def slow_writer():
        with transaction.atomic():
            _entry("A")
            a_logged.set()
            assert a_may_commit.wait(20)

    thread = _in_thread(slow_writer)
    assert a_logged.wait(20)
    started = time.monotonic()
    _entry("B")
    assert time.monotonic() - started < 1.0  # not waiting for A's transaction
    assert access_log_seal() == 1
    assert _sealed_markers() == ["B"]
    a_may_commit.set()
    thread.join(20)
    assert access_log_seal() == 1
    assert _sealed_markers() == ["B", "A"]
    a, b = AccessEvent.objects.get(object_id="A"), AccessEvent.objects.get(object_id="B")
    assert a.pk < b.pk and a.sequence == b.sequence + 1 and a.previous_hash == b.entry_hash
    assert access_log_verify(triggered_by="test").ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_make_one_chain_without_gaps_or_rolled_back_entries(sealer_mode):
    """Six writers on their own connections (every third transaction rolled back) while two
    sealers run: every committed entry is sealed once, in an order consistent with commit
    order, the chain verifies, and no rolled-back entry appears."""
    _require_postgres()
    writers, per_writer = 6, 30
    done = threading.Event()
    committed, lock = {}, threading.Lock()  # marker -> (time committed, time the next began)
    errors = []

    class Rollback(Exception):
        pass

    def writer(w):
        try:
            for i in range(per_writer):
                marker = f"w{w}-{i}"
                began = time.monotonic()
                try:
                    with transaction.atomic():
                        _entry(marker if i % 3 else f"rolledback-{marker}")
                        if i % 3 == 0:
                            raise Rollback
                except Rollback:
                    continue
                with lock:
                    committed[marker] = (began, time.monotonic())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))

    def sealer():
        try:
            while not done.is_set():
                chain.seal(batch=7)
                time.sleep(0.005)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    sealers = [_in_thread(sealer) for _ in range(2)]
    threads = [_in_thread(writer, w) for w in range(writers)]
    for t in threads:
        t.join(120)
    done.set()
    for t in sealers:
        t.join(30)
    assert not errors
    access_log_seal()
    rows = list(AccessEvent.objects.order_by("sequence").values_list("sequence", "object_id"))
    assert [s for s, _ in rows] == list(range(1, len(rows) + 1))  # no gap, no duplicate
    assert {m for _, m in rows} == set(committed) and len(rows) == len(committed) == writers * per_writer * 2 // 3
    assert not AccessEvent.objects.filter(object_id__startswith="rolledback").exists()
    position = {m: s for s, m in rows}
    # Commit order: an entry committed before another's transaction began is sealed before it.
    for m1, (_, committed_at) in committed.items():
        for m2, (began, _) in committed.items():
            if committed_at < began:
                assert position[m1] < position[m2], (m1, m2)
    run = access_log_verify(triggered_by="test", full=True)
    assert run.ok and run.entries_checked == len(rows)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_trigger_allows_the_seal_and_nothing_else(officer, sealer_mode):
    _require_postgres()
    unsealed = _entry("u", officer)
    sealed = _entry("s", officer)
    access_log_seal()  # both sealed; now a third, unsealed
    pending = _entry("p", officer)
    for statement, params in (
        ("UPDATE audits_accessevent SET entry_hash = 'forged' WHERE id = %s", [sealed.pk]),
        ("UPDATE audits_accessevent SET sequence = NULL, entry_hash = '', previous_hash = '' WHERE id = %s",
         [unsealed.pk]),
        # Sealing, but changing the content on the way: refused.
        ("UPDATE audits_accessevent SET sequence = 99, previous_hash = 'a', entry_hash = 'b', purpose = 'x' "
         "WHERE id = %s", [pending.pk]),
        ("DELETE FROM audits_accessevent WHERE id = %s", [pending.pk]),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement, params)
    assert access_log_seal() == 1
    assert AccessEvent.objects.get(pk=pending.pk).sequence == 3
    assert access_log_verify(triggered_by="test").ok
