"""What the upload page shows of each frame (issue 21 §3): its plates as they are read
(crop, text, confidence, any alert-list hit) with links to the reads, and a message that
says "read" for frames already read, not "queued".

Covert hits are never shown here: the uploader is not the investigator responsible (HT-4).
"""

from __future__ import annotations

from django.db.models import Prefetch

from alpr.models import Hit, Read
from ingest.models import FrameJob


def recent_jobs_with_reads(user, limit: int = 50):
    reads = Read.objects.order_by("id").prefetch_related(
        Prefetch("hits", queryset=Hit.objects.filter(is_covert=False).select_related("entry__hotlist"),
                 to_attr="alert_hits"))
    return (FrameJob.objects.filter(submitted_by=user).select_related("camera")
            .prefetch_related(Prefetch("reads", queryset=reads, to_attr="plate_reads"))
            .order_by("-received_at")[:limit])


def upload_message(job_ids: list[int]) -> str:
    """After an upload: the embedded default reads frames before the page returns, so say what was read."""
    jobs = list(FrameJob.objects.filter(pk__in=job_ids).exclude(status=FrameJob.Status.REJECTED))
    done = [j for j in jobs if j.status == FrameJob.Status.DONE]
    waiting = len(jobs) - len(done)
    parts = []
    if done:
        plates = sum(j.reads_count for j in done)
        parts.append(f"{len(done)} frame(s) read: {plates} plate(s) found")
    if waiting:
        parts.append(f"{waiting} frame(s) queued for reading")
    return "; ".join(parts) + "."
