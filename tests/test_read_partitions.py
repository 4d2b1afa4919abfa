"""Issue 23 / RT-1, RT-2: the reads table partitioned by upload day on PostgreSQL.
Partitions are made ahead; retention drops whole days, held reads (and their images)
survive; the dropped days' files go in the background, with progress, resumably; searches
see every partition. On SQLite (the embedded default) the batched purge does it all."""

from datetime import UTC, timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alpr import partitions
from alpr.criteria import build_criteria
from alpr.models import Hit, ImageSweep, LegalHold, PendingImage, Read
from alpr.selectors.reads import reads_for_query
from alpr.services import retention
from tests import factories

REVIEW = timezone.localdate() + timedelta(days=60)
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="partitions are PostgreSQL's; SQLite keeps the batched purge")


@pytest.fixture
def cam(home_agency):
    return factories.camera(home_agency)


def _today():
    return timezone.now().astimezone(UTC).date()


def _partition_of(read) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text FROM alpr_read WHERE id = %s", [read.pk])
        return cur.fetchone()[0]


def _table_exists(name) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", [name])
        return cur.fetchone()[0] is not None


def _move_to_day(read, day, hour=12):
    """Give a read an upload time on `day` (the row moves to that day's partition)."""
    start, _ = partitions.day_bounds(day)
    Read.objects.filter(pk=read.pk).update(uploaded_at=start + timedelta(hours=hour))
    read.refresh_from_db()
    return read


@pytest.mark.django_db
def test_on_sqlite_nothing_is_partitioned_and_the_batched_purge_runs(cam):
    if connection.vendor == "postgresql":
        pytest.skip("this is the embedded (SQLite) path")
    read = factories.read(cam, "1OLD111", images=True)
    Read.objects.filter(pk=read.pk).update(uploaded_at=timezone.now() - timedelta(days=40))
    assert not partitions.enabled() and partitions.ensure_ahead() == []
    run = retention.purge()
    assert run.days_dropped == 0 and run.reads_deleted == 1 and not default_storage.exists(read.frame.name)


@postgres_only
@pytest.mark.django_db
def test_partitions_are_created_ahead_and_a_late_one_takes_its_rows_from_the_default(cam):
    assert partitions.enabled()
    start = _today() + timedelta(days=30)
    created = partitions.ensure_ahead(today=start, days=3)
    assert created == [start + timedelta(days=n) for n in range(4)]
    assert partitions.ensure_ahead(today=start, days=3) == []  # idempotent
    read = _move_to_day(factories.read(cam, "7ABC123"), start + timedelta(days=2))
    assert _partition_of(read) == partitions.partition_name(start + timedelta(days=2))
    # A day nobody made a partition for: the read waits in the DEFAULT partition, and moves
    # into the day's partition when it is made (nothing lost).
    late_day = start + timedelta(days=10)
    late = _move_to_day(factories.read(cam, "8LATE88"), late_day)
    assert _partition_of(late) == partitions.DEFAULT
    assert partitions.ensure_ahead(today=late_day, days=0) == [late_day]
    assert _partition_of(late) == partitions.partition_name(late_day)
    assert Read.objects.get(pk=late.pk).plate == "8LATE88"


@postgres_only
@pytest.mark.django_db
def test_the_purge_drops_whole_days_and_held_reads_and_their_images_survive(investigator, cam):
    day = _today() - timedelta(days=40)
    partitions.ensure_ahead(today=day, days=0)
    factories.entry(factories.hotlist(), "5HIT555")
    gone = [_move_to_day(factories.read(cam, p, images=True), day) for p in ("1OLD111", "5HIT555")]
    held = _move_to_day(factories.read(cam, "2HLD222", images=True), day, hour=13)
    hit = Hit.objects.get(plate="5HIT555")
    assert hit.read_id == gone[1].pk
    retention.hold_place(by=investigator, case_number="26-1", reason=LegalHold.Reason.ACTIVE_CRIMINAL,
                         justification="Robbery series", review_on=REVIEW, read_ids=[held.pk])
    recent = factories.read(cam, "3NEW333")

    run = retention.purge()

    assert (run.days_dropped, run.reads_deleted, run.held_reads_kept) == (1, 2, 1)
    assert not _table_exists(partitions.partition_name(day))
    assert not Read.objects.filter(pk__in=[r.pk for r in gone]).exists()
    assert Read.objects.filter(pk__in=[held.pk, recent.pk]).count() == 2
    assert _partition_of(held) == partitions.DEFAULT  # kept, with its hold
    assert LegalHold.objects.get().reads.get() == held
    hit.refresh_from_db()
    assert hit.read_id is None and hit.plate == "5HIT555"  # what the foreign key's SET_NULL did
    # The files go in the background: still there after the purge, gone after the sweep,
    # except the held read's.
    sweep = ImageSweep.objects.get(day=day)
    assert sweep.purge_run == run and sweep.files_total == 6 and sweep.finished_at is None
    assert all(default_storage.exists(r.frame.name) for r in gone)
    assert partitions.sweep_images() == 4
    sweep.refresh_from_db()
    assert (sweep.files_deleted, sweep.files_kept, sweep.finished_at is not None) == (4, 2, True)
    assert not any(default_storage.exists(n) for r in gone for n in (r.frame.name, r.crop.name))
    assert default_storage.exists(held.frame.name) and default_storage.exists(held.crop.name)
    # Once released, the held read goes the batched way on the next run.
    hold = LegalHold.objects.get()
    retention.hold_release(hold=hold, by=investigator, note="Case closed")
    again = retention.purge()
    assert again.days_dropped == 0 and again.reads_deleted == 1 and not Read.objects.filter(pk=held.pk).exists()


