"""Investigative-search latency at scale (issue: reads, hits and search).

Fills a PostgreSQL database with N synthetic reads (default 5,000,000 over 30 days and
300 cameras, with a realistic plate distribution: a pool of vehicles, a few seen very
often, most seldom) and times exact-plate, partial-plate and camera+1-hour searches
through `alpr.selectors.reads.reads_for_query`, doing what the results page does: count the
results and fetch the first page of 50.

    .venv/bin/python benchmarks/search.py                 # 5M reads (loads once, then reuses)
    .venv/bin/python benchmarks/search.py --reads 200000  # quicker
    .venv/bin/python -m benchmarks.search --reads 0 --database-url URL  # whatever that database holds
Targets on the 2-core machine: exact p95 <= 20 ms, partial p95 <= 150 ms,
camera + 1 h p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from benchmarks.common import DEFAULT_DB, percentile, setup_django

LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"))
DIGITS = np.array(list("0123456789"))


def vehicle_pool(n: int, rng: np.random.Generator) -> np.ndarray:
    """Plates in the proportions seen on California roads: 1ABC234 mostly, then others."""
    kinds = rng.choice(3, size=n, p=[0.7, 0.2, 0.1])
    plates = np.empty(n, dtype="<U8")
    for kind, fmt in enumerate(["DLLLDDD", "LLLDDDD", "DDDLLL"]):
        idx = np.where(kinds == kind)[0]
        parts = []
        for ch in fmt:
            alphabet = LETTERS if ch == "L" else DIGITS
            parts.append(rng.choice(alphabet, size=len(idx)))
        if kind == 0:
            parts[0] = rng.choice(np.array(list("123456789")), size=len(idx))
        joined = parts[0]
        for p in parts[1:]:
            joined = np.char.add(joined, p)
        plates[idx] = joined
    return plates


def fill(reads: int, cameras: int, days: int, seed: int) -> None:
    from django.db import connection

    from accounts.models import Agency
    from alpr.models import Camera, Read

    agency, _ = Agency.objects.get_or_create(ori="CA0010900", defaults={
        "name": "Oakland Police Department", "state": "CA", "kind": Agency.Kind.MUNICIPAL_POLICE, "is_home": True})
    existing = Read.objects.count()
    if existing == reads or (reads == 0 and existing):
        print(f"reusing {existing:,} reads already loaded")
        return
    print(f"loading {reads:,} reads over {days} days and {cameras} cameras ...", flush=True)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE alpr_hitstatuschange, alpr_stopreport, alpr_hit, alpr_readdailytally, alpr_read CASCADE")
    Camera.objects.filter(agency=agency).delete()
    rng = np.random.default_rng(seed)
    cams = Camera.objects.bulk_create([
        Camera(agency=agency, name=f"Camera {i:03d}", latitude=37.70 + rng.random() * 0.15,
               longitude=-122.30 + rng.random() * 0.15) for i in range(cameras)])
    cam_ids = np.array([c.pk for c in cams])
    cam_lat = {c.pk: float(c.latitude) for c in cams}
    cam_lon = {c.pk: float(c.longitude) for c in cams}
    pool = vehicle_pool(max(reads // 4, 1000), rng)
    # Zipf-like: a few vehicles (commuters, fleets) pass cameras constantly, most once or twice.
    weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.7
    weights /= weights.sum()
    end = datetime.now(UTC)
    start_s = (end - timedelta(days=days)).timestamp()
    from alpr import partitions

    # Issue 23: the reads table is partitioned by upload day; make the loaded days' partitions
    # (the rows would otherwise all land in the DEFAULT partition).
    partitions.ensure_ahead(today=(end - timedelta(days=days)).date(), days=days + 7)
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'alpr_read' "
                    "AND indexname NOT LIKE '%%pkey'")
        # A partitioned table's index reads "ON ONLY parent"; re-created "ON parent" it is
        # built on every partition again.
        indexes = [(name, definition.replace(" ON ONLY ", " ON ")) for name, definition in cur.fetchall()]
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    chunk = 250_000
    t0 = time.perf_counter()
    raw = connection.connection if connection.connection else connection.ensure_connection() or connection.connection
    columns = ("plate, plate_raw, state, confidence, captured_at, uploaded_at, camera_id, agency_id, latitude, "
               "longitude, frame, frame_sha256, crop, crop_sha256, vehicle_color, vehicle_make, vehicle_type, "
               "shift_check_missing")
    for offset in range(0, reads, chunk):
        n = min(chunk, reads - offset)
        plates = rng.choice(pool, size=n, p=weights)
        cams_n = rng.choice(cam_ids, size=n)
        times = np.sort(start_s + rng.random(n) * days * 86400)
        buf = io.StringIO()
        for plate, cam, ts in zip(plates, cams_n, times, strict=True):
            at = datetime.fromtimestamp(ts, UTC).isoformat()
            buf.write(f"{plate}\t{plate}\tCA\t0.9\t{at}\t{at}\t{cam}\t{agency.pk}\t{cam_lat[cam]:.6f}\t"
                      f"{cam_lon[cam]:.6f}\t\t\t\t\t\t\t\tf\n")
        with raw.cursor() as cur, cur.copy(f"COPY alpr_read ({columns}) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        raw.commit()
        print(f"  {offset + n:,} rows ({time.perf_counter() - t0:.0f} s)", flush=True)
    print("rebuilding indexes ...", flush=True)
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            t1 = time.perf_counter()
            cur.execute(definition)
            print(f"  {name}: {time.perf_counter() - t1:.0f} s", flush=True)
        cur.execute("ANALYZE alpr_read")
    print(f"loaded in {time.perf_counter() - t0:.0f} s", flush=True)


def measure(queries: int, days: int, seed: int) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import Agency, User
    from alpr.criteria import build_criteria
    from alpr.models import Camera, Read
    from alpr.selectors.reads import reads_for_query

    agency = Agency.objects.get(ori="CA0010900")
    user, _ = User.objects.get_or_create(username="bench.analyst", defaults={"agency": agency})
    user.groups.add(Group.objects.get(name="Crime Analyst"))
    # ID-4: searches are closed to a member without current training (as benchmarks/load.py).
    from django.utils import timezone

    from training.models import REQUIRED_TOPICS, TrainingCourse, TrainingRecord

    course, _ = TrainingCourse.objects.get_or_create(
        title="ALPR Operator Training", version="bench", defaults={"topics": sorted(REQUIRED_TOPICS),
                                                                   "is_department_approved": True})
    if not TrainingRecord.objects.filter(member=user).exists():
        TrainingRecord.objects.create(member=user, course=course, trainer="Bench",
                                      completed_on=timezone.localdate() - timedelta(days=5))
    rng = random.Random(seed)
    now = datetime.now(UTC)
    sample = list(Read.objects.order_by("?").values_list("plate", flat=True)[:queries]) if queries <= 2000 else []
    if not sample:
        sample = [p for (p,) in Read.objects.values_list("plate")[:queries]]
    camera_ids = list(Camera.objects.filter(agency=agency).values_list("pk", flat=True))
    cases = {
        "exact plate (30 days)": [{"plate": p} for p in sample],
        "partial plate, 4-5 known (30 days)": [{"plate": _partial(p, rng)} for p in sample],
        "camera + 1 hour window": [{"camera_ids": [rng.choice(camera_ids)], "window": rng.uniform(1, days * 24 - 1)}
                                   for _ in sample],
    }
    results = {}
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    for name, items in cases.items():
        timings, counts = [], []
        for item in items:
            if "window" in item:
                to = now - timedelta(hours=item["window"])
                criteria = build_criteria(captured_from=to - timedelta(hours=1), captured_to=to,
                                          camera_ids=item["camera_ids"], now=now)
            else:
                criteria = build_criteria(captured_from=now - timedelta(days=days) + timedelta(minutes=10),
                                          captured_to=now, plate=item["plate"], now=now)
            t0 = time.perf_counter()
            qs = reads_for_query(user=user, criteria=criteria)
            count = qs.count()
            list(qs[:50])
            timings.append((time.perf_counter() - t0) * 1000)
            counts.append(count)
        results[name] = {"p50_ms": percentile(timings, 50), "p95_ms": percentile(timings, 95),
                         "max_ms": max(timings), "median_results": percentile(counts, 50)}
    return results


def _partial(plate: str, rng: random.Random) -> str:
    """A witness remembers 4 or 5 characters: a prefix and a suffix around a gap."""
    known = rng.choice([4, 5])
    head = rng.randint(2, known - 2)
    return plate[:head] + "*" + plate[len(plate) - (known - head):]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", type=int, default=5_000_000)
    parser.add_argument("--cameras", type=int, default=300)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    args = parser.parse_args()
    setup_django(args.database_url)
    fill(args.reads, args.cameras, args.days, args.seed)
    results = measure(args.queries, args.days, args.seed)
    from alpr import partitions
    from alpr.models import Read

    print(f"\n{Read.objects.count():,} reads ({'partitioned by upload day' if partitions.enabled() else 'one table'}), "
          f"{args.queries} queries each (count + first page of 50):")
    print(f"{'query':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'median rows':>12}")
    for name, r in results.items():
        print(f"{name:40} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} {r['median_results']:12.0f}")


if __name__ == "__main__":
    main()
