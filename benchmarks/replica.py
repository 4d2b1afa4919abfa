"""Read-replica drill (issue 23 §3): searches on a streaming standby, and the lag they tolerate.

Starts a private PostgreSQL primary and a streaming standby of it (pg_basebackup -R) on
spare ports in a temporary folder (the machine's shared server is never touched, as in
benchmarks/faults.py), points DATABASE_URL at the primary and DATABASE_REPLICA_URL at the
standby, loads N reads on the primary (benchmarks/search.py's loader) and then:

1. catch-up: how long the standby takes to replay the load;
2. searches: the same exact / partial / camera+1 h searches (alpr.selectors.reads
   .reads_for_query, count + first page of 50) timed on the primary and on the standby;
3. freshness: a read inserted on the primary, polled on the standby: how soon a search
   there can see it;
4. tolerance: replay is paused on the standby while the primary keeps taking reads; the
   standby's lag grows, and `lib.replica.read_only_db()` sends searches back to the primary
   once the lag passes ALPR_REPLICA_MAX_LAG_SECONDS (the drill sets 5 s), and to the standby
   again after replay resumes.

    .venv/bin/python benchmarks/replica.py --reads 1000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.faults import PG_BIN, _as_postgres  # noqa: E402

PRIMARY_PORT, STANDBY_PORT = 5446, 5447
TOLERANCE_S = 5.0


class Cluster:
    def __init__(self, root: Path, name: str, port: int):
        self.root, self.data, self.port = root, root / name, port
        self.log = root / f"{name}.log"

    def start(self):
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-o", f"'-p {self.port} -k {self.root}'", "-l", self.log,
                     "-w", "start")

    def stop(self):
        subprocess.run(["su", "postgres", "-c", f"{PG_BIN}/pg_ctl -D {self.data} -m immediate stop"]  # noqa: S603,S607
                       if os.geteuid() == 0 else [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                                  "stop"], capture_output=True)

    def sql(self, statement: str, dbname: str = "postgres"):
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}", autocommit=True) as conn:
            cursor = conn.execute(statement)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None


def start_pair(root: Path, started: list) -> tuple[Cluster, Cluster]:
    primary = Cluster(root, "primary", PRIMARY_PORT)
    started.append(primary)
    _as_postgres(PG_BIN / "initdb", "-D", primary.data, "-A", "trust", "-U", "postgres")
    with open(primary.data / "postgresql.conf", "a") as conf:
        # Streaming replication: wal_level=replica is the default in PostgreSQL 15; the
        # standby connects as a WAL sender (initdb -A trust allows local replication).
        conf.write("\nlisten_addresses = '127.0.0.1'\nmax_wal_senders = 4\nwal_keep_size = '2GB'\n"
                   "synchronous_commit = on\nfsync = off\nfull_page_writes = off\n")
    primary.start()
    primary.sql('CREATE DATABASE "alpr_replica_drill"')
    standby = Cluster(root, "standby", STANDBY_PORT)
    started.append(standby)
    _as_postgres(PG_BIN.parent / "bin" / "pg_basebackup", "-h", "127.0.0.1", "-p", PRIMARY_PORT, "-U", "postgres",
                 "-D", standby.data, "-R", "-X", "stream")
    standby.start()
    return primary, standby


def wait_caught_up(timeout: float = 600) -> float:
    from lib.replica import replica_lag_seconds

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if replica_lag_seconds() == 0:
            return time.perf_counter() - t0
        time.sleep(0.2)
    raise SystemExit("the standby did not catch up")


def searches_on(alias: str, queries: int, days: int, seed: int) -> dict:
    import alpr.selectors.reads as read_selectors
    from benchmarks.search import measure

    original = read_selectors.read_only_db
    read_selectors.read_only_db = lambda: alias
    try:
        return measure(queries, days, seed)
    finally:
        read_selectors.read_only_db = original


def freshness(samples: int) -> list[float]:
    """Milliseconds from a read's commit on the primary to a search on the standby seeing it."""
    from alpr.models import Camera, Read

    camera = Camera.objects.first()
    waits = []
    for i in range(samples):
        now = datetime.now(UTC)
        read = Read.objects.create(plate=f"FRESH{i:03d}", plate_raw=f"FRESH{i:03d}", confidence=0.9, captured_at=now,
                                   camera=camera, agency_id=camera.agency_id, latitude=camera.latitude,
                                   longitude=camera.longitude)
        t0 = time.perf_counter()
        while not Read.objects.using("replica").filter(pk=read.pk).exists():
            time.sleep(0.001)
        waits.append((time.perf_counter() - t0) * 1000)
    return waits