@postgres_only
@pytest.mark.django_db
def test_only_whole_days_before_the_cutoff_are_dropped(cam):
    cutoff_day = _today() - timedelta(days=30)
    partitions.ensure_ahead(today=cutoff_day - timedelta(days=1), days=1)
    before = _move_to_day(factories.read(cam, "1AAA111"), cutoff_day - timedelta(days=1))
    same_day = _move_to_day(factories.read(cam, "2BBB222"), cutoff_day, hour=1)
    cutoff = partitions.day_bounds(cutoff_day)[0] + timedelta(hours=6)  # in the middle of cutoff_day
    totals = partitions.drop_expired_days(cutoff=cutoff)
    assert totals == {"days": 1, "reads": 1, "held": 0}
    assert not Read.objects.filter(pk=before.pk).exists()
    assert _partition_of(same_day) == partitions.partition_name(cutoff_day)  # the batched path's


@postgres_only
@pytest.mark.django_db
def test_the_image_sweep_shows_progress_and_resumes_after_a_stop(cam):
    day = _today() - timedelta(days=45)
    partitions.ensure_ahead(today=day, days=0)
    reads = [_move_to_day(factories.read(cam, f"{n}SWP{n}{n}{n}", images=True), day) for n in range(1, 4)]
    names = [n for r in reads for n in (r.frame.name, r.crop.name)]
    assert partitions.drop_expired_days(cutoff=timezone.now() - timedelta(days=30))["reads"] == 3
    sweep = ImageSweep.objects.get(day=day)
    assert sweep.files_total == 6

    assert partitions.sweep_images(batch=2, max_batches=1) == 2  # stopped after one batch
    sweep.refresh_from_db()
    assert sweep.files_deleted == 2 and sweep.finished_at is None and PendingImage.objects.count() == 4
    assert sum(default_storage.exists(n) for n in names) == 4
    default_storage.delete(PendingImage.objects.order_by("pk").first().name)  # someone removed one by hand

    assert partitions.sweep_images(batch=2) == 3  # resumes where it stopped
    sweep.refresh_from_db()
    assert (sweep.files_deleted, sweep.files_missing, sweep.files_kept) == (5, 1, 0)
    assert sweep.finished_at is not None and not PendingImage.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
    assert partitions.sweep_images() == 0  # nothing left to do


@postgres_only
@pytest.mark.django_db
def test_searches_find_reads_in_every_partition(analyst, investigator, cam, home_agency):
    days = [_today() - timedelta(days=n) for n in (1, 2, 3)]
    partitions.ensure_ahead(today=days[-1], days=3)
    reads = [_move_to_day(factories.read(cam, "7ABC123", minutes_ago=60 * 24 * n), d)
             for n, d in zip((1, 2, 3), days, strict=True)]
    # And one in the DEFAULT partition (a held read of a dropped day looks like this).
    stray = factories.read(cam, "7ABC123", minutes_ago=60 * 24 * 4)
    Read.objects.filter(pk=stray.pk).update(uploaded_at=timezone.now() - timedelta(days=400))
    # Past its retention, it is served only because a hold keeps it (RT-2, issue 20).
    retention.hold_place(by=investigator, case_number="26-1", reason=LegalHold.Reason.ACTIVE_CRIMINAL,
                         justification="Robbery series", review_on=REVIEW, read_ids=[stray.pk])
    assert _partition_of(stray) == partitions.DEFAULT
    assert len({_partition_of(r) for r in reads}) == 3
    now = timezone.now()
    window = {"captured_from": now - timedelta(days=5), "captured_to": now}
    expected = {r.pk for r in reads} | {stray.pk}
    exact = reads_for_query(user=analyst, criteria=build_criteria(plate="7ABC123", **window))
    partial = reads_for_query(user=analyst, criteria=build_criteria(plate="7AB*23", **window))
    by_camera = reads_for_query(user=analyst, criteria=build_criteria(camera_ids=[cam.pk], **window))
    assert {r.pk for r in exact} == expected and exact.count() == 4
    assert {r.pk for r in partial} == expected
    assert {r.pk for r in by_camera} == expected
    # The partitions made ahead (empty until their day) are not planned at all.
    ahead = partitions.partition_name(_today() + timedelta(days=5))
    assert ahead in partitions.day_partitions().values()
    plan = exact.explain()
    assert partitions.partition_name(days[0]) in plan and ahead not in plan


@pytest.mark.django_db
def test_oversight_sees_the_image_sweeps_progress_and_a_hold_placer_does_not(coordinator, investigator, client):
    day = _today() - timedelta(days=31)
    ImageSweep.objects.create(day=day, files_total=1200, files_deleted=700, files_kept=4, files_missing=1)
    client.force_login(coordinator)
    page = client.get(reverse("alpr:retention")).content.decode()
    assert "Image files of dropped days" in page
    assert f"<td>{day:%Y-%m-%d}</td><td>1200</td><td>700</td><td>4</td>" in page and "in progress" in page
    client.force_login(investigator)
    page = client.get(reverse("alpr:retention")).content.decode()
    assert "Legal holds" in page and "Image files of dropped days" not in page
