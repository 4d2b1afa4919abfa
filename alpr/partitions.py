"""The reads table partitioned by upload day on PostgreSQL (issue 23, RT-1).

Retention then drops whole days instead of deleting rows one by one: a day's partition is
detached and dropped, which takes milliseconds and returns its space at once, where a
batched DELETE of the same rows takes minutes and leaves dead rows for VACUUM.

- One partition per upload day in UTC (`alpr_read_pYYYYMMDD`), the same day as the
  image path (alpr.models._read_path: `uploaded_at.strftime("%Y/%m/%d")` of an aware UTC
  time), so a dropped day's files are found by its rows. `ensure_ahead` creates the next
  days' partitions before they are needed (a Celery beat task, and the purge, call it);
  pg_partman would do the same, but it is one more extension to install and upgrade for
  what fifty lines do here.
- A DEFAULT partition (`alpr_read_default`) takes what no day partition covers: reads
  held by a legal hold whose day was dropped (RT-2: held reads survive; they are moved
  there in the same transaction as the drop), and a read for a day whose partition was
  not made in time. Nothing is lost; the batched purge (alpr.services.retention) deletes
  its expired, unheld rows as before.
- Nothing references the reads table with a database foreign key (a key into a
  partitioned table must carry the partition key): `drop_day` does what the keys did:
  a hit's link to a dropped read is cleared (or the hit deleted, as the batched purge
  does), and links of holds that are no longer active are removed.
- The image files of a dropped day are deleted in the background (ImageSweep, with its
  progress; an interrupted sweep resumes from the PendingImage rows left).

On SQLite (the embedded default) none of this applies: `enabled()` is False and the purge
keeps its batched path.
"""

# SQL here is built with identifiers only (the module's table names, partition names made
# from a date, model db_tables); every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from alpr.models import Hit, ImageSweep, LegalHold, PendingImage, Read

logger = logging.getLogger(__name__)

PARENT = "alpr_read"
DEFAULT = "alpr_read_default"
NAME = re.compile(r"^alpr_read_p(\d{8})$")
# A drop takes the parent's ACCESS EXCLUSIVE lock for milliseconds; it waits at most this
# long for running inserts and searches, then gives up and tries again, so a long search
# never makes the camera uploads queue behind the drop.
LOCK_TIMEOUT = "500ms"
DROP_ATTEMPTS = 8