def tolerance(standby: Cluster) -> list[tuple[float, float, str]]:
    """(seconds into the drill, measured lag, alias a search uses) while replay is paused."""
    from django.conf import settings

    from alpr.models import Camera, Read
    from lib import replica

    settings.ALPR_REPLICA_MAX_LAG_SECONDS = TOLERANCE_S
    settings.ALPR_REPLICA_LAG_CHECK_SECONDS = 3600  # asked afresh only after forget_lag()
    camera = Camera.objects.first()
    standby.sql("SELECT pg_wal_replay_pause()", "alpr_replica_drill")
    timeline, t0 = [], time.perf_counter()
    resumed = False
    while True:
        elapsed = time.perf_counter() - t0
        if elapsed > 2 * TOLERANCE_S + 4 and not resumed:
            standby.sql("SELECT pg_wal_replay_resume()", "alpr_replica_drill")
            resumed = True
        now = datetime.now(UTC)
        Read.objects.create(plate="LAGTEST", plate_raw="LAGTEST", confidence=0.9, captured_at=now, camera=camera,
                            agency_id=camera.agency_id, latitude=camera.latitude, longitude=camera.longitude)
        # One measurement per line: the alias printed is the one chosen on the lag printed.
        replica.forget_lag()
        alias = replica.read_only_db()
        timeline.append((elapsed, replica._checked["lag"], alias))
        if resumed and timeline[-1][2] == "replica":
            break
        time.sleep(1)
    return timeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="alpr-replica-drill-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    started: list[Cluster] = []
    try:
        primary, standby = start_pair(root, started)
        os.environ["DATABASE_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{STANDBY_PORT}/alpr_replica_drill"
        from benchmarks.common import percentile, setup_django
        from benchmarks.search import fill

        setup_django(f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/alpr_replica_drill")
        t0 = time.perf_counter()
        fill(args.reads, 300, args.days, args.seed)
        print(f"loaded on the primary in {time.perf_counter() - t0:.0f} s; "
              f"standby caught up {wait_caught_up():.1f} s later")
        from lib.replica import read_only_db

        print(f"read_only_db() with the standby caught up: {read_only_db()!r}")
        rows = {alias: searches_on(alias, args.queries, args.days, args.seed) for alias in ("default", "replica")}
        print(f"\n{args.reads:,} reads, {args.queries} queries each (count + first page of 50), p50 / p95 / max ms:")
        for name in rows["default"]:
            p, r = rows["default"][name], rows["replica"][name]
            print(f"  {name:38} primary {p['p50_ms']:6.1f} / {p['p95_ms']:6.1f} / {p['max_ms']:6.1f}"
                  f"   standby {r['p50_ms']:6.1f} / {r['p95_ms']:6.1f} / {r['max_ms']:6.1f}")
        waits = freshness(50)
        print(f"\nfreshness: a read committed on the primary is visible to a search on the standby after "
              f"p50 {percentile(waits, 50):.1f} ms, p95 {percentile(waits, 95):.1f} ms, max {max(waits):.1f} ms")
        print(f"\ntolerance {TOLERANCE_S:.0f} s: standby replay paused, the primary taking reads, then resumed")
        for elapsed, lag, alias in tolerance(standby):
            print(f"  t={elapsed:5.1f} s  lag {lag:6.2f} s  searches read from {alias}")
    finally:
        for cluster in reversed(started):
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
