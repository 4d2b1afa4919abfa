"""Ingest's part of the retention purge (RT-1): frame jobs and edge-camera events go with
their reads. alpr.services.retention.purge calls these after the reads are gone; they are passed
in from IngestConfig.ready() (alpr.services.retention.register_purge_step), so alpr, below ingest,
does not import it (issue 17). Each adds its counts and errors to the purge run."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef

from alpr.models import PurgeRun, Read
from ingest.models import EdgeEvent, FrameJob


def purge_frame_jobs(*, cutoff, batch: int, run: PurgeRun) -> None:
    """Ingest jobs older than retention whose reads are all gone, and their stored frames."""
    while True:
        with transaction.atomic():
            jobs = list(FrameJob.objects.filter(received_at__lt=cutoff).exclude(
                Exists(Read.objects.filter(ingest_job=OuterRef("pk")))).values_list("pk", "frame")[:batch])
            if not jobs:
                break
            FrameJob.objects.filter(pk__in=[j[0] for j in jobs]).delete()
        for _, name in jobs:
            if name:
                try:
                    default_storage.delete(name)
                except OSError as exc:
                    run.errors.append(f"{name}: {exc}")
        run.frames_deleted += len(jobs)


def purge_edge_events(*, cutoff, batch: int, run: PurgeRun) -> None:
    """Issue 22: edge-camera events (the payloads as sent, refused ones too) go with their
    reads; an event whose read is held stays with it (RT-1, RT-2)."""
    while True:
        with transaction.atomic():
            events = list(EdgeEvent.objects.filter(received_at__lt=cutoff).exclude(
                Exists(Read.objects.filter(edge_event=OuterRef("pk")))).values_list("pk", flat=True)[:batch])
            if not events:
                break
            EdgeEvent.objects.filter(pk__in=events).delete()
        run.edge_events_deleted += len(events)
