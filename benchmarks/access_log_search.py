"""Access-log full-text search (issue 19 part 3; AU-1, AU-4): latency of the auditor's
search page over a large log on PostgreSQL. Target: p95 <= 200 ms over 5,000,000 entries.

    .venv/bin/python -m benchmarks.access_log_search [--entries 5000000] [--repeat 20]

Uses its own PostgreSQL database (benchmarks/common.py; --database-url to choose). The
log is filled with generate_series in one INSERT (the search does not read the hash
chain, so the rows carry placeholder hashes: do not run verify_access_log on this
database; PostgreSQL computes each row's search_document as it inserts), then the GIN
index is rebuilt and the table analysed. Each query is what one
search page reads (audits/log_search.access_log_search_page): the first page of 50
entries, the number of matches and the counts by user, agency, purpose and month; above
INTERACTIVE_CAP matches the page counts to the cap and leaves the groupings to the counts
CSV. Prints p50/p95 per query and overall.
"""

from __future__ import annotations

import argparse
import time

from accesslog.actions import Action
from benchmarks.common import DEFAULT_DB, percentile, setup_django

REASONS = [
    "stolen vehicle seen near the freeway on-ramp", "burglary suspect vehicle from witness statement",
    "armed robbery getaway car partial plate", "hit and run with injuries, silver sedan",
    "missing person last seen driving north", "AMBER alert vehicle description matches",
    "homicide investigation associated vehicle", "carjacking at gas station, dark SUV",
    "catalytic converter theft ring, white van", "shooting follow-up, witness gave the plate",
    "felony warrant subject's known vehicle", "sideshow organiser vehicle identified on video",
    "retail theft crew leaving the mall", "kidnapping report from the school district",
    "assault with a deadly weapon, red pickup", "arson near the warehouse district",
    "stolen plates reported by owner", "vehicle used in a string of residential burglaries",
    "elder abuse case, caretaker's car", "fraud suspect seen at multiple banks",
]
RARE = [(997, "Reason given: requested by ICE agent for an address"),
        (1009, "Reason given: CBP liaison asked for travel history"),
        (1013, "Reason given: clinic visitors related to abortion services")]
AGENCIES = ["Oakland Police Department", "Alameda County Sheriff's Office", "Berkeley Police Department",
            "San Leandro Police Department", "Hayward Police Department", "Fremont Police Department",
            "Emeryville Police Department", "Piedmont Police Department", "BART Police Department",
            "California Highway Patrol", "Alameda Police Department", "Union City Police Department"]
ACTIONS = [Action.SEARCH_RUN, Action.SEARCH_RESULTS, Action.READ_VIEW, Action.HIT_VIEW, Action.HIT_TRANSITION,
           Action.HOTLIST_REQUEST_VIEW, Action.SHARING_REQUEST_VIEW, Action.SEARCH_REFUSED, Action.AUTH_LOGIN,
           Action.READ_VIEW]
PURPOSES = ["burglary", "violent_crime", "stolen_vehicle", "missing_person", "amber_alert", "homicide",
            "robbery", "hit_and_run", "", ""]

QUERIES = [
    ("issue example: ICE OR CBP OR abortion, search.run, 2026",
     {"text": "ICE OR CBP OR abortion", "action": Action.SEARCH_RUN, "year": 2026}),
    ("rare word, all years: ICE", {"text": "ICE"}),
    ('phrase: "white van"', {"text": '"white van"'}),
    ("case number: 26-01234", {"text": "26-01234"}),
    ("plate in data elements: 7ABC123", {"text": "7ABC123"}),
    ("common word + user: burglary, user17", {"text": "burglary", "username": "user17"}),
    ("common word + agency + month: robbery, Hayward, 2026-03",
     {"text": "robbery", "agency": "Hayward", "month": (2026, 3)}),
    ("common word alone: burglary (about 1 entry in 7)", {"text": "burglary"}),
]