def partition_name(day: date) -> str:
    return f"alpr_read_p{day:%Y%m%d}"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def enabled() -> bool:
    """True where the reads table is partitioned (PostgreSQL after migration 0016)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [PARENT])
        row = cur.fetchone()
    return bool(row) and row[0] == "p"


def day_partitions() -> dict[date, str]:
    """The day partitions attached now, by day (the DEFAULT partition is not one)."""
    with connection.cursor() as cur:
        cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = to_regclass(%s)", [PARENT])
        names = [r[0] for r in cur.fetchall()]
    found = {}
    for name in names:
        m = NAME.match(name)
        if m:
            found[datetime.strptime(m.group(1), "%Y%m%d").date()] = name
    return found


def _create_day(cur, day: date) -> None:
    """Create one day's partition. Rows already in the DEFAULT partition for that day (the
    partition was late) are moved into it first, since PostgreSQL refuses to attach a
    partition whose range the DEFAULT partition still holds rows of."""
    name = partition_name(day)
    start, end = day_bounds(day)
    cur.execute(f"SELECT 1 FROM {DEFAULT} WHERE uploaded_at >= %s AND uploaded_at < %s LIMIT 1", [start, end])
    if cur.fetchone() is None:
        cur.execute(f"CREATE TABLE {name} PARTITION OF {PARENT} FOR VALUES FROM (%s) TO (%s)", [start, end])
        return
    cur.execute(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cur.execute(f"WITH moved AS (DELETE FROM {DEFAULT} WHERE uploaded_at >= %s AND uploaded_at < %s RETURNING *) "
                f"INSERT INTO {name} SELECT * FROM moved", [start, end])
    cur.execute(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [start, end])


def ensure_ahead(*, today: date | None = None, days: int | None = None) -> list[date]:
    """Create the partitions of today and the next `days` days that do not exist yet
    (idempotent). Returns the days created."""
    if not enabled():
        return []
    today = today or timezone.now().astimezone(UTC).date()
    days = settings.ALPR_READ_PARTITIONS_AHEAD if days is None else days
    have = day_partitions()
    created = []
    for n in range(days + 1):
        day = today + timedelta(days=n)
        if day in have:
            continue
        with transaction.atomic(), connection.cursor() as cur:
            _create_day(cur, day)
        created.append(day)
    if created:
        logger.info("read partitions created: %s", ", ".join(d.isoformat() for d in created))
    return created


def _held_ids_sql() -> str:
    """The ids of reads an active legal hold covers (RT-2), as a subquery."""
    through = LegalHold.reads.through._meta.db_table
    return (f"SELECT t.read_id FROM {through} t JOIN {LegalHold._meta.db_table} h ON h.id = t.legalhold_id "
            f"WHERE h.status = '{LegalHold.Status.ACTIVE}'")


def drop_day(day: date, *, run=None) -> tuple[int, int]:
    """Drop one upload day's reads as a partition; the held ones move to the DEFAULT
    partition first. Returns (reads dropped, held reads kept). The day's image files are
    queued for the background sweep in the same transaction."""
    for attempt in range(1, DROP_ATTEMPTS + 1):
        try:
            return _drop_day(day, run)
        except OperationalError as exc:  # lock_timeout: inserts or searches were running
            if "lock timeout" not in str(exc) or attempt == DROP_ATTEMPTS:
                raise
            logger.info("drop of read partition %s waited too long for its lock (attempt %s)", day, attempt)
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


@transaction.atomic
def _drop_day(day: date, run) -> tuple[int, int]:
    name = partition_name(day)
    hits = Hit._meta.db_table
    through = LegalHold.reads.through._meta.db_table
    with connection.cursor() as cur:
        # The day's rows and its holds stay as they are until the commit: no read enters
        # the day (SHARE on the partition; uploads go to today's), no hold is placed,
        # approved or released meanwhile (a hold placed now waits milliseconds), so the
        # held reads found here are the ones that survive. Uploads and searches carry on:
        # the parent is not locked yet.
        cur.execute(f"LOCK TABLE {name}, {through}, {LegalHold._meta.db_table} IN SHARE MODE")
        sweep = ImageSweep.objects.create(day=day, purge_run=run)
        cur.execute(f"INSERT INTO {PendingImage._meta.db_table} (sweep_id, name) "
                    f"SELECT %s, n FROM (SELECT frame AS n FROM {name} WHERE frame <> '' "
                    f"UNION SELECT crop FROM {name} WHERE crop <> '') files", [sweep.pk])
        files = cur.rowcount
        cur.execute(f"SELECT id FROM {name} WHERE id IN ({_held_ids_sql()})")
        held = [r[0] for r in cur.fetchall()]
        # What the foreign keys did: hits lose their link (HT-2 records stay for the
        # annual report) or, where hit records are not kept, go as the batched purge's do;
        # the links of holds no longer active go.
        gone = f"SELECT id FROM {name} WHERE NOT (id = ANY(%s))"
        if not settings.ALPR_KEEP_HIT_RECORDS:
            cur.execute(f"SELECT id FROM {hits} WHERE read_id IN ({gone})", [held])
            Hit.objects.filter(pk__in=[r[0] for r in cur.fetchall()], stop_report__isnull=True).delete()
        cur.execute(f"UPDATE {hits} SET read_id = NULL WHERE read_id IN ({gone})", [held])
        cur.execute(f"DELETE FROM {through} WHERE read_id IN ({gone})", [held])
        cur.execute(f"SELECT count(*) FROM {name}")
        dropped = cur.fetchone()[0] - len(held)
        # The keys are checked at commit (DEFERRABLE INITIALLY DEFERRED); PostgreSQL will
        # not drop a table with checks still pending, which rows written earlier in the
        # same transaction would have. Check them now (a no-op in the nightly run).
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # From here to the commit, uploads wait (milliseconds): the day leaves the table,
        # its held reads (looked up by id) move to the DEFAULT partition first.
        cur.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {name}")
        cur.execute(f"INSERT INTO {DEFAULT} SELECT * FROM {name} WHERE id = ANY(%s)", [held])
        cur.execute(f"DROP TABLE {name}")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    ImageSweep.objects.filter(pk=sweep.pk).update(files_total=files)
    logger.info("read partition %s dropped: %s reads, %s held kept, %s files queued", day, dropped, len(held), files)
    return dropped, len(held)


def drop_expired_days(*, cutoff: datetime, run=None) -> dict:
    """Drop every day partition that ends at or before `cutoff` (whole days only; the rest
    of the expired rows are left to the batched purge). The caller passes the cutoff of
    the longest read retention, so no read is dropped before its own retention ends."""
    totals = {"days": 0, "reads": 0, "held": 0}
    if not enabled():
        return totals
    for day, _ in sorted(day_partitions().items()):
        if day_bounds(day)[1] > cutoff:
            continue
        dropped, kept = drop_day(day, run=run)
        totals["days"] += 1
        totals["reads"] += dropped
        totals["held"] += kept
    return totals


def sweep_images(*, batch: int | None = None, max_batches: int | None = None) -> int:
    """Delete the image files of dropped days, a batch at a time (RT-1), oldest sweep
    first. Safe to stop anywhere and run again: the PendingImage rows are what is left,
    and a file already gone counts as missing. A file still used by a read that stayed (a
    held read of that day) is kept. Returns the files deleted."""
    batch = batch or settings.ALPR_IMAGE_SWEEP_BATCH
    deleted_total = batches = 0
    for sweep in ImageSweep.objects.filter(finished_at__isnull=True).order_by("pk"):
        start, end = day_bounds(sweep.day)
        while True:
            if max_batches is not None and batches >= max_batches:
                return deleted_total
            rows = list(PendingImage.objects.filter(sweep=sweep).order_by("pk").values_list("pk", "name")[:batch])
            if not rows:
                ImageSweep.objects.filter(pk=sweep.pk).update(finished_at=timezone.now())
                logger.info("image sweep %s (%s) finished", sweep.pk, sweep.day)
                break
            names = {name for _, name in rows}
            # Files are stored under their read's upload day, so the reads that can still
            # use them are that day's survivors (held reads, now in the DEFAULT partition).
            used = Read.objects.filter(uploaded_at__gte=start, uploaded_at__lt=end).filter(
                Q(frame__in=names) | Q(crop__in=names)).values_list("frame", "crop")
            still_used = {n for pair in used for n in pair} & names
            deleted = missing = 0
            errors = []
            for name in sorted(names - still_used):
                try:
                    if default_storage.exists(name):
                        default_storage.delete(name)
                        deleted += 1
                    else:
                        missing += 1
                except OSError as exc:
                    errors.append(f"{name}: {exc}")
                    logger.warning("image sweep %s could not delete %s: %s", sweep.pk, name, exc)
            with transaction.atomic():
                PendingImage.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
                sweep.refresh_from_db(fields=["errors"])
                ImageSweep.objects.filter(pk=sweep.pk).update(
                    files_deleted=F("files_deleted") + deleted, files_missing=F("files_missing") + missing,
                    files_kept=F("files_kept") + len(still_used), errors=sweep.errors + errors)
            deleted_total += deleted
            batches += 1
    return deleted_total


# --- The conversion (migration 0016) --------------------------------------------------------

def _rebuild(schema_editor, model, *, partitioned: bool) -> None:
    """Re-create the reads table, partitioned by upload day or plain, keeping its rows,
    ids, indexes (same names) and foreign keys. PostgreSQL only."""
    cur = schema_editor.connection.cursor()
    table = model._meta.db_table
    cur.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    seq = cur.fetchone()[0]
    cur.execute(f"SELECT greatest((SELECT last_value FROM {seq}), (SELECT coalesce(max(id), 0) FROM {table}))")
    last = cur.fetchone()[0]
    cur.execute(f"ALTER TABLE {table} RENAME TO {table}_old")
    by = " PARTITION BY RANGE (uploaded_at)" if partitioned else ""
    cur.execute(f"CREATE TABLE {table} (LIKE {table}_old INCLUDING DEFAULTS INCLUDING CONSTRAINTS){by}")
    if partitioned:
        cur.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {table} DEFAULT")
        cur.execute(f"SELECT min(uploaded_at) FROM {table}_old")
        first = cur.fetchone()[0]
        today = timezone.now().astimezone(UTC).date()
        day = min(first.astimezone(UTC).date(), today) if first else today
        while day <= today + timedelta(days=settings.ALPR_READ_PARTITIONS_AHEAD):
            start, end = day_bounds(day)
            cur.execute(f"CREATE TABLE {partition_name(day)} PARTITION OF {table} "
                        f"FOR VALUES FROM (%s) TO (%s)", [start, end])
            day += timedelta(days=1)
    cur.execute(f"INSERT INTO {table} SELECT * FROM {table}_old")
    cur.execute(f"DROP TABLE {table}_old CASCADE")
    cur.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
    cur.execute(f"SELECT setval('{table}_id_seq', %s, %s)", [max(last, 1), last > 0])
    cur.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
    # A primary key on a partitioned table must include the partition key (the id alone is
    # still unique: it comes from the one sequence).
    key = "id, uploaded_at" if partitioned else "id"
    cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
    for index in model._meta.indexes:
        schema_editor.add_index(model, index)
    cur.execute(f"CREATE INDEX read_plate_trgm ON {table} USING gin (plate gin_trgm_ops)")  # migration 0002
    for field in model._meta.local_fields:
        if field.remote_field and field.db_constraint:
            schema_editor.execute(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))
    cur.execute(f"ANALYZE {table}")


def convert(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, apps.get_model("alpr", "Read"), partitioned=True)


def unconvert(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, apps.get_model("alpr", "Read"), partitioned=False)
