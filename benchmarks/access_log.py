"""Access log hash chain (AU-1): how fast entries are appended (serialised writers) and
how long `verify_access_log` takes over a large log.

    .venv/bin/python -m benchmarks.access_log [--entries 1000000] [--appends 2000] [--writers 4]

Uses its own PostgreSQL database (benchmarks/common.py). The bulk load writes a valid
chain directly (as years of record_access calls would), then the verifier walks it.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

from accesslog.actions import Action
from benchmarks.common import DEFAULT_DB, percentile, setup_django


def _writer(database_url: str, n: int, queue) -> None:
    setup_django(database_url)
    from accesslog.services import record_access

    latencies = []
    for i in range(n):
        t = time.perf_counter()
        record_access(action=Action.SEARCH_RUN, object_type="search", object_id=i, username="bench",
                      data_elements={"plate": f"7ABC{i % 1000:03d}"}, purpose="burglary", case_number=f"26-{i}")
        latencies.append((time.perf_counter() - t) * 1000)
    queue.put(latencies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=2000, help="record_access calls per writer")
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection
    from django.utils import timezone

    from accesslog import chain
    from accesslog.models import AccessEvent
    from accesslog.services import access_log_verify

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # bench reset only
        cursor.execute("DELETE FROM audits_accessevent")
        cursor.execute("DELETE FROM audits_accesslogverification")
        cursor.execute("SET session_replication_role = DEFAULT")
    t0 = time.perf_counter()
    prev, batch = chain.GENESIS, []
    now = timezone.now()
    for seq in range(1, args.entries + 1):
        event = AccessEvent(sequence=seq, previous_hash=prev, occurred_at=now, username="bench",
                            action=Action.READ_VIEW,
                            object_type="read", object_id=str(seq), data_elements={"plate": f"7ABC{seq % 1000:03d}"},
                            purpose="burglary", case_number="26-1")
        event.entry_hash = chain.entry_hash(event)
        prev = event.entry_hash
        batch.append(event)
        if len(batch) == 10_000:
            AccessEvent.objects.bulk_create(batch)
            batch = []
    if batch:
        AccessEvent.objects.bulk_create(batch)
    print(f"loaded {args.entries:,} chained entries in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    run = access_log_verify(triggered_by="benchmark")
    elapsed = time.perf_counter() - t0
    print(f"verify: ok={run.ok} entries={run.entries_checked:,} in {elapsed:.1f} s "
          f"({run.entries_checked / elapsed:,.0f} entries/s)")

    queue = mp.get_context("spawn").Queue()
    procs = [mp.get_context("spawn").Process(target=_writer, args=(args.database_url, args.appends, queue))
             for _ in range(args.writers)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    latencies = [x for _ in procs for x in queue.get()]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - t0
    total = args.writers * args.appends
    print(f"append: {args.writers} writers x {args.appends} = {total:,} entries in {elapsed:.1f} s "
          f"(incl. start-up); per call p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
          f"p99 {percentile(latencies, 99):.1f} ms")
    run = access_log_verify(triggered_by="benchmark")
    print(f"verify after concurrent appends: ok={run.ok} entries={run.entries_checked:,} {run.problem}")


if __name__ == "__main__":
    main()
