"""Hot-list matching speed and memory at NCIC scale (issue: hot lists).

Builds the matcher's index with 1,000,000 plate entries and 1,000 partial-plate patterns,
then matches 100,000 synthetic reads (about 1% listed plates, 1% OCR-confused versions of
listed plates, the rest unlisted) and reports mean and p99 time per read and the memory
the index takes.

    .venv/bin/python benchmarks/hotlist_match.py          # in memory, through MatcherIndex.add
    .venv/bin/python benchmarks/hotlist_match.py --db     # load the entries into PostgreSQL and
                                                          # time build_index() reading them back
Targets on the 2-core machine: mean <= 50 us per read, p99 <= 500 us, memory <= 500 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_DB, percentile  # noqa: E402

CLASSES = ["0ODQ", "1IL", "2Z", "5S", "8B", "6G"]
STATES = ["CA"] * 8 + ["NV", "OR", "AZ", "TX", "WA"]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def synthetic_entries(n: int, rng: random.Random) -> list[tuple[str, str]]:
    from ingest.synthetic import random_plate

    seen = set()
    out = []
    while len(out) < n:
        plate = random_plate(rng)
        if plate not in seen:
            seen.add(plate)
            out.append((plate, rng.choice(STATES)))
    return out


def synthetic_patterns(n: int, rng: random.Random) -> list[str]:
    from ingest.synthetic import random_plate

    out = []
    for _ in range(n):
        p = random_plate(rng)
        keep = rng.randint(4, 5)
        head = rng.randint(1, keep - 1)
        pattern = p[:head] + "*" + p[len(p) - (keep - head):]
        if rng.random() < 0.3:
            i = rng.randrange(len(pattern))
            if pattern[i] != "*":
                pattern = pattern[:i] + "?" + pattern[i + 1:]
        out.append(pattern)
    return out


def confuse(plate: str, rng: random.Random) -> str:
    swaps = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2",
             "6": "G", "G": "6"}
    idx = [i for i, ch in enumerate(plate) if ch in swaps]
    if not idx:
        return plate
    i = rng.choice(idx)
    return plate[:i] + swaps[plate[i]] + plate[i + 1:]


def build_in_memory(entries, patterns):
    from hotlists.matching import MatcherIndex

    index = MatcherIndex(CLASSES, require_state=True)
    for i, (plate, state) in enumerate(entries, start=1):
        index.add(i, plate, "", state)
    for j, pattern in enumerate(patterns, start=len(entries) + 1):
        index.add(j, "", pattern, "CA", active_from=0.0, expires_at=time.time() + 86400)
    index.prepare()  # as build_index() does after loading
    return index


def build_from_db(entries, patterns, database_url):
    from benchmarks.common import setup_django

    setup_django(database_url)
    from django.db import connection

    from hotlists.matching import build_index, bump_version
    from hotlists.models import Hotlist, HotlistEntry

    ncic, _ = Hotlist.objects.get_or_create(name="NCIC (benchmark)", defaults={"source": "ncic", "is_external": True})
    bolo, _ = Hotlist.objects.get_or_create(name="Partial plates (benchmark)",
                                            defaults={"source": "ncic", "is_external": True})
    if HotlistEntry.objects.filter(hotlist=ncic).count() != len(entries):
        HotlistEntry.objects.filter(hotlist__in=[ncic, bolo]).delete()
        t0 = time.perf_counter()
        raw = connection.connection
        with raw.cursor() as cur, cur.copy(
                "COPY hotlists_hotlistentry (hotlist_id, plate, pattern, state, reason, reference, vehicle_description,"
                " case_number, status, active_from, created_at, major_crime) FROM STDIN") as copy:
            for plate, state in entries:
                copy.write_row((ncic.pk, plate, "", state, "Stolen vehicle", "", "", "", "active", "2026-01-01",
                                "2026-01-01", ""))
            for pattern in patterns:
                copy.write_row((bolo.pk, "", pattern, "CA", "Partial plate", "", "", "", "active", "2026-01-01",
                                "2026-01-01", "Homicide"))
        raw.commit()
        print(f"loaded {len(entries) + len(patterns):,} entries into PostgreSQL in {time.perf_counter() - t0:.1f} s")
    bump_version(external=True)
    t0 = time.perf_counter()
    index = build_index("external")
    print(f"build_index() from PostgreSQL: {time.perf_counter() - t0:.1f} s")
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--patterns", type=int, default=1_000)
    parser.add_argument("--reads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", action="store_true", help="load into PostgreSQL and build the index from there")
    parser.add_argument("--database-url", default=DEFAULT_DB)
    args = parser.parse_args()
    if not args.db:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    rng = random.Random(args.seed)
    entries = synthetic_entries(args.entries, rng)
    patterns = synthetic_patterns(args.patterns, rng)
    listed = [p for p, _ in rng.sample(entries, k=min(len(entries), args.reads // 50))]
    from ingest.synthetic import random_plate

    reads = []
    for _ in range(args.reads):
        roll = rng.random()
        if roll < 0.01:
            reads.append(rng.choice(listed))
        elif roll < 0.02:
            reads.append(confuse(rng.choice(listed), rng))
        else:
            reads.append(random_plate(rng))
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    index = build_from_db(entries, patterns, args.database_url) if args.db else build_in_memory(entries, patterns)
    build_s = time.perf_counter() - t0
    del entries
    gc.collect()
    memory = rss_mb() - before
    timings = []
    matched = kinds = 0
    counts: dict[str, int] = {}
    for plate in reads:
        t = time.perf_counter_ns()
        found = index.match(plate, "CA")
        timings.append((time.perf_counter_ns() - t) / 1000)
        if found:
            matched += 1
            for m in found:
                counts[m.kind] = counts.get(m.kind, 0) + 1
                kinds += 1
    mean = sum(timings) / len(timings)
    print(f"index: {index.size:,} entries ({args.patterns:,} partial patterns), built in {build_s:.1f} s, "
          f"memory {memory:.0f} MB (process RSS growth)")
    print(f"{len(reads):,} reads matched: mean {mean:.1f} us, p50 {percentile(timings, 50):.1f} us, "
          f"p99 {percentile(timings, 99):.1f} us, max {max(timings):.0f} us")
    print(f"reads with a hit: {matched:,}; matches by kind: {counts}")


if __name__ == "__main__":
    main()