def _array(values) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def fill(n: int) -> None:
    import importlib

    from django.db import connection

    migration = importlib.import_module("audits.migrations.0008_access_log_search_index")
    rare_case = " ".join(f"WHEN g %% {k} = 0 THEN '{text}'" for k, text in RARE)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # bench reset only: skips the append-only trigger
        cursor.execute("TRUNCATE audits_accessevent, audits_accesslogverification, audits_accesslogdigest")
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(f"DROP INDEX IF EXISTS {migration.INDEX}")
        t0 = time.perf_counter()
        cursor.execute(f"""
            INSERT INTO audits_accessevent (occurred_at, user_id, username, agency_id, agency_name, action,
                object_type, object_id, data_elements, purpose, case_number, client_address, outcome, detail,
                sequence, previous_hash, entry_hash)
            SELECT timestamptz '2024-01-01 00:00:00+00' + (g::float8 / %s) * interval '1065 days',
                   NULL, 'user' || (g * 7919 %% 500), NULL, ({_array(AGENCIES)})[1 + (g * 31 %% {len(AGENCIES)})],
                   ({_array(ACTIONS)})[1 + (g * 13 %% {len(ACTIONS)})], 'search', g::text,
                   jsonb_build_object('plate', chr((48 + g %% 10)::int) || chr((65 + g %% 26)::int)
                                      || chr((65 + (g / 26) %% 26)::int) || chr((65 + (g / 676) %% 26)::int)
                                      || lpad((g * 7 %% 1000)::text, 3, '0'),
                                      'results', g %% 40),
                   ({_array(PURPOSES)})[1 + (g * 17 %% {len(PURPOSES)})],
                   '26-' || lpad((g * 104729 %% 99999)::text, 5, '0'),
                   ('10.' || (g %% 250) || '.' || (g / 250 %% 250) || '.' || (1 + g %% 200))::inet,
                   CASE WHEN g %% 23 = 0 THEN 'denied' ELSE 'allowed' END,
                   CASE {rare_case}
                        ELSE 'Reason given: ' || ({_array(REASONS)})[1 + (g * 11 %% {len(REASONS)})] END,
                   g, repeat('0', 64), md5(g::text) || md5(g::text)
            FROM generate_series(1::bigint, %s::bigint) AS g
        """, [n, n])
        loaded = time.perf_counter() - t0
        t0 = time.perf_counter()
        cursor.execute(f"CREATE INDEX {migration.INDEX} ON audits_accessevent USING gin ({migration.COLUMN})")
        indexed = time.perf_counter() - t0
        cursor.execute("ANALYZE audits_accessevent")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s)), pg_size_pretty(pg_relation_size(%s))",
                       ["audits_accessevent", migration.INDEX])
        table_size, index_size = cursor.fetchone()
    print(f"loaded {n:,} entries in {loaded:.1f} s; GIN index built in {indexed:.1f} s "
          f"(table {table_size}, index {index_size})")


def one_search(spec: dict) -> tuple[float, int]:
    from datetime import datetime

    from django.utils import timezone

    from audits.log_search import LogSearch, access_log_search_page

    since = until = None
    if "year" in spec:
        since = timezone.make_aware(datetime(spec["year"], 1, 1))
        until = timezone.make_aware(datetime(spec["year"] + 1, 1, 1))
    if "month" in spec:
        y, m = spec["month"]
        since = timezone.make_aware(datetime(y, m, 1))
        until = timezone.make_aware(datetime(y + (m == 12), m % 12 + 1, 1))
    search = LogSearch(text=spec.get("text", ""), username=spec.get("username", ""), agency=spec.get("agency", ""),
                       action=spec.get("action", ""), since=since, until=until)
    t0 = time.perf_counter()
    page = access_log_search_page(search, page=1, page_size=50)  # all the search page reads
    return (time.perf_counter() - t0) * 1000, (f">{page.total:,}" if page.capped else f"{page.total:,}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--entries", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query (the first is a warm-up)")
    parser.add_argument("--no-fill", action="store_true", help="reuse the entries already loaded")
    args = parser.parse_args()
    setup_django(args.database_url)
    if not args.no_fill:
        fill(args.entries)
    everything = []
    print(f"{'query':62} {'matches':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for label, spec in QUERIES:
        one_search(spec)  # warm-up: caches, plan
        runs = [one_search(spec) for _ in range(args.repeat)]
        latencies = [ms for ms, _ in runs]
        everything += latencies
        print(f"{label:62} {runs[0][1]:>9} {percentile(latencies, 50):>8.1f} {percentile(latencies, 95):>8.1f}")
    print(f"{'all queries':62} {'':>9} {percentile(everything, 50):>8.1f} {percentile(everything, 95):>8.1f}")


if __name__ == "__main__":
    main()
